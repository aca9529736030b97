"""Every error of ``/api/v1/`` in one shape: ``{"detail", "code", "errors": {field: [...]}}``.

``detail`` is a sentence for a person, ``code`` a word for a program, ``errors`` names each
field at fault with its messages (empty when no field is). One exception handler for the whole
API (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) turns the domain's errors
(``bali_portal.errors``), DRF's and the database's refusal of a value out of bounds into it;
``not_found`` answers an unknown ``/api/`` path in it too.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import bounds, errors

INVALID = "invalid"
# The kinds of domain refusal, and how each is answered.
STATUS_OF_KIND = (
    (errors.NotFound, status.HTTP_404_NOT_FOUND, "not_found"),
    (errors.NotPermitted, status.HTTP_403_FORBIDDEN, "permission_denied"),
    (errors.Conflict, status.HTTP_409_CONFLICT, "conflict"),
    (errors.Unavailable, status.HTTP_503_SERVICE_UNAVAILABLE, "unavailable"),
    (errors.InvalidInput, status.HTTP_400_BAD_REQUEST, INVALID),
)
CODE_OF_STATUS = {
    400: INVALID,
    403: "permission_denied",
    404: "not_found",
    409: "conflict",
    503: "unavailable",
}


def error_body(detail, code: str, field_errors: dict | None = None) -> dict:
    return {"detail": str(detail), "code": code, "errors": field_errors or {}}


def invalid_fields_body(field_errors: dict) -> dict:
    """The body of a 400 for input at fault, each field named with its messages."""
    return error_body(_("Some fields are missing or not valid."), INVALID, field_errors)


def field_messages(detail) -> dict[str, list[str]]:
    """DRF's or a service's errors as ``{field: [message, ...]}``."""
    if isinstance(detail, dict):
        return {str(name): _messages(value) for name, value in detail.items()}
    if detail in (None, "", [], {}):
        return {}
    return {"non_field_errors": _messages(detail)}


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {' '.join(_messages(item))}" for key, item in value.items()]
    if isinstance(value, list | tuple):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def status_of(error: errors.DomainError) -> tuple[int, str]:
    """The HTTP status and code a domain error is answered with."""
    for kind, http_status, code in STATUS_OF_KIND:
        if isinstance(error, kind):
            return http_status, code
    return status.HTTP_400_BAD_REQUEST, INVALID  # a refusal of no narrower kind: the input


def domain_status(error: Exception) -> int:
    """The status of a domain error, for a page that answers it with a page."""
    return status_of(error)[0]


def api_exception_handler(exc, context):
    """The one exception handler of the API."""
    if isinstance(exc, errors.DomainError):
        http_status, code = status_of(exc)
        return Response(
            error_body(exc.message, code, field_messages(exc.errors)), status=http_status
        )
    if isinstance(exc, exceptions.ValidationError):
        return Response(
            invalid_fields_body(field_messages(exc.detail)), status=status.HTTP_400_BAD_REQUEST
        )
    refused = bounds.refused_field(exc)
    if refused is not None:
        # The database refused a value out of its bounds: the transaction is rolled back.
        field, message = refused
        return Response(
            invalid_fields_body({field: [message]}),
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a fault of the portal's: a 500, logged
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    code = getattr(detail, "code", None) or _default_code(exc, response.status_code)
    response.data = error_body(detail or exc, code)
    return response


def _default_code(exc, http_status: int) -> str:
    default = getattr(exc, "default_code", None)
    return default or CODE_OF_STATUS.get(http_status, "error")


@csrf_exempt  # nothing is written; a client's cookie must not turn it into a CSRF page
def not_found(request, *args, **kwargs):
    """An unknown path under ``/api/``: a JSON 404 in the API's shape, never a page."""
    return JsonResponse(error_body(_("Not found."), "not_found"), status=404)
