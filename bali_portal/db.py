"""Statements the ORM would compose anew on every call, written once per process instead.

For the few statements every submission runs, composing them (Django's query compiler,
``bulk_create``'s planning of batches and conflicts, a related manager's checks) cost several
times what PostgreSQL takes to run them. These are written from the models' metadata, so a
renamed column or table follows, and read and write values as the ORM does.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin


@contextmanager
def prepared_cursor() -> Iterator:
    """A cursor whose statements PostgreSQL prepares on this connection at their first run and
    reuses after: planning them cost more than running them.

    For statements whose best plan does not depend on their values (a row by its key, an
    insert), as those written here. The ORM's queries are not prepared: a plan PostgreSQL
    caches for one office's queue or one search can be slow for another.
    """
    database = _database()
    with database.cursor() as cursor:
        psycopg_connection = database.connection
        if not hasattr(psycopg_connection, "prepare_threshold"):  # SQLite: nothing to prepare
            yield cursor
            return
        threshold = psycopg_connection.prepare_threshold
        psycopg_connection.prepare_threshold = 0
        try:
            yield cursor
        finally:
            psycopg_connection.prepare_threshold = threshold


def insert_new(instances: Sequence[Model]) -> None:
    """Store new instances of one model in one ``INSERT``, setting their keys from it.

    As ``bulk_create`` stores them: each field's ``pre_save`` (``auto_now`` and the like)
    and its value as the database takes it, no ``save()`` and no signals. Each instance must
    be new, with a key the database generates.
    """
    if not instances:
        return
    model = type(instances[0])
    database = _database()
    fields, sql = _insert_statement(model, len(instances), database.vendor)
    params = []
    for instance in instances:
        if type(instance) is not model or instance.pk is not None:
            raise ValueError(f"insert_new takes new {model.__name__} instances only")
        # As save() does: a relation to an instance saved since it was set gives its key.
        instance._prepare_related_fields_for_save(operation_name="insert_new")
        params.extend(
            field.get_db_prep_save(field.pre_save(instance, True), database) for field in fields
        )
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall()
    for instance, (key,) in zip(instances, keys, strict=True):
        instance.pk = key
        instance._state.adding = False
        instance._state.db = database.alias


def _database():
    # The connection itself, not the ``connection`` proxy, which looks it up on every use
    # (each field's value asks for it several times).
    return connections[DEFAULT_DB_ALIAS]


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


@dataclass(frozen=True)
class RowReader:
    """One model's columns in a statement written here, and its instance read back from a
    row as the ORM reads it (the database's converters, ``from_db``)."""

    model: type[Model]
    alias: str
    start: int  # where the model's columns start in the row
    attnames: tuple[str, ...]
    converters: tuple[tuple, ...]  # for each column, the converters the ORM would apply

    @classmethod
    def of(cls, model: type[Model], alias: str, start: int = 0) -> "RowReader":
        fields = model._meta.concrete_fields
        return cls(
            model=model,
            alias=alias,
            start=start,
            attnames=tuple(field.attname for field in fields),
            converters=tuple(_converters(field) for field in fields),
        )

    @property
    def end(self) -> int:
        return self.start + len(self.attnames)

    @property
    def columns(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(
            f"{self.alias}.{quote(field.column)}" for field in self.model._meta.concrete_fields
        )

    def instance(self, row) -> Model | None:
        """The instance in ``row``; None where its key is NULL (an outer join found none)."""
        values = list(row[self.start : self.end])
        if values[0] is None:
            return None
        database = _database()
        for index, (column, converters) in enumerate(self.converters):
            for convert in converters:
                values[index] = convert(values[index], column, database)
        return self.model.from_db(database.alias, self.attnames, values)


def _converters(field) -> tuple:
    column = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    return (column, tuple(converters))


def first_row(model: type[Model]) -> Model | None:
    """The row of the smallest key (a one-row table of settings), or None."""
    reader, sql = _first_row_statement(model, connection.vendor)
    with prepared_cursor() as cursor:
        cursor.execute(sql, ())
        row = cursor.fetchone()
    return reader.instance(row) if row is not None else None


@cache
def _first_row_statement(model: type[Model], vendor: str) -> tuple[RowReader, str]:
    reader = RowReader.of(model, "m")
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {reader.columns} FROM {quote(model._meta.db_table)} m "  # noqa: S608
        f"ORDER BY m.{quote(model._meta.pk.column)} LIMIT 1"
    )
    return reader, sql
