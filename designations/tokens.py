"""The one-time link a newly designated focal point sets a password with.

Django's password-reset tokens: signed with the site's secret, bound to the account's password
and last login (so the link stops working once used), with this link's own lifetime of seven
days instead of ``PASSWORD_RESET_TIMEOUT``.
"""

from datetime import timedelta

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

LINK_LIFETIME = timedelta(days=7)


class SetPasswordTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "designations.tokens.SetPasswordTokenGenerator"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > LINK_LIFETIME.total_seconds():
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


set_password_tokens = SetPasswordTokenGenerator()
