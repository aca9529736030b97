"""Writes the ORM would plan anew on every call, written once per process instead.

A request filed through the API stores a handful of rows in a few tables. Django's
``bulk_create`` and a related manager's ``add`` work out batches, conflicts and signals for
each call, which cost several times what PostgreSQL takes to store the rows.
"""

from collections.abc import Sequence
from functools import cache

from django.db import connection
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin


def insert_new(instances: Sequence[Model]) -> None:
    """Store new instances of one model in one ``INSERT``, setting their keys from it.

    As ``bulk_create`` stores them: each field's ``pre_save`` (``auto_now`` and the like)
    and its value as the database takes it, no ``save()`` and no signals. Each instance must
    be new, with a key the database generates.
    """
    if not instances:
        return
    model = type(instances[0])
    fields, sql = _insert_statement(model, len(instances), connection.vendor)
    params = []
    for instance in instances:
        if type(instance) is not model or instance.pk is not None:
            raise ValueError(f"insert_new takes new {model.__name__} instances only")
        # As save() does: a relation to an instance saved since it was set gives its key.
        instance._prepare_related_fields_for_save(operation_name="insert_new")
        params.extend(
            field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall()
    for instance, (key,) in zip(instances, keys, strict=True):
        instance.pk = key
        instance._state.adding = False
        instance._state.db = connection.alias


@cache
def _insert_statement(model: type[Model], rows: int, vendor: str) -> tuple[tuple, str]:
    meta = model._meta
    if not isinstance(meta.pk, AutoFieldMixin):
        raise ValueError(f"insert_new needs a generated key; {model.__name__} has none")
    fields = tuple(f for f in meta.concrete_fields if f is not meta.pk and not f.generated)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Names come from the model; every value is bound.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES {', '.join([row] * rows)} RETURNING {quote(meta.pk.column)}"
    )
    return fields, sql
