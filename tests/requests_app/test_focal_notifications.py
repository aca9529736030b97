"""The country hears by e-mail when its request changes state or receives a question; the
e-mail goes after commit, and a broker outage never loses a submission."""

import time

import pytest
from django.core.cache import cache

from bali_portal.celery import app as celery_app
from requests_app import notifications, services, tasks
from requests_app.models import Notification, Request
from requests_app.workflow import State
from tests import factories
from tests.conftest import run_tasks_eagerly
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return focal.people()


def test_a_question_from_the_office_reaches_every_focal_point_of_the_country(
    cast, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.office).post(
            f"/requests/{request_obj.reference}/act/request_info/",
            {"message": "Which counties would the training cover?"},
        )
    assert response.status_code == 302
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == sorted([cast.owner.email, cast.colleague.email])
    mail = mailoutbox[0]
    assert request_obj.reference in mail.subject
    # The subject says what happened in words, not the button's label ("Ask the focal point").
    assert "Question to the country" in mail.subject
    assert "Ask the focal point" not in mail.subject and "request_info" not in mail.subject
    assert "Which counties would the training cover?" in mail.body
    assert f"/requests/{request_obj.reference}/" in mail.body
    assert cast.outsider_focal_point.email not in recipients


def test_the_answer_reaches_the_office_holding_the_request(
    cast, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge", "request_info")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.colleague).post(
            f"/requests/{request_obj.reference}/act/provide_info/", {"message": "Migori."}
        )
    assert [mail.to for mail in mailoutbox] == [[cast.office.email]]


def test_a_submission_is_owed_to_the_country_and_the_office_but_not_to_its_author(cast):
    inactive = factories.regional_staff("ROA", full_name="Former Staff", is_active=False)
    request_obj = focal.submitted(cast)
    owed = Notification.objects.filter(event__request=request_obj, event__action="submit")
    assert sorted(owed.values_list("recipient__email", flat=True)) == sorted(
        [cast.colleague.email, cast.office.email, cast.office_colleague.email]
    )
    assert inactive.email not in owed.values_list("recipient__email", flat=True)


def test_an_answer_is_owed_only_to_the_person_holding_the_request(cast):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge", "request_info")
    Request.objects.filter(pk=request_obj.pk).update(assignee=cast.office_colleague)
    request_obj.refresh_from_db()
    event = services.perform_action(
        request=request_obj, actor=cast.owner, action="provide_info", data={"message": "Migori."}
    )
    assert list(event.notifications.values_list("recipient", flat=True)) == [
        cast.office_colleague.pk
    ]


def test_nothing_is_sent_before_the_transaction_commits(cast, client_for, mailoutbox):
    request_obj = focal.draft(cast)
    client_for(cast.owner).post(f"/requests/{request_obj.reference}/act/submit/")
    # The test's transaction never commits: the e-mail is owed (outbox), not sent.
    assert mailoutbox == []
    assert Notification.objects.filter(event__request=request_obj, sent_at=None).exists()


def test_a_broker_outage_never_loses_a_submission(
    cast, client_for, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_event_notifications, "delay", broker_down)
    request_obj = focal.draft(cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.owner).post(f"/requests/{request_obj.reference}/act/submit/")
    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.state == State.SUBMITTED
    owed = Notification.objects.filter(event__request=request_obj, sent_at=None).count()
    assert owed >= 2  # the colleague, and the office's staff
    assert mailoutbox == []
    # The periodic sweep sends them once the broker is back.
    monkeypatch.undo()
    assert tasks.send_pending_notifications() == owed
    assert {address for mail in mailoutbox for address in mail.to} >= {cast.colleague.email}


def _tasks_waiting() -> int:
    """Empties the broker's queue (memory, or CI's Redis) and says how many tasks it held."""
    with celery_app.connection_for_write() as connection:
        return connection.default_channel.queue_purge("celery") or 0


def test_with_a_broker_the_events_of_a_window_are_sent_by_one_sweep(
    cast, client_for, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    run_tasks_eagerly(False)  # the autouse celery_mode fixture restores it
    drafts = [focal.draft(cast) for _ in range(3)]
    _tasks_waiting()
    for draft in drafts:
        with django_capture_on_commit_callbacks(execute=True):
            client_for(cast.owner).post(f"/requests/{draft.reference}/act/submit/")
    # Three events owe e-mail; one sweep is scheduled for all of them, after the window.
    owed_each = [
        Notification.objects.filter(event__request=draft, sent_at=None).count() for draft in drafts
    ]
    assert owed_each[0] >= 2 and owed_each == owed_each[:1] * 3  # the colleague, the office
    owed = sum(owed_each)
    assert _tasks_waiting() == 1
    assert cache.get(notifications.SWEEP_SCHEDULED_KEY) is not None
    assert mailoutbox == []
    # The sweep (run here as the worker would) sends all of them.
    assert tasks.send_pending_notifications() == owed
    assert len(mailoutbox) == owed
    # Once the window is over (the key expired, this process's clock past it), the next
    # event schedules the next sweep.
    cache.delete(notifications.SWEEP_SCHEDULED_KEY)
    later = time.monotonic() + notifications.SWEEP_WINDOW_SECONDS + 0.1
    monkeypatch.setattr(notifications.time, "monotonic", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.owner).post(f"/requests/{focal.draft(cast).reference}/act/submit/")
    assert _tasks_waiting() == 1


def test_within_its_window_a_process_asks_the_cache_once(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    run_tasks_eagerly(False)
    _tasks_waiting()
    asked = []
    real_add = cache.add

    def counted_add(*args, **kwargs):
        asked.append(args)
        return real_add(*args, **kwargs)

    monkeypatch.setattr(cache, "add", counted_add)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            focal.submitted(cast)
    assert len(asked) == 1
    assert _tasks_waiting() == 1
    # A process that scheduled none of its own asks, and finds another's sweep scheduled.
    notifications.forget_own_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        focal.submitted(cast)
    assert len(asked) == 2
    assert _tasks_waiting() == 0


def test_a_full_batch_asks_for_the_next_sweep_at_once(cast, monkeypatch, mailoutbox):
    for _ in range(3):
        focal.submitted(cast)
    owed = Notification.objects.filter(sent_at=None).count()
    assert owed >= 3
    monkeypatch.setattr(notifications, "BATCH", 2)
    # In-process, the next sweep runs at once, until a batch is not full.
    assert tasks.send_pending_notifications() == 2
    assert Notification.objects.filter(sent_at=None).count() == 0
    assert len(mailoutbox) == owed


def test_a_mail_server_outage_does_not_use_up_the_attempts_at_once(cast, monkeypatch, settings):
    for _ in range(3):
        focal.submitted(cast)
    owed = Notification.objects.filter(sent_at=None).count()
    monkeypatch.setattr(notifications, "BATCH", 2)
    # A real SMTP connection to a port where nothing listens: every sending fails.
    settings.EMAIL_BACKEND = "bali_portal.mail.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert tasks.send_pending_notifications() == 0
    # One notice was tried once; the rest of its batch was given back untried, and everything
    # waits for the next periodic sweep, unclaimed.
    attempts = list(Notification.objects.values_list("attempts", flat=True))
    assert sorted(attempts) == [0] * (owed - 1) + [1]
    assert Notification.objects.filter(sent_at=None, claimed_by=None).count() == owed
