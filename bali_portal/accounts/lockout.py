"""Which account a login attempt is for, as django-axes counts failures and locks out.

The login matches an e-mail address whatever its case (``UserManager.get_by_natural_key``);
axes counted the username as typed, so ``LockTest@…`` and ``locktest@…`` each had their own
five tries and an account could be guessed without limit. Both the login page and the API's
token endpoint reach axes with the address normalised here.
"""

import unicodedata

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext

from bali_portal.api_errors import error_body


def normalize_login(value) -> str:
    """An address as the login matches it: NFKC (as Django's login form), stripped, lower-case."""
    return unicodedata.normalize("NFKC", str(value)).strip().lower()


def account_of_attempt(request, credentials: dict | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the normalised address of the attempt, from the credentials
    given to ``authenticate()`` or else from the form or JSON body."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get(field) if hasattr(data, "get") else None
    return None if value is None else normalize_login(value)


# The lockout page's own words (templates/registration/locked_out.html), for API clients.
LOCKED_OUT = (
    "For your protection, logging in to this account from your address is paused for a few "
    "minutes. Please try again later, or reset your password."
)


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the lockout page, or for the API a JSON 429 like its others."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(gettext(LOCKED_OUT), "locked_out"), status=429)
    return render(request, "registration/locked_out.html", status=429)
