"""A 403 with its reason for an account whose role is not in force: a focal point without a
designation in force (``selectors.acts_as_focal_point`` decides). Its pages and API answer
this instead of an empty list; the selectors already show it nothing."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from bali_portal.accounts.models import Role

from .models import Status
from .selectors import acts_as_focal_point, latest_designation_of


def role_not_in_force(user) -> str:
    """Why ``user`` cannot act in their role now; empty when they can."""
    if not user.is_authenticated or user.role != Role.FOCAL_POINT or acts_as_focal_point(user):
        return ""
    country = user.country.label
    designation = latest_designation_of(user)
    if designation is None or designation.status in (Status.NOMINATED, Status.REJECTED):
        return _(
            "This account holds no approved designation as a focal point of %(country)s: it "
            "can act for the country once its government's nomination is approved."
        ) % {"country": country}
    if designation.status == Status.APPROVED and designation.starts_on > timezone.localdate():
        return _("Your designation as a focal point of %(country)s starts on %(date)s.") % {
            "country": country,
            "date": date_format(designation.starts_on),
        }
    ended = designation.ended_at.date() if designation.ended_at else designation.ends_on
    return _(
        "Your designation as a focal point of %(country)s ended on %(date)s: you can no longer "
        "act for %(country)s on the portal."
    ) % {"country": country, "date": date_format(ended)}


def role_in_force_required(view):
    """Pages: log in first; then 403, saying why, for an account whose role is not in force."""

    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        reason = role_not_in_force(request.user)
        if reason:
            raise PermissionDenied(reason)
        return view(request, *args, **kwargs)

    return checked


class RoleInForce(BasePermission):
    """The API's 403, with the same reason as the pages'."""

    def has_permission(self, request, view):
        self.message = role_not_in_force(request.user)
        return not self.message
