"""How API clients prove who they are."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the user's country in the same query: a focal
    point's requests are numbered and routed by it (``requests_app.services``)."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user__country").get(key=key)
        except model.DoesNotExist:
            # DRF's own messages, so that its translations apply.
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
