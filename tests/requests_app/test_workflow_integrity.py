"""Integrity of the one transition path: two staff at once, and the immutable event log."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from rest_framework.test import APIClient

from bali_portal.api_errors import domain_status
from requests_app import services
from requests_app.models import ImmutableEventError, Request, RequestEvent, ServiceLevel
from requests_app.workflow import State
from tests import factories
from tests.requests_app import lifecycle

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and triggers"
)


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as error:  # the test inspects whatever happened
            results[key] = error
        finally:
            connection.close()  # each thread has its own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


# --- Two staff acting on the same request at once ------------------------------------------------


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_second_officer_waits_for_the_first_and_gets_a_conflict():
    cast = lifecycle.make_cast()
    request = lifecycle.new_request(cast, State.SUBMITTED)
    locked = threading.Event()
    results = {}

    def first():
        with transaction.atomic():
            services.perform_action(
                request=Request.objects.get(pk=request.pk),
                actor=cast.regional_staff,
                action="acknowledge",
            )
            locked.set()
            time.sleep(0.6)  # hold the row lock while the colleague tries
        return "acknowledged"

    def second():
        assert locked.wait(10)
        started = time.monotonic()
        try:
            services.perform_action(
                request=Request.objects.get(pk=request.pk),
                actor=cast.colleague,
                action="acknowledge",
            )
        except services.RequestError as error:
            return error, time.monotonic() - started
        return "acknowledged too", time.monotonic() - started

    threads = [_in_thread(first, results, "first"), _in_thread(second, results, "second")]
    for thread in threads:
        thread.join(20)

    assert results["first"] == "acknowledged"
    error, waited = results["second"]
    assert isinstance(error, services.TransitionNotAllowed), error
    assert domain_status(error) == 409
    assert "under review" in error.message
    assert waited >= 0.4, "the second waited for the first's row lock"
    request.refresh_from_db()
    assert request.state == State.UNDER_REVIEW
    assert request.assignee == cast.regional_staff  # the winner's work stands
    assert request.events.filter(action="acknowledge").count() == 1


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_route_and_decline_at_the_same_moment_through_the_api():
    cast = lifecycle.make_cast()
    request = lifecycle.new_request(cast, State.UNDER_REVIEW)
    start = threading.Barrier(2)
    results = {}

    def post(user, action, data):
        def call():
            api = APIClient()
            api.force_authenticate(user)
            start.wait(10)
            response = api.post(
                f"/api/v1/requests/{request.reference}/{action}/", data, format="json"
            )
            return response.status_code, response.json()

        return call

    route = post(cast.regional_staff, "route", {"lead_division": "DEPI"})
    decline = post(
        cast.colleague, "decline", {"reason": "no_resources", "explanation": "No budget."}
    )
    threads = [_in_thread(route, results, "route"), _in_thread(decline, results, "decline")]
    for thread in threads:
        thread.join(20)

    statuses = sorted(results[action][0] for action in ("route", "decline"))
    assert statuses == [200, 409], results
    winner = next(action for action in ("route", "decline") if results[action][0] == 200)
    loser = "decline" if winner == "route" else "route"
    assert results[loser][1]["detail"], "the conflict says why"
    request.refresh_from_db()
    decisions = list(request.events.filter(action__in=["route", "decline"]))
    assert [event.action for event in decisions] == [winner]
    if winner == "route":
        assert (request.state, request.lead_division_id, request.decline_reason) == (
            State.ROUTED,
            "DEPI",
            "",
        )
    else:
        assert (request.state, request.lead_division_id) == (State.DECLINED, None)
        assert request.decline_reason == "no_resources"


# --- Events can never be edited or deleted ------------------------------------------------------


@pytest.fixture
def event(db):
    cast = lifecycle.make_cast()
    request = lifecycle.new_request(cast, State.UNDER_REVIEW)
    return request.events.get(action="acknowledge")


def test_an_event_cannot_be_changed_or_deleted_through_the_orm(event):
    event.note = "rewritten history"
    with pytest.raises(ImmutableEventError):
        event.save()
    with pytest.raises(ImmutableEventError):
        event.delete()
    events = RequestEvent.objects.filter(pk=event.pk)
    with pytest.raises(ImmutableEventError):
        events.update(note="rewritten history")
    with pytest.raises(ImmutableEventError):
        events.delete()
    with pytest.raises(ImmutableEventError), transaction.atomic():
        RequestEvent.objects.bulk_update([event], ["note"])
    with pytest.raises(ProtectedError):
        Request.objects.filter(pk=event.request_id).delete()
    event.refresh_from_db()
    assert event.note == ""


def test_the_admin_shows_events_and_refuses_every_change(event, client):
    admin = factories.coordinator(is_staff=True, is_superuser=True)
    client.force_login(admin)
    base = "/admin/requests_app/requestevent/"
    assert client.get(base).status_code == 200
    page = client.get(f"{base}{event.pk}/change/")
    assert page.status_code == 200  # readable
    assert 'name="_save"' not in page.content.decode()
    response = client.post(f"{base}{event.pk}/change/", {"note": "rewritten history"})
    assert response.status_code == 403
    assert client.get(f"{base}{event.pk}/delete/").status_code == 403
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    bulk = client.post(base, {"action": "delete_selected", "_selected_action": [event.pk]})
    assert bulk.status_code in (200, 302)
    assert RequestEvent.objects.filter(pk=event.pk, note="").exists()


@pytest.mark.postgres
@postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE requests_app_requestevent SET note = 'rewritten history' WHERE id = %s",
        "DELETE FROM requests_app_requestevent WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_raw_sql_on_events(event, sql):
    with (
        pytest.raises(IntegrityError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert RequestEvent.objects.filter(pk=event.pk, note="").exists()


def test_the_admin_reads_requests_and_changes_none(event, client):
    """A request moves only through its services: the admin can neither add, change nor
    delete one (no change of country, lead division, assignee or results without an event)."""
    admin = factories.coordinator(is_staff=True, is_superuser=True)
    client.force_login(admin)
    request_obj = event.request
    base = "/admin/requests_app/request/"
    assert client.get(f"{base}{request_obj.pk}/change/").status_code == 200
    response = client.post(f"{base}{request_obj.pk}/change/", {"title": "Changed in the admin"})
    assert response.status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{request_obj.pk}/delete/", {"post": "yes"}).status_code == 403
    request_obj.refresh_from_db()
    assert request_obj.title != "Changed in the admin"


@pytest.mark.django_db
def test_the_admin_sets_service_levels_through_the_service(client):
    staff = factories.regional_staff(is_staff=True, is_superuser=True)
    client.force_login(staff)
    levels = ServiceLevel.objects.first() or ServiceLevel.objects.create()
    url = f"/admin/requests_app/servicelevel/{levels.pk}/change/"
    values = {"acknowledge_days": 9, "decision_days": 9, "acceptance_days": 9}
    # A superuser who is not the coordinator is refused by the service's own check.
    assert client.post(url, values).status_code == 403
    coordinator = factories.coordinator(is_staff=True, is_superuser=True)
    client.force_login(coordinator)
    assert client.post(url, {**values, "decision_days": 400}).status_code == 200  # refused
    assert client.post(url, values).status_code == 302
    assert ServiceLevel.current().decision_days == 9
