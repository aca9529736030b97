"""How API clients prove who they are."""

from functools import cache

from django.db import connection
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from bali_portal.db import RowReader, prepared_cursor
from designations.selectors import designation_in_force_params, designation_in_force_sql
from registry.models import Country

from .models import User


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the token, its user and the user's country in one
    statement: a focal point's requests are numbered and routed by the country
    (``requests_app.services``)."""

    def authenticate_credentials(self, key):
        token = token_with_user(key)
        if token is None:
            # DRF's own messages, so that its translations apply.
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)


def token_with_user(key: str) -> Token | None:
    """The token of this key with its user, the user's country and whether the user holds a
    focal point's designation in force, or None.

    Every API call starts here, so the statement is written once per process from the
    models' metadata, rather than built by the ORM for each call, which cost three times
    as much as running it. Each row is read into the models as the ORM reads it
    (``select_related("user__country")``), with the database's converters.
    """
    sql, readers = _token_statement(connection.vendor)
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*designation_in_force_params(), key])
        row = cursor.fetchone()
    if row is None:
        return None
    token, user, country = (reader.instance(row) for reader in readers)
    User._meta.get_field("country").set_cached_value(user, country)
    Token._meta.get_field("user").set_cached_value(token, user)
    # Whether it holds a focal point's designation in force, read in the same statement: every
    # call of a focal point asks (designations.selectors.acts_as_focal_point).
    user.designation_in_force = bool(row[readers[-1].end])
    return token


@cache
def _token_statement(vendor: str) -> tuple[str, tuple[RowReader, ...]]:
    token = RowReader.of(Token, "t")
    user = RowReader.of(User, "u", token.end)
    country = RowReader.of(Country, "c", user.end)
    user_fk = Token._meta.get_field("user").column
    country_fk = User._meta.get_field("country").column
    in_force = designation_in_force_sql(
        f'u."{User._meta.pk.column}"', f'u."{User._meta.get_field("country").column}"'
    )
    sql = (
        f"SELECT {token.columns}, {user.columns}, {country.columns}, {in_force} "  # noqa: S608 (names from the models; the key is bound)
        f'FROM "{Token._meta.db_table}" t '
        f'JOIN "{User._meta.db_table}" u ON u."{User._meta.pk.column}" = t."{user_fk}" '
        f'LEFT JOIN "{Country._meta.db_table}" c '
        f'ON c."{Country._meta.pk.column}" = u."{country_fk}" '
        f'WHERE t."{Token._meta.pk.column}" = %s'
    )
    return sql, (token, user, country)
