"""One form per action of the lifecycle table (its class in ``lifecycle`` names it): the one
validator of an action's input.

The request's page posts its fields here, and so does the API (a JSON body is first laid out
as a form's data by ``form_data``): both get the same 400 naming the same field, and
``services.perform_action`` binds the form under the request's lock before any effect runs.
Every free text is bounded and refuses NUL characters (Django's ``CharField`` does), every
number has the bounds of ``bali_portal.bounds``, every key is checked before it reaches a
query (a 30-digit "key" is no key, and SQLite cannot even compare it).
"""

from django import forms
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from bali_portal import bounds
from bali_portal.accounts.models import Role, User
from registry.models import Division, Organization
from registry.selectors import activities_visible_to

from ..models import DeclineReason, EvaluationKind, Request

# The longest free text an action takes: a long answer or report, not a book.
FREE_TEXT_CHARS = 20_000

WRONG_TYPE = _("Enter a single value, not a list or an object.")
WRONG_LIST = _("Enter a list of values.")


def _text(label, rows=4, **kwargs):
    kwargs.setdefault("max_length", FREE_TEXT_CHARS)
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class KeyedChoiceField(forms.ModelChoiceField):
    """A record chosen by its key; a value that cannot be a key is refused before any query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.to_field_name is None and not bounds.is_key(str(value).strip()):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class CodeChoiceField(forms.ModelChoiceField):
    """A record chosen by its code, whatever the case it is typed in."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return super().to_python(str(value).strip().upper()[:20])


class CodesChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        if value:
            value = [str(item).strip().upper()[:20] for item in value]
        return super().clean(value)


class ColleagueField(KeyedChoiceField):
    """A colleague of the office: by account number (the page) or e-mail address (the API)."""

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if "@" in text:
            try:
                validate_email(text)
            except forms.ValidationError:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from None
            found = self.queryset.filter(email__iexact=text).first()
            if found is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
            return found
        return super().to_python(value)


class LinesWidget(forms.Textarea):
    """A text box of one name a line, that also takes the names as a list (the API's)."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return values if isinstance(values, list) and len(values) != 1 else (values or [""])[0]

    def format_value(self, value):
        return (
            "\n".join(map(str, value)) if isinstance(value, list) else super().format_value(value)
        )


class ActivitiesField(forms.Field):
    """Registry activities, each by its identifier or its title (one a line, or a list).

    The account's own view of the registry decides which can be named (published ones, and
    the unpublished ones it may edit). A registry number is still taken, for clients that
    hold one.
    """

    widget = LinesWidget(attrs={"rows": 3})

    def __init__(self, **kwargs):
        self.visible = None  # set by the form: the activities the user may name
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            value = [value]
        names = []
        for item in value:
            for part in str(item).replace("\r", "\n").split("\n"):
                for name in part.split(",") if "," in part and _all_keys(part) else [part]:
                    if name.strip():
                        names.append(name.strip())
        return names

    def validate(self, value):
        super().validate(value)
        if len(value) > 100:
            raise forms.ValidationError(_("Name at most 100 activities."))
        if any(len(name) > 300 or "\x00" in name for name in value):
            raise forms.ValidationError(_("An activity's identifier or title is too long."))

    def clean(self, value):
        names = super().clean(value)
        found, unknown = [], []
        for name in names:
            activity = self._find(name)
            (found.append(activity) if activity is not None else unknown.append(name))
        if unknown:
            raise forms.ValidationError(
                _("Unknown registry activities: %(names)s.") % {"names": ", ".join(unknown)}
            )
        return list(dict.fromkeys(found))

    def _find(self, name: str):
        visible = self.visible
        by_name = visible.filter(identifier__iexact=name).first() or (
            visible.filter(title__iexact=name).order_by("pk").first()
        )
        if by_name is None and bounds.is_key(name):
            by_name = visible.filter(pk=int(name)).first()
        return by_name


def _all_keys(text: str) -> bool:
    return all(bounds.is_key(part.strip()) for part in text.split(",") if part.strip())


class ActionForm(forms.Form):
    """The fields of one action, named as the action (and the API) names them."""

    intro = ""

    def __init__(self, *args, request_obj: Request, user: User, **kwargs):
        self.request_obj = request_obj
        self.user = user
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict:
        """The cleaned values as the action's effect takes them: codes, ids, text."""
        data = {}
        for name, value in self.cleaned_data.items():
            if hasattr(value, "pk"):
                value = value.pk
            elif hasattr(value, "__iter__") and not isinstance(value, str | bytes | dict):
                value = [getattr(item, "pk", item) for item in value]
            data[name] = value
        return data


def _office_staff(request: Request):
    return User.objects.filter(
        role=Role.REGIONAL_STAFF, regional_office_id=request.regional_office_id, is_active=True
    )


class SubmitForm(ActionForm):
    intro = _("Send the request to your regional office. It can no longer be edited afterwards.")


