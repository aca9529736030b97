"""Pages of the registry: thin — parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bali_portal.accounts.models import Role
from requests_app.selectors import requests_visible_to

from . import selectors, services
from .exports import FORMATS
from .filters import (
    ActivityFilterSet,
    AssistanceSourceFilterSet,
    OrganizationFilterSet,
    SolutionFilterSet,
)
from .forms import (
    ActivityForm,
    AssistanceSourceForm,
    CountryFormSet,
    ForumPrioritiesForm,
    FundingFormSet,
    ImportForm,
    LinkFormSet,
    OrganizationForm,
    PartnerFormSet,
    SolutionForm,
    activity_input,
    initial_formsets,
)
from .importing import import_csv
from .models import Activity, Division, Organization, PartnerRole
from .pagination import CountedPaginator
from .records import COLUMN_HELP, COLUMNS, READ_ONLY_COLUMNS
from .search import is_listed_by_title, listed_results, next_page_token

PAGE_SIZE = 20
SEARCH_FIELDS = (
    "search",
    "regional_office",
    "country",
    "thematic_area",
    "division",
    "modality",
    "status",
    "year",
)


def _query_without(params, *names) -> str:
    params = params.copy()
    for name in (*names, "page"):
        params.pop(name, None)
    return params.urlencode()


def _facet_links(facets, params):
    """Each facet value links to the list narrowed to it; a chosen value links to its removal."""
    for facet in facets:
        chosen = set(params.getlist(facet.name))
        for item in facet.items:
            item.selected = item.value in chosen
            query = params.copy()
            query.pop("page", None)
            if item.selected:
                query.setlist(facet.name, [value for value in chosen if value != item.value])
            else:
                query.setlist(facet.name, [item.value])
            item.query = query.urlencode()
    return facets


def _understood(filterset) -> bool:
    return not filterset.is_bound or filterset.is_valid()


def _search_text(filterset) -> str:
    """The full-text query the list was filtered by ("" when none)."""
    if not filterset.is_bound or not filterset.is_valid():
        return ""
    return filterset.form.cleaned_data.get("search") or ""


def activity_list(request):
    """The public search page: full text, filters, facets with counts, exports."""
    filterset = ActivityFilterSet(
        request.GET or None, queryset=selectors.activities_visible_to(request.user)
    )
    # A filter that cannot be understood shows its error and no results, never everything.
    activities = filterset.qs if _understood(filterset) else filterset.queryset.none()
    summary = selectors.activity_summary(activities)
    facets = _facet_links(summary.facets, request.GET)
    text = _search_text(filterset)
    rows = listed_results(activities, text, summary.keys, request.GET.get("after", ""))
    paginator = CountedPaginator(rows, PAGE_SIZE, count=summary.total, estimated=summary.estimated)
    page = paginator.get_page(request.GET.get("page"))
    # In title order, the next page's link carries the key it goes on from (keyset).
    after = next_page_token(page.number, page.object_list) if is_listed_by_title(text) else None
    query = _query_without(request.GET)
    return render(
        request,
        "registry/activity_list.html",
        {
            "filterset": filterset,
            "form_fields": [filterset.form[name] for name in SEARCH_FIELDS],
            "page_obj": page,
            "next_after": after,
            "facets": facets,
            "estimated": summary.estimated,
            "exact_count_limit": selectors.EXACT_COUNT_LIMIT,
            "query": query,
            "export_formats": FORMATS,
            "can_create": selectors.can_create_activities(request.user),
            "can_import": selectors.can_import_activities(request.user),
        },
    )


def activity_detail(request, pk: int):
    try:
        activity = selectors.activity_detail(request.user, pk)
    except Activity.DoesNotExist:
        raise Http404 from None
    can_edit = selectors.activities_editable_by(request.user).filter(pk=pk).exists()
    partnerships = list(activity.partnerships.all())
    return render(
        request,
        "registry/activity_detail.html",
        {
            "activity": activity,
            "partners": [p for p in partnerships if p.role != PartnerRole.FUNDING],
            "funders": [p for p in partnerships if p.role == PartnerRole.FUNDING],
            "related": selectors.related_activities(activity, request.user),
            "children": selectors.activities_visible_to(request.user)
            .filter(parent=activity)
            .in_time_order(),
            "requests": activity.requests.filter(pk__in=requests_visible_to(request.user)),
            "can_edit": can_edit,
            "changes": activity.changes.select_related("changed_by")[:20] if can_edit else [],
        },
    )


def _division_choices(user):
    if user.role == Role.DIVISION_STAFF:
        return Division.objects.filter(pk=user.division_id)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int | None = None):
    """Create (no ``pk``) or edit an activity, with its countries, partners, funding, links."""
    if pk is None:
        if not selectors.can_create_activities(request.user):
            raise PermissionDenied
        activity = None
    else:
        activity = get_object_or_404(
            selectors.activities_editable_by(request.user).with_everything(), pk=pk
        )
    initial = initial_formsets(activity)
    data = request.POST if request.method == "POST" else None
    form_kwargs = {"divisions": _division_choices(request.user)}
    if activity is None:
        initial_fields = {}
        if request.user.role == Role.REGIONAL_STAFF:
            initial_fields["regional_offices"] = [request.user.regional_office_id]
        if request.user.role == Role.DIVISION_STAFF:
            initial_fields["lead_division"] = request.user.division_id
        form = ActivityForm(data, initial=initial_fields, **form_kwargs)
    else:
        form = ActivityForm(data, instance=activity, **form_kwargs)
    # Every row is read, changed or not: a row left as it was is still part of the record.
    rows = {"empty_permitted": False, "use_required_attribute": False}
    formsets = {
        name: formset_class(data, initial=initial[name], prefix=name, form_kwargs=rows)
        for name, formset_class in (
            ("countries", CountryFormSet),
            ("partners", PartnerFormSet),
            ("funding", FundingFormSet),
            ("links", LinkFormSet),
        )
    }
    if data is not None and form.is_valid() and all(f.is_valid() for f in formsets.values()):
        try:
            saved, _change = services.save_activity(
                actor=request.user,
                data=activity_input(form, **formsets),
                activity=activity,
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error if isinstance(error, ValidationError) else ValidationError(str(error))
            )
        else:
            messages.success(request, _("The activity was saved."))
            return redirect(saved)
    return render(
        request,
        "registry/activity_form.html",
        {"form": form, "formsets": formsets, "activity": activity},
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_import(request):
    """The coordinator uploads a CSV file; every row is checked before anything is saved."""
    if not selectors.can_import_activities(request.user):
        raise PermissionDenied
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = import_csv(
            form.cleaned_data["file"], actor=request.user, dry_run=form.cleaned_data["dry_run"]
        )
    return render(
        request,
        "registry/activity_import.html",
        {
            "form": form,
            "report": report,
            "columns": [column for column in COLUMNS if column not in READ_ONLY_COLUMNS],
            "column_help": COLUMN_HELP,
        },
    )


# --- The directory: organizations, solutions, sources of assistance ---------------------------


def _paginated_list(request, filterset_class, queryset, template, **context):
    filterset = filterset_class(request.GET or None, queryset=queryset)
    results = filterset.qs if _understood(filterset) else filterset.queryset.none()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "filterset": filterset,
            "page_obj": page,
            "query": _query_without(request.GET),
            "can_edit": selectors.can_edit_directory(request.user),
            **context,
        },
    )


def organization_list(request):
    return _paginated_list(
        request,
        OrganizationFilterSet,
        selectors.organizations_visible_to(request.user),
        "registry/organization_list.html",
    )


def organization_detail(request, pk: int):
    organization = get_object_or_404(selectors.organizations_visible_to(request.user), pk=pk)
    return render(
        request,
        "registry/organization_detail.html",
        {
            "organization": organization,
            "roles": selectors.organization_activities(organization, request.user),
            "solutions": selectors.solutions_visible_to(request.user).filter(provider=organization),
            "sources": organization.assistance_sources.all(),
            "can_edit": selectors.can_edit_directory(request.user),
        },
    )


def solution_list(request):
    solutions = selectors.solutions_visible_to(request.user).prefetch_related(
        "thematic_areas", "countries"
    )
    return _paginated_list(request, SolutionFilterSet, solutions, "registry/solution_list.html")


def solution_detail(request, pk: int):
    solution = get_object_or_404(
        selectors.solutions_visible_to(request.user).prefetch_related(
            "thematic_areas", "cross_cutting_issues", "support_types", "countries"
        ),
        pk=pk,
    )
    source = solution.source_activity
    if (
        source is not None
        and not selectors.activities_visible_to(request.user).filter(pk=source.pk).exists()
    ):
        source = None
    return render(
        request,
        "registry/solution_detail.html",
        {
            "solution": solution,
            "source_activity": source,
            "can_edit": selectors.can_edit_directory(request.user),
        },
    )


def assistance_source_list(request):
    sources = selectors.assistance_sources_visible_to(request.user).prefetch_related(
        "thematic_areas", "eligible_regional_offices"
    )
    return _paginated_list(
        request,
        AssistanceSourceFilterSet,
        sources,
        "registry/assistance_source_list.html",
        can_edit=selectors.can_add_assistance_sources(request.user),
    )


def assistance_source_detail(request, pk: int):
    source = get_object_or_404(
        selectors.assistance_sources_visible_to(request.user).prefetch_related(
            "thematic_areas", "support_types", "eligible_regional_offices"
        ),
        pk=pk,
    )
    return render(
        request,
        "registry/assistance_source_detail.html",
        {
            "source": source,
            "can_edit": selectors.assistance_sources_editable_by(request.user)
            .filter(pk=pk)
            .exists(),
        },
    )


_DIRECTORY = {
    "organization": (OrganizationForm, "organizations_visible_to", _("organization")),
    "solution": (SolutionForm, "solutions_visible_to", _("solution")),
    "assistance_source": (
        AssistanceSourceForm,
        "assistance_sources_visible_to",
        _("source of assistance"),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def directory_edit(request, kind: str, pk: int | None = None):
    """Create or edit an organization, solution or source of assistance (the coordinator; a
    regional centre its own sources of assistance)."""
    form_class, selector, noun = _DIRECTORY[kind]
    if kind == "assistance_source":
        allowed = selectors.can_add_assistance_sources(request.user)
        editable = selectors.assistance_sources_editable_by(request.user)
    else:
        allowed = selectors.can_edit_directory(request.user)
        editable = getattr(selectors, selector)(request.user)
    if not allowed:
        raise PermissionDenied
    instance = None
    if pk is not None:
        instance = get_object_or_404(editable, pk=pk)
    form = form_class(request.POST or None, instance=instance)
    if kind == "assistance_source" and request.user.role == Role.REGIONAL_CENTRE:
        # A centre keeps its own inventory: it is the provider of what it records.
        form.fields["provider"].queryset = Organization.objects.filter(
            pk=request.user.organization_id
        )
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        relations = {
            name: form.cleaned_data[name]
            for name in form.fields
            if name in {field.name for field in record._meta.many_to_many}
        }
        try:
            if kind == "organization":
                saved = services.save_organization(actor=request.user, organization=record)
            elif kind == "solution":
                saved = services.save_solution(
                    actor=request.user, solution=record, relations=relations
                )
            else:
                saved = services.save_assistance_source(
                    actor=request.user, source=record, relations=relations
                )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, str(error) if isinstance(error, PermissionDenied) else error)
        else:
            messages.success(request, _("Saved."))
            return redirect(saved)
    return render(
        request,
        "registry/directory_form.html",
        {"form": form, "instance": instance, "noun": noun, "cancel": _cancel_url(kind, instance)},
    )


def _cancel_url(kind, instance) -> str:
    if instance is not None:
        return instance.get_absolute_url()
    return reverse(
        {
            "organization": "registry:organization-list",
            "solution": "registry:solution-list",
            "assistance_source": "registry:assistance-source-list",
        }[kind]
    )


def forum_list(request):
    """Forums, UN bodies and MEA secretariats that bring requests, and the priorities they
    state (plan §14, §30, §31(g))."""
    return render(request, "registry/forum_list.html", {"forums": selectors.forums_listed()})


@require_http_methods(["GET", "HEAD", "POST"])
def forum_detail(request, code: str):
    forum = get_object_or_404(selectors.forums_listed(), code=code.upper())
    can_record = selectors.can_record_priorities(request.user, forum)
    form = ForumPrioritiesForm(initial={"priorities": list(forum.priorities.all())})
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        form = ForumPrioritiesForm(request.POST)
        if form.is_valid():
            services.record_forum_priorities(
                actor=request.user, forum=forum, themes=form.cleaned_data["priorities"]
            )
            messages.success(request, _("The forum's priorities were recorded."))
            return redirect("registry:forum-detail", code=forum.code)
    return render(
        request,
        "registry/forum_detail.html",
        {"forum": forum, "form": form if can_record else None},
    )
