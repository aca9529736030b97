"""The pages under ``/focal-points/``: the public list of focal points, the government's
nomination, the verification by the regional office or the coordinator, and the new focal
point's first password. Thin: parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from bali_portal import errors
from bali_portal.accounts.models import Role
from bali_portal.api_errors import domain_status
from requests_app import uploads

from . import selectors, services
from .access import role_in_force_required
from .forms import NominationForm, ReasonForm
from .models import Status
from .tokens import set_password_tokens

ACTIONS = {
    "approve": (services.approve, gettext_lazy("The designation was approved; the focal point "
                                               "has been sent a link to set a password.")),
    "reject": (services.reject, gettext_lazy("The nomination was rejected.")),
    "end": (services.end, gettext_lazy("The designation was ended.")),
    "send-link": (services.send_new_link, gettext_lazy("A new link to set a password was "
                                                       "sent.")),
}  # fmt: skip
ACTIONS_OF_STATUS, WITH_REASON = services.ACTIONS_OF_STATUS, services.WITH_REASON
# Who is offered the list of designations to verify (the council staff read it).
VERIFYING_ROLES = frozenset({Role.REGIONAL_STAFF, Role.COORDINATOR, Role.COUNCIL})


def focal_point_list(request):
    """``GET /focal-points/``: the country focal points in office, public."""
    return render(
        request,
        "designations/public_list.html",
        {
            "designations": selectors.public_focal_points(),
            "can_verify": getattr(request.user, "role", None) in VERIFYING_ROLES,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def nominate(request):
    """A government nominates its focal point, with the official letter (no account needed)."""
    if request.method != "POST":
        return render(request, "designations/nominate.html", {"form": NominationForm()})
    form = NominationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.nominate(values=form.values(), letter=form.cleaned_data["letter"])
        except services.DesignationError as error:
            _add_errors(form, error)
        else:
            return redirect("designations:nominated")
    return render(request, "designations/nominate.html", {"form": form}, status=400)


def nominated(request):
    return render(request, "designations/nominated.html")


def _add_errors(form, error: services.DesignationError) -> None:
    for name, message in error.errors.items():
        form.add_error(name if name in form.fields else None, message)
    if not error.errors:
        form.add_error(None, error.message)


@role_in_force_required
def designation_list(request):
    """Designations the user may see (their region's, or all for the coordinator), by status."""
    designations = selectors.designations_visible_to(request.user).select_related("country")
    status = request.GET.get("status", "")
    if status in Status.values:
        designations = designations.filter(status=status)
    return render(
        request,
        "designations/list.html",
        {"designations": designations, "statuses": Status.choices, "status": status},
    )


def _visible_or_404(user, pk: int):
    return get_object_or_404(selectors.with_details(selectors.designations_visible_to(user)), pk=pk)


def _render_detail(request, designation, *, bound=None, error: str = "", status: int = 200):
    actions = []
    if selectors.may_decide(request.user, designation):
        for name in ACTIONS_OF_STATUS.get(designation.status, ()):
            form = bound[1] if bound and bound[0] == name else ReasonForm(prefix=name)
            actions.append({"name": name, "form": form if name in WITH_REASON else None})
    return render(
        request,
        "designations/detail.html",
        {"designation": designation, "actions": actions, "action_error": error},
        status=status,
    )


@role_in_force_required
def designation_detail(request, pk: int):
    return _render_detail(request, _visible_or_404(request.user, pk))


@role_in_force_required
@require_POST
def designation_act(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    designation = _visible_or_404(request.user, pk)
    service, done = ACTIONS[action]
    form = None
    kwargs = {}
    if action in WITH_REASON:
        form = ReasonForm(request.POST, prefix=action)
        if not form.is_valid():
            return _render_detail(request, designation, bound=(action, form), status=400)
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        service(designation=designation, actor=request.user, **kwargs)
    except services.DesignationError as error:
        if isinstance(error, errors.NotFound):
            raise Http404 from None
        designation = _visible_or_404(request.user, pk)
        return _render_detail(
            request,
            designation,
            bound=(action, form) if form else None,
            error=error.message,
            status=domain_status(error),
        )
    messages.success(request, done)
    return redirect("designations:detail", pk=pk)


@role_in_force_required
def letter_download(request, pk: int):
    """The official letter, to those who may see the designation."""
    designation = get_object_or_404(selectors.designations_visible_to(request.user), pk=pk)
    return serve_letter(designation)


def serve_letter(designation) -> FileResponse:
    if not designation.letter:
        raise Http404  # recorded by an administrator: the letter is on file elsewhere
    return uploads.stored_file_response(
        designation.letter, designation.letter_name, designation.letter_content_type
    )


class SetPasswordView(PasswordResetConfirmView):
    """The link e-mailed on approval: Django's password-reset confirmation with the seven-day,
    one-time token of ``tokens``. An expired, used or altered link is refused (400)."""

    token_generator = set_password_tokens
    template_name = "designations/set_password.html"
    success_url = reverse_lazy("designations:password-set")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_password_set(account=form.user)
        return response

    def render_to_response(self, context, **response_kwargs):
        if not context.get("validlink"):
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


def password_set(request):
    return render(request, "designations/password_set.html", {"login_url": reverse("login")})
