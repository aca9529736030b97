from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle

from bali_portal.parsers import BoundedJSONParser, TextFormParser, TextMultiPartParser


class LoginRateThrottle(AnonRateThrottle):
    """Token requests per address, counted in the cache every process shares (settings:
    ``CACHES["shared"]``), so that N workers do not allow N times the rate."""

    scope = "login"
    cache = ConnectionProxy(caches, "shared")


class ObtainTokenView(ObtainAuthToken):
    """``POST {"username": <email>, "password": …}`` → ``{"token": …}``.

    Failed attempts count towards the same per-account-and-address cool-off as the login page.
    """

    throttle_classes = [LoginRateThrottle]
    parser_classes = [BoundedJSONParser, TextFormParser, TextMultiPartParser]

    def get_serializer_context(self):
        # django-axes marks a locked-out attempt on the request it is given, and its middleware
        # answers 429 for the request it sees: Django's, not DRF's wrapper of it.
        return {**super().get_serializer_context(), "request": self.request._request}
