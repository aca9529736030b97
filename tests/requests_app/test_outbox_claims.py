"""The outbox sends each notice once (issue 21): the mark "sent" before the end of the data,
claims that live sweeps keep and dead ones lose, sweeps that never claim the same notice."""

import threading

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection

from bali_portal.mail import EmailBackend, send_once
from requests_app import notifications
from requests_app.models import Notification
from tests.faults.stack import SmtpSink
from tests.requests_app import focal


@pytest.fixture
def sink(settings):
    server = SmtpSink()
    settings.EMAIL_BACKEND = "bali_portal.mail.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    yield server
    server.close()


def message(number: int) -> EmailMessage:
    return EmailMessage(
        f"Notice {number}", "Body\n.\nwith a lone dot", None, ["focal.point@kenya.example.org"],
        headers={"Message-ID": f"<notice-{number}@bali.test>"},
    )  # fmt: skip


def test_sent_is_recorded_before_the_server_has_the_message_and_a_refusal_sends_nothing(sink):
    seen_by_server_at_hand_over = []

    def hand_over(end_data):
        seen_by_server_at_hand_over.append(len(sink.messages))
        return True  # the data is ended after it

    backend = EmailBackend()
    with backend:
        assert send_once(backend, message(1), hand_over) is True
        assert send_once(backend, message(2), lambda end_data: False) is False  # taken
        assert send_once(backend, message(3), hand_over) is True
    assert seen_by_server_at_hand_over == [0, 1]
    assert sink.message_ids() == ["<notice-1@bali.test>", "<notice-3@bali.test>"]
    # A line of the body that is a lone dot was quoted, not taken for the end of the data.
    assert b"Body\r\n.\r\nwith a lone dot" in sink.messages[0]


@pytest.mark.django_db
def test_a_sweep_sends_each_notice_under_its_message_id_and_marks_it(sink):
    cast = focal.people()
    focal.submitted(cast)
    Notification.objects.update(sent_at=None)
    owed = Notification.objects.count()
    assert notifications.send_pending() == owed
    ids = set(Notification.objects.values_list("message_id", flat=True))
    assert set(sink.message_ids()) == ids and len(ids) == owed
    assert not Notification.objects.filter(sent_at=None).exists()
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


postgres_only = pytest.mark.skipif(
    "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="advisory locks and SKIP LOCKED need PostgreSQL",
)


def hold_sweep_lock(token: int, held: threading.Event, release: threading.Event):
    """Another process's sweep, alive: its connection holds the sweep's advisory lock."""
    from django.db import connections

    try:
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [notifications.SWEEP_LOCK_NAMESPACE, token]
            )
            held.set()
            release.wait(30)
    finally:
        connections["default"].close()


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_claims_of_a_live_sweep_are_left_and_those_of_a_dead_one_taken_over_at_once():
    cast = focal.people()
    focal.submitted(cast)
    first, second, third = Notification.objects.order_by("pk")[:3]
    Notification.objects.update(sent_at=None, attempts=0)  # as if never sent
    Notification.objects.filter(pk=first.pk).update(claimed_by=111, attempts=1)
    Notification.objects.filter(pk=second.pk).update(claimed_by=222, attempts=1)
    held, release = threading.Event(), threading.Event()
    alive = threading.Thread(target=hold_sweep_lock, args=(111, held, release))
    alive.start()
    try:
        assert held.wait(10)
        mail.outbox.clear()
        # 111 is alive (its lock is held): its notice is left; 222 is gone: taken over.
        assert notifications.send_pending() == Notification.objects.count() - 1
        assert Notification.objects.get(pk=first.pk).sent_at is None
        assert Notification.objects.get(pk=second.pk).attempts == 2
        assert Notification.objects.get(pk=third.pk).attempts == 1
    finally:
        release.set()
        alive.join(30)
    # Its sweep gone, the last notice goes with the next one.
    assert notifications.send_pending() == 1
    assert len(mail.outbox) == Notification.objects.count()


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_sweeps_running_together_never_claim_the_same_notice():
    cast = focal.people()
    for _ in range(10):
        focal.submitted(cast)
    Notification.objects.update(sent_at=None)
    owed = Notification.objects.count()
    mail.outbox.clear()
    sent_by = {}

    def sweep(name):
        from django.db import connections

        try:
            sent_by[name] = sum(iter(lambda: notifications.send_pending(limit=3), 0))
        finally:
            connections["default"].close()

    sweeps = [threading.Thread(target=sweep, args=(n,)) for n in range(3)]
    for thread in sweeps:
        thread.start()
    for thread in sweeps:
        thread.join(60)
    assert sum(sent_by.values()) == owed
    sent_ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(sent_ids) == len(set(sent_ids)) == owed
    assert connection.vendor == "postgresql"
