from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bali_portal.db import first_row, insert_new, prepared_cursor
from registry.models import Country
from requests_app.models import Request, RequestEvent, ServiceLevel
from tests import factories

pytestmark = pytest.mark.django_db


def _stored(event: RequestEvent) -> dict:
    row = RequestEvent.objects.filter(pk=event.pk).values(
        "request_id", "actor_id", "action", "from_state", "to_state", "note", "payload",
        "created_at",
    )  # fmt: skip
    return row.get()


def test_insert_new_stores_rows_as_bulk_create_does_in_one_statement():
    request = factories.make_request()
    actor = request.created_by
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)

    def events():
        return [
            RequestEvent(request=request, actor=actor, action="comment", to_state=request.state,
                         note="first", payload={"text": "é", "n": [1, 2]}, created_at=when),
            RequestEvent(request=request, actor=None, action="comment", to_state=request.state,
                         note="", created_at=when),
        ]  # fmt: skip

    ours, django = events(), events()
    with CaptureQueriesContext(connection) as queries:
        insert_new(ours)
    RequestEvent.objects.bulk_create(django)

    assert len(queries) == 1
    assert all(event.pk is not None and not event._state.adding for event in ours)
    assert ours[0].pk < ours[1].pk  # keys in the order given
    for mine, theirs in zip(ours, django, strict=True):
        assert _stored(mine) == _stored(theirs)
    assert _stored(ours[1])["payload"] == {}  # the field's default, as the ORM applies it


def test_insert_new_takes_the_key_of_a_parent_saved_after_the_row_was_built():
    request = factories.make_request()
    copy = Request.objects.get(pk=request.pk)
    copy.pk, copy.reference = None, "KEN-2099-0001"
    event = RequestEvent(request=copy, actor=None, action="comment", created_at=copy.created_at)
    copy.save()
    insert_new([event])
    assert RequestEvent.objects.get(pk=event.pk).request_id == copy.pk


def test_insert_new_writes_a_reference_list_through_its_m2m_table():
    request = factories.make_request()
    through = Request.thematic_areas.through
    request.thematic_areas.clear()
    insert_new([through(request_id=request.pk, thematicarea_id=code) for code in ("T01", "T02")])
    assert set(request.thematic_areas.values_list("code", flat=True)) == {"T01", "T02"}


def test_insert_new_refuses_what_it_cannot_store_as_new():
    request = factories.make_request()
    event = RequestEvent(request=request, action="comment", created_at=request.created_at)
    insert_new([event])
    with pytest.raises(ValueError, match="new RequestEvent instances only"):
        insert_new([event])
    with pytest.raises(ValueError, match="generated key"):
        insert_new([Country(code="ZZZ", name="Nowhere")])
    with CaptureQueriesContext(connection) as queries:
        insert_new([])
    assert not queries


def test_first_row_reads_the_row_of_the_smallest_key_as_the_orm_does():
    ServiceLevel.objects.all().delete()
    assert first_row(ServiceLevel) is None
    ServiceLevel.objects.create(acknowledge_days=3, decision_days=11)
    ServiceLevel.objects.create(acknowledge_days=9)

    read, orm = first_row(ServiceLevel), ServiceLevel.objects.order_by("pk").first()

    fields = [field.attname for field in ServiceLevel._meta.concrete_fields]
    assert {name: getattr(read, name) for name in fields} == {
        name: getattr(orm, name) for name in fields
    }
    assert read.acknowledge_days == 3 and read.updated_at.tzinfo is not None
    assert not read._state.adding
    assert ServiceLevel.current().pk == orm.pk


def test_only_the_statements_written_here_are_prepared():
    with prepared_cursor() as cursor:
        cursor.execute("SELECT %s + 1", [41])
        assert cursor.fetchone()[0] == 42
    if connection.vendor != "postgresql":
        return  # nothing else to check: SQLite prepares nothing across statements
    with prepared_cursor() as cursor:
        cursor.execute("SELECT %s + 1", [1])
    list(Request.objects.filter(reference="KEN-2026-0001"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert "SELECT $1 + 1" in statements
    assert not [text for text in statements if "requests_app_request" in text]
    assert connection.connection.prepare_threshold is None
