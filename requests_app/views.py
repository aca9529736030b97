"""The request pages: a list, the draft form, and a page per request to follow and act on it.

Thin: parse, call a selector or a service, render. Which requests a user sees comes from
``selectors.requests_visible_to`` (anything else is a 404); which actions a user may take from
``workflow.actions_available``; every write from ``services``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bali_portal.accounts.models import Role
from bali_portal.api_errors import domain_status
from bali_portal.pagination import KeysFirstPaginator
from designations.access import role_in_force_required
from exchange.selectors import request_panel
from registry.selectors import forum_priorities_for
from requests_app.matching import matches_for

from . import selectors, services, sla, uploads
from .actions import action_form
from .actions.texts import EVENT_TITLES
from .filters import RequestFilterSet
from .forms import AttachmentForm, DraftForm
from .models import Attachment, Request
from .services import RequestError
from .workflow import ACTIONS, TERMINAL_STATES, Capacity, State, actions_available

PAGE_SIZE = 25
# Who files requests: a country's focal point, or a forum's.
FILING_ROLES = frozenset({Role.FOCAL_POINT, Role.FORUM_FOCAL_POINT})
MATCHES_TEMPLATE = "registry/_matches_panel.html"

# The filters each kind of user sees on the list (all of them work in the query string).
FOCAL_POINT_FILTERS = (
    "search", "state", "thematic_area", "support_type", "submitted_after", "submitted_before",
    "overdue",
)  # fmt: skip
STAFF_FILTERS = (
    "search", "state", "requester", "country", "regional_office", "division", "thematic_area",
    "support_type", "assignee", "submitted_after", "submitted_before", "min_age_days", "overdue",
)  # fmt: skip


# --- Helpers --------------------------------------------------------------------------------------


def _visible_or_404(user, reference: str, *, detailed: bool = False) -> Request:
    requests = selectors.requests_visible_to(user)
    if detailed:
        requests = selectors.with_page_details(requests)
    return get_object_or_404(requests, reference=reference.upper())


def _detail_url(request_obj: Request, anchor: str = "") -> str:
    url = reverse("requests_app:detail", args=[request_obj.reference])
    return f"{url}#{anchor}" if anchor else url


def _whereabouts(request_obj: Request, now) -> dict:
    """Who holds the request now, what is expected next, and by when."""
    country, office = request_obj.asked_by, request_obj.regional_office
    division = request_obj.lead_division
    focal_points = _("The focal points of %(country)s") % {"country": country}
    state = request_obj.state
    holder, expected = {
        State.DRAFT: (
            _("The focal points of %(country)s (not submitted yet)") % {"country": country},
            _("Complete the request and submit it."),
        ),
        State.SUBMITTED: (office, _("Acknowledgement by the regional office.")),
        State.UNDER_REVIEW: (
            f"{request_obj.assignee}, {office}" if request_obj.assignee else office,
            _("A decision: route to a division, decline or refer to another organization."),
        ),
        State.INFO_REQUESTED: (focal_points, _("An answer to the question asked.")),
        State.ROUTED: (division, _("Acceptance by the division.")),
        State.IN_PROGRESS: (division, _("Delivery of the support, then a report of its results.")),
        State.COMPLETED: (
            office,
            _(
                "Closure by the regional office. The country is invited to assess the results "
                "(optional)."
            ),
        ),
        State.CLOSED: (
            _("Nobody: the request is closed."),
            _("Nothing. The country may still assess the results."),
        ),
    }.get(
        state,
        (
            _("Nobody: the request is %(state)s.")
            % {"state": request_obj.get_state_display().lower()},
            _("Nothing."),
        ),
    )
    due_at = request_obj.due_at if state in sla.CLOCKED_STATES else None
    return {
        "holder": holder,
        "expected": expected,
        "due_at": due_at,
        "overdue": bool(due_at and due_at < now),
    }


def _clocks(request_obj: Request, now) -> list[dict]:
    clocks = []
    for clock in sla.clocks_for(request_obj):
        status = clock.status(now)
        clocks.append(
            {
                "label": clock.label,
                "due_at": clock.due_at,
                "done_at": clock.done_at,
                "status": status,
                "status_label": sla.STATUS_LABELS[status],
            }
        )
    return clocks


def _timeline(request_obj: Request) -> list[dict]:
    return [_timeline_item(event) for event in request_obj.events.all()]


def _timeline_item(event) -> dict:
    action = ACTIONS.get(event.action)  # None: the draft's creation, which is no action
    return {
        "event": event,
        "title": EVENT_TITLES.get(event.action, event.get_action_display()),
        "is_message": action is not None and action.is_message,
        "changes_state": bool(event.from_state) and event.from_state != event.to_state,
        # The structured part of the event, as its action describes it.
        "details": action.details(event.payload or {}) if action is not None else [],
    }


def _can_attach(request_obj: Request, capacities: set) -> bool:
    return bool(capacities & services.ATTACHING_CAPACITIES) and (
        request_obj.state not in TERMINAL_STATES
    )


def _render_detail(
    request,
    request_obj: Request,
    *,
    bound: tuple[str, object] | None = None,
    action_error: str = "",
    missing: dict | None = None,
    upload_form: AttachmentForm | None = None,
    status: int = 200,
):
    user = request.user
    now = timezone.now()
    capacities = selectors.capacities_of(user, request_obj)
    forms_by_action = []
    for action in actions_available(request_obj.state, capacities):
        if bound and bound[0] == action.name:
            form = bound[1]
        else:
            form = action_form(action.name, request_obj, user)
        is_bound = bool(bound) and bound[0] == action.name
        # The assessment is offered openly until given (it is invited, never required).
        invited = action.name == "evaluate" and request_obj.evaluation is None
        opened = is_bound or invited or action.button_style == "primary"
        forms_by_action.append({"action": action, "form": form, "open": opened})
    is_focal_point = Capacity.FOCAL_POINT in capacities
    if request_obj.is_draft and missing is None and is_focal_point:
        missing = services.missing_for_submission(request_obj)
    can_attach = _can_attach(request_obj, capacities)
    context = {
        "forum_priorities": _forum_priorities(request_obj, capacities),
        "support_request": request_obj,
        "whereabouts": _whereabouts(request_obj, now),
        "clocks": _clocks(request_obj, now),
        "timeline": _timeline(request_obj),
        "attachments": request_obj.attachments.all(),
        "action_forms": forms_by_action,
        "action_error": action_error,
        "missing": missing or {},
        "can_edit": request_obj.is_draft and is_focal_point,
        "upload_form": upload_form or (AttachmentForm() if can_attach else None),
        "evaluation": getattr(request_obj, "evaluation", None),
        "exchange": request_panel(user, request_obj, _codes(request_obj, "support_types")),
    }
    return render(request, "requests_app/detail.html", context, status=status)


# Those who triage see, beside the request, the priorities its region's forums have stated.
TRIAGING_CAPACITIES = frozenset({Capacity.REGIONAL_STAFF, Capacity.COORDINATOR})


def _forum_priorities(request_obj: Request, capacities: set) -> list[dict]:
    if not capacities & TRIAGING_CAPACITIES:
        return []
    asked = {area.code for area in request_obj.thematic_areas.all()}
    forums = forum_priorities_for(country_id=request_obj.country_id, forum_id=request_obj.forum_id)
    for entry in forums:
        entry["shared"] = [theme for theme in entry["themes"] if theme.code in asked]
    return forums


def _codes(request_obj: Request, name: str) -> set[str]:
    return {item.pk for item in selectors.related_items(request_obj, name)}


# --- Pages ---------------------------------------------------------------------------------------


@role_in_force_required
def request_list(request):
    user = request.user
    visible = selectors.requests_visible_to(user).select_related(*selectors.LIST_RELATED)
    filterset = RequestFilterSet(request.GET or None, visible, request=request)
    requests = filterset.qs.order_by("-created_at", "-pk")
    searched = bool(request.GET.get("search", "").strip())  # counted up to a limit
    paginator = KeysFirstPaginator(requests, PAGE_SIZE, capped=searched)
    page = paginator.get_page(request.GET.get("page"))
    shown = FOCAL_POINT_FILTERS if user.role in FILING_ROLES else STAFF_FILTERS
    now = timezone.now()
    rows = [{"request": item, **_whereabouts(item, now)} for item in page.object_list]
    return render(
        request,
        "requests_app/list.html",
        {
            "filter_form": filterset.form,
            "filter_fields": [filterset.form[name] for name in shown],
            "page": page,
            "rows": rows,
            "can_file": user.role in FILING_ROLES,
        },
    )


@role_in_force_required
def request_new(request):
    """Start a draft. Submitting happens from the saved draft, so a double click on this page
    can at worst leave a second draft, never a second submission."""
    if request.user.role not in FILING_ROLES:
        raise PermissionDenied
    if request.method == "POST":
        form = DraftForm(request.POST)
        form.is_valid()
        request_obj = services.create_draft(
            actor=request.user, values=form.draft_values(), draft_input=form.invalid_input()
        )
        messages.success(request, _draft_saved_message(form))
        return redirect("requests_app:edit", reference=request_obj.reference)
    return render(request, "requests_app/form.html", {"form": DraftForm(), "is_new": True})


def _draft_saved_message(form: DraftForm) -> str:
    if form.errors:
        return _(
            "Draft saved. Some values are not valid yet; they are kept below with what to correct."
        )
    return _("Draft saved. You can come back to it at any time from the list of requests.")


@role_in_force_required
def request_edit(request, reference):
    request_obj = _visible_or_404(request.user, reference, detailed=True)
    if not request_obj.is_draft:
        messages.info(request, _("This request has been submitted; it is no longer a draft."))
        return redirect(_detail_url(request_obj))
    try:
        services.check_draft_editable(request=request_obj, actor=request.user)
    except RequestError:
        raise PermissionDenied from None
    if request.method != "POST":
        form = DraftForm.for_request(request_obj)
        return render(request, "requests_app/form.html", _form_context(request_obj, form))

    form = DraftForm(request.POST)
    form.is_valid()
    try:
        request_obj = services.update_draft(
            request=request_obj,
            actor=request.user,
            values=form.draft_values(),
            draft_input=form.invalid_input(),
        )
    except services.TransitionNotAllowed as error:
        # Submitted meanwhile, from another tab or by a colleague.
        messages.error(request, error.message)
        return redirect(_detail_url(request_obj))
    if request.POST.get("intent") != "submit":
        messages.success(request, _draft_saved_message(form))
        return redirect("requests_app:edit", reference=request_obj.reference)
    try:
        services.perform_action(request=request_obj, actor=request.user, action="submit")
    except services.InvalidInput as error:
        form.add_missing(error.errors)
        context = _form_context(request_obj, form, submit_failed=True)
        return render(request, "requests_app/form.html", context, status=400)
    except services.TransitionNotAllowed as error:
        messages.error(request, error.message)
        return redirect(_detail_url(request_obj))
    messages.success(request, ACTIONS["submit"].success_message)
    return redirect(_detail_url(request_obj))


def _form_context(request_obj: Request, form: DraftForm, submit_failed: bool = False) -> dict:
    return {
        "form": form,
        "support_request": request_obj,
        "is_new": False,
        "submit_failed": submit_failed,
    }


@role_in_force_required
def request_detail(request, reference):
    request_obj = _visible_or_404(request.user, reference, detailed=True)
    return _render_detail(request, request_obj)


@role_in_force_required
def request_matches(request, reference):
    """What in the registry could answer the request: its own page, because ranking the whole
    registry costs far more than the request's page, which links here. Possible duplicates
    are other requests, so only those the user may see are named (``matches_for`` checks)."""
    request_obj = _visible_or_404(request.user, reference)
    return render(
        request,
        "requests_app/matches.html",
        {
            "support_request": request_obj,
            "matches_template": MATCHES_TEMPLATE,
            "matches": matches_for(request_obj, user=request.user),
        },
    )


@role_in_force_required
@require_POST
def request_act(request, reference, action):
    """Take one action of the lifecycle table from the small form the request's page shows."""
    if action not in ACTIONS:
        raise Http404
    request_obj = _visible_or_404(request.user, reference, detailed=True)
    try:
        # The action's form checks the input inside the service, under the request's lock.
        services.perform_action(
            request=request_obj, actor=request.user, action=action, data=request.POST
        )
    except RequestError as error:
        if isinstance(error, services.RequestNotFound):
            raise Http404 from None
        form = _form_showing(error, action, request_obj, request.user, request.POST)
        # Shown on the request as it is now (another person may have moved it meanwhile).
        request_obj = _visible_or_404(request.user, reference, detailed=True)
        return _render_detail(
            request,
            request_obj,
            bound=(action, form),
            action_error=error.message,
            missing=error.errors if action == "submit" else None,
            status=domain_status(error),
        )
    messages.success(request, ACTIONS[action].success_message)
    # The message shows at the top of the page, where the eye goes after the page loads.
    return redirect(_detail_url(request_obj))


