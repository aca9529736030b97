"""The actions of the request lifecycle, one class each (``lifecycle``): what each takes as
input (one form for the page and the API, ``forms``), what it changes, who hears of it and how
its event reads. ``workflow.ACTIONS`` is the table built from them."""

from .forms import ActionForm, bound_form, form_data, input_errors
from .lifecycle import ALL_ACTIONS

__all__ = ["ACTION_FORMS", "ActionForm", "action_form", "form_data", "input_errors"]

# Each action's form by the action's name: what the API documents and the tests generate from.
ACTION_FORMS: dict[str, type[ActionForm]] = {action.name: action.form for action in ALL_ACTIONS}


def action_form(name: str, request_obj, user, data=None) -> ActionForm:
    """The form of the action called ``name``, bound to ``data`` if given (``bound_form``)."""
    return bound_form(ACTION_FORMS[name], name, request_obj, user, data)
