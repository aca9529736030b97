from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle


class LoginRateThrottle(AnonRateThrottle):
    scope = "login"


class ObtainTokenView(ObtainAuthToken):
    """``POST {"username": <email>, "password": …}`` → ``{"token": …}``.

    Failed attempts count towards the same per-account-and-address cool-off as the login page.
    """

    throttle_classes = [LoginRateThrottle]