def _form_showing(error: RequestError, action: str, request_obj: Request, user, data):
    """The action's form as posted, with each field's error (its own checks', and those the
    service found against the records) beside the field."""
    form = action_form(action, request_obj, user, data=data)
    form.is_valid()
    for name, message in error.errors.items():
        if name in form.fields and not form.has_error(name):
            form.add_error(name, message)
        elif name not in form.fields and action != "submit":
            form.add_error(None, message)
    return form


@role_in_force_required
@require_POST
def attachment_upload(request, reference):
    request_obj = _visible_or_404(request.user, reference, detailed=True)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, request_obj, upload_form=form, status=400)
    try:
        services.add_attachment(
            request=request_obj,
            actor=request.user,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
        )
    except RequestError as error:
        if isinstance(error, services.RequestNotFound):
            raise Http404 from None
        for name, message in error.errors.items():
            form.add_error(name if name in form.fields else None, message)
        if not error.errors:
            form.add_error(None, error.message)
        return _render_detail(request, request_obj, upload_form=form, status=domain_status(error))
    messages.success(request, _("The document was added."))
    return redirect(_detail_url(request_obj, "attachments"))


@role_in_force_required
def attachment_download(request, reference, pk):
    """Documents are served only here, to those who can see the request."""
    request_obj = _visible_or_404(request.user, reference)
    attachment = get_object_or_404(Attachment, request=request_obj, pk=pk)
    return serve_attachment(attachment)


def serve_attachment(attachment: Attachment) -> FileResponse:
    return uploads.stored_file_response(
        attachment.file, attachment.original_name, attachment.content_type
    )
