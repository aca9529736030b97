"""The actions of the request lifecycle: what each takes as input (one form for the page and
the API) and how its input is checked."""

from .forms import ACTION_FORMS, ActionForm, action_form, form_data, input_errors

__all__ = ["ACTION_FORMS", "ActionForm", "action_form", "form_data", "input_errors"]
