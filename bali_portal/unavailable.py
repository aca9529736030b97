"""While the database (or the object store) cannot be reached: a 503 with ``Retry-After``,
never a 500.

A lost connection or a database that is down is not a fault of the portal's code, and clients
(browsers, load balancers, other agencies' systems) should try again shortly rather than
report a bug. Pages get a plain HTML page that asks nothing of the database; the API gets its
usual error shape, ``{"detail", "code": "unavailable", "errors": {}}``.

Django's ``OperationalError`` and ``InterfaceError`` are what the driver raises when the
server cannot be reached or the connection broke; errors in the portal's queries are other
classes (``ProgrammingError``, ``IntegrityError``, ``DataError``) and stay 500s. The object
store's are told apart in ``bali_portal.storage``.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from .storage import is_storage_outage

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def is_outage(error: BaseException | None) -> bool:
    """The database or the object store cannot be reached: try again shortly."""
    return isinstance(error, OperationalError | InterfaceError) or is_storage_outage(error)


def unavailable(request):
    """The 503 answer, in the API's shape under ``/api/``, as a page elsewhere."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _("The service is temporarily unavailable; try again shortly."),
                "code": "unavailable",
                "errors": {},
            },
            status=503,
        )
    else:
        response = render(None, "503.html", {"retry_after": RETRY_AFTER_SECONDS}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns an outage met by a view into the 503 answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        logger.warning("Unavailable on %s: %s", request.path, exception)
        return unavailable(request)


def server_error(request):
    """``handler500``: an outage met outside a view (another middleware) is a 503 too."""
    if is_outage(sys.exc_info()[1]):
        return unavailable(request)
    return defaults.server_error(request)
