"""How API clients prove who they are."""

from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

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
    """The token of this key with its user and the user's country, or None.

    Every API call starts here, so the statement is written once per process from the
    models' metadata, rather than built by the ORM for each call, which cost three times
    as much as running it. Each row is read into the models as the ORM reads it
    (``select_related("user__country")``), with the database's converters.
    """
    sql, readers = _token_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    token, user, country = (reader.instance(row) for reader in readers)
    User._meta.get_field("country").set_cached_value(user, country)
    Token._meta.get_field("user").set_cached_value(token, user)
    return token


@dataclass(frozen=True)
class _Reader:
    """Reads one model's instance from its columns of a row."""

    model: type
    start: int
    attnames: tuple[str, ...]
    converters: tuple[tuple, ...]  # for each column, the converters the ORM would apply

    def instance(self, row):
        values = list(row[self.start : self.start + len(self.attnames)])
        if values[0] is None:
            return None  # no row on the outer join's side: a user without a country
        for index, (field, converters) in enumerate(self.converters):
            for convert in converters:
                values[index] = convert(values[index], field, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


@cache
def _token_statement(vendor: str) -> tuple[str, tuple[_Reader, ...]]:
    aliases = ((Token, "t"), (User, "u"), (Country, "c"))
    columns, readers = [], []
    for model, alias in aliases:
        fields = model._meta.concrete_fields
        readers.append(
            _Reader(
                model=model,
                start=len(columns),
                attnames=tuple(field.attname for field in fields),
                converters=tuple(_converters(field) for field in fields),
            )
        )
        columns += [f'{alias}."{field.column}"' for field in fields]
    user_fk = Token._meta.get_field("user").column
    country_fk = User._meta.get_field("country").column
    sql = (
        f"SELECT {', '.join(columns)} "  # noqa: S608 (names from the models; the key is bound)
        f'FROM "{Token._meta.db_table}" t '
        f'JOIN "{User._meta.db_table}" u ON u."{User._meta.pk.column}" = t."{user_fk}" '
        f'LEFT JOIN "{Country._meta.db_table}" c '
        f'ON c."{Country._meta.pk.column}" = u."{country_fk}" '
        f'WHERE t."{Token._meta.pk.column}" = %s'
    )
    return sql, tuple(readers)


def _converters(field) -> tuple:
    column = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    return (column, tuple(converters))
