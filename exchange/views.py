"""Pages of the exchange: thin — parse, call a selector or a service, render.

Offers and the regional centres' pages live under the registry (``/registry/offers/``,
``/registry/centre/``); what is done on one request under the request (``/requests/<ref>/…``);
the partner's answer to a referral at its signed link (``/referrals/<token>/``), no login.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bali_portal import errors
from bali_portal.accounts.models import Role
from bali_portal.api_errors import domain_status
from registry import selectors as registry_selectors
from registry.models import AssistanceSource
from requests_app.selectors import requests_visible_to, with_page_details

from . import responses, selectors, services
from .filters import ExpertFilterSet, OfferFilterSet
from .forms import (
    DecisionForm,
    ExpertForm,
    FundingAccessForm,
    OfferForm,
    ProposalForm,
    ReferralAnswerForm,
    ReferralOutcomeForm,
    SharingForm,
)
from .matching import reasons_from, requests_matching_offer, why_request_matches
from .models import ReferralStatus
from .services import ExchangeError

PAGE_SIZE = 20
DRAFT_STARTED = gettext_lazy(
    "A draft request was started. Complete it and submit it to your regional office."
)
MATCHES_SHOWN = 20


def _page(request, filterset_class, queryset):
    filterset = filterset_class(request.GET or None, queryset=queryset)
    results = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    return filterset, Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))


def _show_errors(form, error: ExchangeError) -> None:
    for name, message in error.errors.items():
        form.add_error(name if name in form.fields else None, message)
    if not error.errors:
        form.add_error(None, error.message)


def _refuse(error: ExchangeError):
    if isinstance(error, errors.NotFound):
        raise Http404
    if isinstance(error, errors.NotPermitted):
        raise PermissionDenied(error.message)


# --- Offers -----------------------------------------------------------------------------------


def offer_list(request):
    offers = selectors.offers_visible_to(request.user).prefetch_related(
        "thematic_areas", "support_types", "countries_served"
    )
    filterset, page = _page(request, OfferFilterSet, offers)
    return render(
        request,
        "exchange/offer_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "can_publish": selectors.can_publish_offers(request.user),
        },
    )


def _needs_matched(user, offer) -> list[dict]:
    """The open requests an offer matches, with why; a request's details only for those who
    may read them (the country shared it with partners, or the user sees the request)."""
    shown = selectors.hears_of_offer_matches(user, offer)
    office = user.is_authenticated and user.role == Role.REGIONAL_STAFF
    if not (shown or office):
        return []
    within = requests_visible_to(user) if office and not shown else None
    requests = list(
        requests_matching_offer(offer, within)
        .select_related("country", "regional_office")
        .prefetch_related("thematic_areas", "support_types")[:MATCHES_SHOWN]
    )
    visible = set(
        requests_visible_to(user)
        .filter(pk__in=[item.pk for item in requests])
        .values_list("pk", flat=True)
    )
    return [
        {
            "request": item,
            "readable": item.pk in visible or item.share_with_partners,
            "linked": item.pk in visible,
            "reasons": reasons_from(
                why_request_matches(item, offer),
                themes=offer.thematic_areas.all(),
                support_types=offer.support_types.all(),
                country=item.country,
            ),
        }
        for item in requests
    ]


def offer_detail(request, pk: int):
    offer = get_object_or_404(
        selectors.offers_visible_to(request.user).prefetch_related(
            "thematic_areas", "support_types", "countries_served"
        ),
        pk=pk,
    )
    return render(
        request,
        "exchange/offer_detail.html",
        {
            "offer": offer,
            "can_edit": selectors.offers_editable_by(request.user).filter(pk=pk).exists(),
            "needs": _needs_matched(request.user, offer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request, pk: int | None = None):
    offer = None
    if pk is None:
        if not selectors.can_publish_offers(request.user):
            raise PermissionDenied
    else:
        offer = get_object_or_404(selectors.offers_editable_by(request.user), pk=pk)
    names_provider = request.user.role == Role.COORDINATOR
    form = OfferForm(request.POST or None, instance=offer, names_provider=names_provider)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_offer(actor=request.user, values=form.values(), offer=offer)
        except ExchangeError as error:
            _refuse(error)
            _show_errors(form, error)
        else:
            messages.success(request, _("The offer was saved."))
            return redirect(saved)
    return render(request, "exchange/offer_form.html", {"form": form, "offer": offer})


# --- Regional centres -------------------------------------------------------------------------


@login_required
def centre_home(request):
    """A regional centre's own page: its countries, the requests they shared, its proposals,
    its roster, offers and sources of assistance, and its activity in the registry."""
    centre = selectors.centre_of(request.user)
    if centre is None:
        raise PermissionDenied
    profile = getattr(centre, "centre", None)
    return render(
        request,
        "exchange/centre.html",
        {
            "centre": centre,
            "countries": profile.countries.all() if profile else [],
            "shared": selectors.requests_open_to_proposals(request.user)
            .select_related("country")
            .order_by("-submitted_at")[:MATCHES_SHOWN],
            "proposals": selectors.proposals_visible_to(request.user)
            .select_related("request")
            .order_by("-created_at")[:MATCHES_SHOWN],
            "experts": selectors.experts_editable_by(request.user).count(),
            "offers": selectors.offers_editable_by(request.user),
            "sources": AssistanceSource.objects.filter(provider=centre),
            "roles": registry_selectors.organization_activities(centre, request.user),
        },
    )


@login_required
def expert_list(request):
    experts = selectors.experts_visible_to(request.user)
    if not (selectors.centre_of(request.user) or request.user.role in selectors.UNEP_STAFF):
        raise PermissionDenied
    filterset, page = _page(
        request, ExpertFilterSet, experts.prefetch_related("thematic_areas", "countries")
    )
    return render(
        request,
        "exchange/expert_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "can_add": selectors.centre_of(request.user) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request, pk: int | None = None):
    expert = None
    if pk is None:
        if selectors.centre_of(request.user) is None:
            raise PermissionDenied
    else:
        expert = get_object_or_404(selectors.experts_editable_by(request.user), pk=pk)
    form = ExpertForm(request.POST or None, instance=expert)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_expert(actor=request.user, values=form.values(), expert=expert)
        except ExchangeError as error:
            _refuse(error)
            _show_errors(form, error)
        else:
            messages.success(request, _("The roster was updated."))
            return redirect("exchange:expert-list")
    return render(request, "exchange/expert_form.html", {"form": form, "expert": expert})


# --- On a request's page ----------------------------------------------------------------------


def _visible_request(user, reference: str):
    return get_object_or_404(requests_visible_to(user), reference=reference.upper())


def _back(request_obj) -> str:
    return reverse("requests_app:detail", args=[request_obj.reference]) + "#exchange"


@login_required
@require_POST
def sharing_update(request, reference):
    request_obj = _visible_request(request.user, reference)
    form = SharingForm(request.POST)
    form.is_valid()
    try:
        services.set_partner_sharing(
            request=request_obj, actor=request.user, share=form.cleaned_data.get("share", False)
        )
    except ExchangeError as error:
        _refuse(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sharing with partners was updated."))
    return redirect(_back(request_obj))


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request, reference):
    """A regional centre proposes help on a request shared with partners."""
    request_obj = get_object_or_404(
        with_page_details(selectors.requests_open_to_proposals(request.user)),
        reference=reference.upper(),
    )
    roster = selectors.experts_editable_by(request.user).filter(is_available=True)
    form = ProposalForm(request.POST or None, roster=roster)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_help(
                request=request_obj,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                experts=form.cleaned_data["experts"],
            )
        except ExchangeError as error:
            _refuse(error)
            _show_errors(form, error)
        else:
            messages.success(request, _("Your proposal was sent to the regional office."))
            return redirect(_back(request_obj))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "exchange/proposal_form.html",
        {"form": form, "support_request": request_obj},
        status=status,
    )


@login_required
@require_POST
def proposal_decide(request, reference, pk):
    request_obj = _visible_request(request.user, reference)
    proposal = get_object_or_404(selectors.proposals_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept the proposal."))
        return redirect(_back(request_obj))
    try:
        responses.decide_proposal(
            proposal=proposal,
            actor=request.user,
            accept=form.cleaned_data["decision"] == "accept",
            note=form.cleaned_data["note"],
        )
    except ExchangeError as error:
        _refuse(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your decision was sent to the centre."))
    return redirect(_back(request_obj))


@login_required
@require_POST
def referral_resend(request, reference):
    request_obj = _visible_request(request.user, reference)
    referral = selectors.referral_of(request_obj)
    if referral is None:
        raise Http404
    try:
        services.resend_referral_link(referral=referral, actor=request.user)
    except ExchangeError as error:
        _refuse(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("A new link was sent to the partner."))
    return redirect(_back(request_obj))


# --- The partner's answer, by its signed link (no account) ------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def referral_answer(request, token):
    view = selectors.referral_for_link(token)
    if view.referral is None:
        status = 410 if view.check.expired else 404
        return render(
            request,
            "exchange/referral_invalid.html",
            {"expired": view.check.expired},
            status=status,
        )
    referral = view.referral
    data = request.POST if request.method == "POST" else None
    answer_form = ReferralAnswerForm(data if referral.is_awaiting_answer else None)
    outcome_form = ReferralOutcomeForm(data if referral.is_awaiting_outcome else None)
    error, status = "", 200
    if request.method == "POST":
        form = answer_form if referral.is_awaiting_answer else outcome_form
        if not (referral.is_awaiting_answer or referral.is_awaiting_outcome):
            error, status = _("This referral is closed; thank you."), 409
        elif form.is_valid():
            try:
                _save_partner_answer(referral, form)
            except ExchangeError as failure:
                _show_errors(form, failure)
                error, status = failure.message, domain_status(failure)
            else:
                messages.success(request, _("Thank you: your answer was sent to the country."))
                return redirect(request.path)
        else:
            status = 400
    return render(
        request,
        "exchange/referral_answer.html",
        {
            "referral": referral,
            "support_request": referral.request,
            "answer_form": answer_form,
            "outcome_form": outcome_form,
            "error": error,
            "statuses": ReferralStatus,
        },
        status=status,
    )


def _save_partner_answer(referral, form) -> None:
    if isinstance(form, ReferralAnswerForm):
        services.answer_referral(
            referral_id=referral.pk,
            accept=form.cleaned_data["answer"] == "accept",
            note=form.cleaned_data["note"],
        )
    else:
        services.report_referral_outcome(
            referral_id=referral.pk,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )


# --- Access to a source of assistance ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def funding_access_new(request, pk: int):
    """A focal point asks for help to reach a source: a draft request, linked to it."""
    source = get_object_or_404(
        registry_selectors.assistance_sources_visible_to(request.user).filter(is_active=True),
        pk=pk,
    )
    if request.user.role != Role.FOCAL_POINT:
        raise PermissionDenied
    form = FundingAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = responses.ask_for_funding_access(
                actor=request.user, source=source, values=form.cleaned_data
            )
        except ExchangeError as error:
            _refuse(error)
            _show_errors(form, error)
        else:
            messages.success(request, DRAFT_STARTED)
            return redirect("requests_app:edit", reference=draft.reference)
    return render(request, "exchange/funding_access_form.html", {"form": form, "source": source})
