"""A query string with a NUL character: a 400 (``bali_portal.nul_characters`` says why).

A module of its own: the API's error shape (``api_errors``) loads DRF's settings, and they
load the parsers, which read ``nul_characters``.
"""

from django.http import HttpResponseBadRequest, JsonResponse

from .api_errors import invalid_fields_body
from .nul_characters import NUL_MESSAGE, first_nul_form_field


class NulInQueryMiddleware:
    """A query string with a NUL character: a 400, in the API's shape under ``/api/``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = first_nul_form_field(request.GET)
        if field is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(invalid_fields_body({field: [str(NUL_MESSAGE)]}), status=400)
        return HttpResponseBadRequest(str(NUL_MESSAGE), content_type="text/plain; charset=utf-8")