class AcknowledgeForm(ActionForm):
    intro = _("Confirm receipt to the country and name who handles the request.")
    assignee = ColleagueField(
        label=_("Assignee"), queryset=User.objects.none(), required=False, empty_label=_("Me")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _office_staff(self.request_obj)


class AssignForm(ActionForm):
    assignee = ColleagueField(label=_("Assignee"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _office_staff(self.request_obj)


class RequestInfoForm(ActionForm):
    intro = _("The clock stops while the country prepares its answer.")
    message = _text(_("Your question to the country"))


class ProvideInfoForm(ActionForm):
    message = _text(_("Your answer"), rows=6)

    @property
    def question(self) -> str:
        """The question being answered, shown beside the answer box."""
        asked = [event for event in self.request_obj.events.all() if event.action == "request_info"]
        return asked[-1].note if asked else ""


class RouteForm(ActionForm):
    lead_division = CodeChoiceField(label=_("Lead division"), queryset=Division.objects.active())
    supporting_divisions = CodesChoiceField(
        label=_("Supporting divisions"),
        queryset=Division.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DeclineForm(ActionForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices)
    explanation = _text(_("Explanation for the country"))


class OrganizationField(KeyedChoiceField):
    """An organization of the registry, by its number (the API) or its name or acronym as typed
    on the page. The registry holds tens of thousands: a list of them all would weigh hundreds of
    kilobytes in every request page of the office."""

    widget = forms.TextInput(attrs={"autocomplete": "off"})
    suggestions = 5

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if bounds.is_key(text):
            return super().to_python(text)
        if len(text) > Organization._meta.get_field("name").max_length or "\x00" in text:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        named = list(self.queryset.filter(Q(name__iexact=text) | Q(acronym__iexact=text))[:2])
        if len(named) == 1:
            return named[0]
        if named:
            raise forms.ValidationError(
                _("Several organizations are called “%(name)s”: enter the full name."),
                code="ambiguous",
                params={"name": text},
            )
        raise forms.ValidationError(self._unknown_name(text), code="invalid_choice")

    def _unknown_name(self, text: str) -> str:
        message = _("No organization in the registry is called “%(name)s”.") % {"name": text}
        similar = list(
            self.queryset.filter(name__icontains=text)
            .order_by("name")
            .values_list("name", flat=True)[: self.suggestions]
        )
        if similar:
            message += " " + _("Did you mean: %(names)s?") % {"names": "; ".join(similar)}
        return message

    def prepare_value(self, value):
        # A refused or re-shown form shows the name the person typed or chose, not a number.
        if isinstance(value, Organization):
            return value.name
        if isinstance(value, int) or (isinstance(value, str) and bounds.is_key(value)):
            found = self.queryset.filter(pk=int(value)).values_list("name", flat=True).first()
            return found or value
        return value


class ReferForm(ActionForm):
    organization = OrganizationField(
        label=_("Organization referred to"),
        queryset=Organization.objects.all(),
        help_text=_("Its name or acronym as the registry gives it."),
    )
    contact_email = forms.EmailField(
        label=_("E-mail of the organization's contact"),
        help_text=_("The contact is sent a link to accept or decline, and to report the outcome."),
    )
    explanation = _text(_("Why this organization is better placed"), required=False)


class MergeForm(ActionForm):
    intro = _("Merge a duplicate into another open request of the same country.")
    into = forms.CharField(
        label=_("Reference of the request to merge into"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "KEN-2026-0007", "autocomplete": "off"}),
    )

    def clean_into(self):
        return self.cleaned_data["into"].strip().upper()


class ReturnForm(ActionForm):
    reason = _text(_("Why the division returns the request"))


class AcceptForm(ActionForm):
    response_plan = _text(_("Response plan"), rows=6)
    activities = ActivitiesField(
        label=_("Registry activities answering the request"),
        required=False,
        help_text=_("Their identifiers or titles in the registry, one a line (optional)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].visible = activities_visible_to(self.user)


class ProgressForm(ActionForm):
    text = _text(_("Progress update"))


def _count(label, bound, **kwargs):
    return forms.IntegerField(label=label, min_value=bound.low, max_value=bound.high, **kwargs)


class CompleteForm(ActionForm):
    """The results the annual report counts. Add a result as one more field here (its name is
    the request's field and the API's key) and in the effect that stores it."""

    intro = _("Report the results: the annual report counts them.")
    people_trained_female = _count(_("Women trained"), bounds.PEOPLE)
    people_trained_male = _count(_("Men trained"), bounds.PEOPLE)
    people_trained_other = _count(_("Others trained"), bounds.PEOPLE, required=False)
    institutions_supported = _count(
        _("Institutions supported"), bounds.INSTITUTIONS, required=False
    )
    outputs = _text(_("Outputs: laws, plans, tools, reports"))
    cost_usd = forms.DecimalField(
        label=_("Cost (USD)"),
        min_value=bounds.USD.low,
        max_value=bounds.USD.high,
        max_digits=14,
        decimal_places=2,
    )
    lessons = _text(_("Lessons learned"))
    # Outputs by kind and what went well or not (plan §24(b), §31(h)): counted by the report.
    laws_drafted = _count(_("Laws and regulations drafted"), bounds.OUTPUTS, required=False)
    policies_adopted = _count(_("Policies and plans adopted"), bounds.OUTPUTS, required=False)
    tools_developed = _count(_("Tools developed"), bounds.OUTPUTS, required=False)
    institutions_strengthened = _count(
        _("Institutions strengthened"), bounds.OUTPUTS, required=False
    )
    successes = _text(_("Successes"), rows=3, required=False)
    shortcomings = _text(_("Shortcomings"), rows=3, required=False)


class CloseForm(ActionForm):
    intro = _("Close the completed request.")


class WithdrawForm(ActionForm):
    intro = _("Withdraw the request if the country no longer needs the support.")
    reason = _text(_("Reason for withdrawing"), rows=3)


class EvaluateForm(ActionForm):
    """The country's assessment. Add a question as one more field here and in its effect."""

    intro = _(
        "How did the support help? Your assessment improves future support; it is invited, "
        "never required."
    )
    rating = forms.TypedChoiceField(
        label=_("Rating of the results (1 = poor, 5 = excellent)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    capacity_retained = forms.TypedChoiceField(
        label=_("Was the capacity built kept?"),
        choices=[("", _("Not sure yet")), ("true", _("Yes")), ("false", _("No"))],
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("When"),
        choices=EvaluationKind.choices,
        initial=EvaluationKind.ON_COMPLETION,
        required=False,
    )
    capacity_used = forms.TypedChoiceField(
        label=_("Is the capacity built being used?"),
        choices=[("", _("Not sure yet")), ("true", _("Yes")), ("false", _("No"))],
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
    )
    programme_rating = forms.TypedChoiceField(
        label=_("Rating of UNEP's programme (1 = poor, 5 = excellent)"),
        choices=[("", "—"), *((n, str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    staff_rating = forms.TypedChoiceField(
        label=_("Rating of the staff trained (1 = poor, 5 = excellent)"),
        choices=[("", "—"), *((n, str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comments = _text(_("Comments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every assessment is kept: once one exists, the next is a follow-up.
        if getattr(self.request_obj, "evaluation", None) is not None and not self.is_bound:
            self.initial = {"kind": EvaluationKind.FOLLOW_UP}


class CommentForm(ActionForm):
    text = _text(_("Message"), rows=3)


def bound_form(
    form_class: type[ActionForm], name: str, request_obj: Request, user: User, data=None
) -> ActionForm:
    """The form of action ``name``, bound to ``data`` (a page's POST, or a client's JSON
    object) if given.

    Field ids carry the action's name: several forms share a page.
    """
    shape_errors = {}
    if data is not None:
        data, shape_errors = form_data(form_class, data)
    form = form_class(
        data, request_obj=request_obj, user=user, auto_id=f"id_{name}_%s", prefix=None
    )
    form.shape_errors = shape_errors
    return form


def is_multiple(field) -> bool:
    return isinstance(
        field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField | ActivitiesField
    )


def form_data(form_class, data) -> tuple[MultiValueDict, dict]:
    """``data`` laid out as a page would post it, and the fields whose value has the wrong type.

    A page's POST is taken as it is. A JSON object's lists become repeated fields, its
    booleans "true"/"false" and its numbers text, as the page's inputs would send them; a list
    or an object where one value belongs, or an object in a list, is a wrong type, named.
    """
    if hasattr(data, "getlist"):
        return data, {}
    laid_out, wrong = MultiValueDict(), {}
    if not isinstance(data, dict):
        return laid_out, {}
    for name, field in form_class.base_fields.items():
        if name not in data:
            continue
        value = data[name]
        if is_multiple(field):
            items = value if isinstance(value, list) else [value]
            if isinstance(value, str) and not isinstance(field, ActivitiesField):
                items = [part for part in value.split(",") if part.strip()]
            if any(isinstance(item, list | dict) for item in items):
                wrong[name] = [str(WRONG_LIST)]
                continue
            laid_out.setlist(name, [_as_text(item) for item in items if item is not None])
        elif isinstance(value, list | dict):
            wrong[name] = [str(WRONG_TYPE)]
        elif value is not None:
            laid_out[name] = _as_text(value)
    return laid_out, wrong


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def input_errors(form: ActionForm) -> dict[str, list[str]] | None:
    """Field by field, what is wrong with the form's input; None when it is valid."""
    valid = form.is_valid()
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    for name, messages in form.shape_errors.items():
        errors[name] = messages
    if valid and not errors:
        return None
    return errors
