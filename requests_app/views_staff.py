"""The staff pages (issue 4): the regional office's and the division's queue, bulk acknowledge and
assign, and the coordinator's service levels. Thin: parse, call a selector or a service, render.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from bali_portal.accounts.models import Role
from bali_portal.pagination import KeysFirstPaginator
from registry.models import Country

from . import selectors, services
from .filters import RequestFilterSet
from .forms_staff import BulkActionForm, ServiceLevelForm
from .models import ServiceLevel
from .sla import CLOCK_LABELS, CLOCK_OF_STATE
from .workflow import ACTIONS

QUEUE_ROLES = (Role.REGIONAL_STAFF, Role.DIVISION_STAFF, Role.COORDINATOR, Role.COUNCIL)
PAGE_SIZE = 50

# The filters each queue offers (all of them from the one shared FilterSet).
QUEUE_FILTERS = [
    "search", "state", "requester", "country", "thematic_area", "support_type", "assignee",
    "min_age_days", "overdue",
]  # fmt: skip
OVERSIGHT_FILTERS = ["regional_office", "division"]


def _queue_title(user) -> str:
    if user.role == Role.REGIONAL_STAFF:
        return _("Queue of %(office)s") % {"office": user.regional_office}
    if user.role == Role.DIVISION_STAFF:
        return _("Queue of %(division)s") % {"division": user.division}
    return _("All requests, most urgent first")


def _filterset(request, queryset):
    user = request.user
    filterset = RequestFilterSet(request.GET or None, queryset=queryset, request=request)
    form = filterset.form
    if user.role == Role.REGIONAL_STAFF:
        # An office filters among its own countries only.
        form.fields["country"].queryset = Country.objects.filter(
            regional_office_id=user.regional_office_id
        )
    shown = QUEUE_FILTERS
    if user.role in (Role.COORDINATOR, Role.COUNCIL):
        shown = QUEUE_FILTERS + OVERSIGHT_FILTERS
    for name in list(form.fields):
        if name not in shown:
            del form.fields[name]
    return filterset


class QueueRow:
    """One request as a queue row: what it waits for, since when, and whether it is late."""

    def __init__(self, request, now):
        self.request = request
        self.overdue = request.is_overdue
        self.age_days = (now - request.submitted_at).days if request.submitted_at else None
        clock = CLOCK_OF_STATE.get(request.state)
        self.waiting_for = CLOCK_LABELS[clock] if clock else ""
        self.days_overdue = (now - request.due_at).days if self.overdue else 0
        self.twice_overdue = bool(
            request.escalate_at and self.overdue and now > request.escalate_at
        )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def queue(request):
    user = request.user
    if user.role not in QUEUE_ROLES:
        raise Http404
    now = timezone.now()
    base = selectors.staff_queue(user, now)
    can_bulk = user.role == Role.REGIONAL_STAFF
    if request.method == "POST":
        if not can_bulk:
            raise Http404
        return _bulk(request, base, now)

    filterset = _filterset(request, base)
    searched = bool(request.GET.get("search", "").strip())  # counted up to a limit
    paginator = KeysFirstPaginator(filterset.qs, PAGE_SIZE, capped=searched)
    page = paginator.get_page(request.GET.get("page"))
    listed = selectors.attach_reference_lists(page.object_list, selectors.QUEUE_LISTS)
    rows = [QueueRow(item, now) for item in listed]
    query = request.GET.copy()
    query.pop("page", None)  # the pagination links add their own
    bulk_form = (
        BulkActionForm(user=user, references=[row.request.reference for row in rows])
        if can_bulk
        else None
    )
    return render(
        request,
        "requests_app/queue.html",
        {
            "title": _queue_title(user),
            "filter_form": filterset.form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "bulk_form": bulk_form,
        },
    )


def _bulk(request, base, now):
    user = request.user
    back = request.POST.get("query", "")
    references = request.POST.getlist("requests")
    # Only references in the actor's own queue are offered, so nothing else can be named.
    in_queue = list(base.filter(reference__in=references).order_by())
    form = BulkActionForm(request.POST, user=user, references=[item.reference for item in in_queue])
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return _back_to_queue(back)
    action = form.cleaned_data["action"]
    chosen = set(form.cleaned_data["requests"])
    results = services.bulk_action(
        requests=[item for item in in_queue if item.reference in chosen],
        actor=user,
        action=action,
        data=form.action_data(),
        now=now,
    )
    done = [result.request.reference for result in results if result.ok]
    if done:
        messages.success(
            request,
            ngettext(
                "%(action)s: %(count)d request done (%(references)s).",
                "%(action)s: %(count)d requests done (%(references)s).",
                len(done),
            )
            % {"action": ACTIONS[action].label, "count": len(done), "references": ", ".join(done)},
        )
    for result in results:
        if not result.ok:
            detail = " ".join(str(message) for message in result.error.errors.values())
            messages.error(
                request,
                _("%(reference)s was not changed: %(reason)s")
                % {
                    "reference": result.request.reference,
                    "reason": f"{result.error.message} {detail}".strip(),
                },
            )
    return _back_to_queue(back)


def _back_to_queue(query: str) -> HttpResponseRedirect:
    # Only a query string comes back from the form, never a URL: no open redirect.
    cleaned = QueryDict(query.lstrip("?")) if query else QueryDict()
    suffix = f"?{urlencode(list(cleaned.lists()), doseq=True)}" if cleaned else ""
    return HttpResponseRedirect(reverse("requests_app:queue") + suffix)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def service_levels(request):
    user = request.user
    if user.role != Role.COORDINATOR:
        raise Http404
    levels = ServiceLevel.current()
    initial = {
        "acknowledge_days": levels.acknowledge_days,
        "decision_days": levels.decision_days,
        "acceptance_days": levels.acceptance_days,
    }
    form = ServiceLevelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_service_levels(actor=user, values=form.cleaned_data)
        except services.InvalidInput as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The service levels were saved."))
            return HttpResponseRedirect(reverse("requests_app:service-levels"))
    return render(
        request,
        "requests_app/sla_settings.html",
        {"form": form, "levels": levels},
    )
