"""E-mail about requests, sent from the outbox written by the services, each notice once.

A sweep of the outbox

1. takes a token and, on PostgreSQL, holds it as an advisory lock for as long as it runs: the
   lock is how others know the sweep is alive (PostgreSQL releases it when the sweep's
   connection ends, a killed worker's included);
2. claims a batch of notices in a transaction of its own, ``SELECT … FOR UPDATE SKIP LOCKED``:
   unsent notices nobody claimed, or claimed by a sweep whose lock is gone. Two sweeps never
   claim the same notice and never wait for each other;
3. sends each under its own Message-ID (kept from one attempt to the next), marking it sent
   just before the line that ends its data (``bali_portal.mail``), on condition that it is
   still its claim.

What that guarantees: a notice is marked sent exactly when the mail server was handed its
message. A sweep killed before that point leaves the notice claimed and unsent, and the mail
server discarded the unfinished message; the next sweep finds the claim's lock gone and sends
it again, under the same Message-ID. A sweep killed after it leaves the notice sent. So no
notice is sent twice, and none is lost, except in moments that no SMTP client can close:
a kill between the two back-to-back writes of the COMMIT of "sent" and of the final line
(lost; ``_commit_then``), a connection to PostgreSQL breaking as it commits (sent again, same
Message-ID), and a connection to the mail server that breaks after that line but before its
answer (marked sent, logged with its Message-ID: the server had the whole message, and one
that discards it would be breaking RFC 5321). Without PostgreSQL (the embedded default, in
one process) a claim is taken back after ``STALE_CLAIM_SECONDS``.
"""

import logging
import secrets
import select
import smtplib
import time
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from psycopg import pq

from bali_portal.broker import publish, task_named
from bali_portal.mail import send_once

from .actions.texts import email_subject
from .models import Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10

BATCH = 500

# The namespace of the sweeps' advisory locks among PostgreSQL's ("BALM").
SWEEP_LOCK_NAMESPACE = 0x42414C4D
STALE_CLAIM_SECONDS = 600

# With a broker, the e-mail owed by the events of a short window is sent by one task, not one
# task per event: publishing a task costs more than writing the event itself.
SWEEP_SCHEDULED_KEY = "notifications:sweep-scheduled"
SWEEP_WINDOW_SECONDS = 2

# Until when (this process's monotonic clock) a sweep this process scheduled is still ahead
# of every event committed here: events until then need not ask the cache.
_own_sweep_window_ends = 0.0


def send_pending(event_id: int | None = None, limit: int | None = None) -> int:
    """Send unsent notifications (of one event, or all), each once; returns how many went."""
    return send_batch(event_id, limit)[0]


def send_batch(event_id: int | None = None, limit: int | None = None) -> tuple[int, bool]:
    """Like ``send_pending`` (``BATCH`` at most); also says whether to go on at once: the
    batch was full and all of it went. After a failure the next try waits for the periodic
    sweep, so that a mail server's outage does not use up every notice's attempts at once."""
    limit = limit or BATCH
    with _sweep_token() as token:
        claimed = _claim(token, event_id, limit)
        if not claimed:
            return 0, False
        sent, failed = _send_claimed(claimed, token)
    return sent, len(claimed) == limit and not failed


def notify_after_commit(event_id: int) -> None:
    """Have the e-mail owed by a committed event sent (``transaction.on_commit``).

    In-process (no broker) it is sent at once. With a broker, the first event of a window
    schedules a sweep of the outbox for after the window (one ``cache.add``, and one task
    per window however many events); the events after it find the sweep scheduled. A sweep
    starts after its window has closed, so it sees every event that found it scheduled.
    While Redis is down, the cache answers that a sweep is scheduled and nothing is
    published: the workers sweep when they are connected again (``bali_portal.broker``).
    """
    global _own_sweep_window_ends
    try:
        send_event_notifications = task_named("requests_app.tasks.send_event_notifications")
        if send_event_notifications.app.conf.task_always_eager:
            send_event_notifications.delay(event_id)
        elif time.monotonic() < _own_sweep_window_ends:
            return  # within the window of the sweep this process scheduled
        elif cache.add(SWEEP_SCHEDULED_KEY, event_id, timeout=SWEEP_WINDOW_SECONDS):
            # A second more than the window: clocks of the worker and of Redis may differ.
            publish(
                "requests_app.tasks.send_pending_notifications",
                countdown=SWEEP_WINDOW_SECONDS + 1,
            )
            # Measured after the key was set, so this window ends after the key's.
            _own_sweep_window_ends = time.monotonic() + SWEEP_WINDOW_SECONDS
    except Exception:
        # The request and its event are committed; the outbox keeps the e-mail for the
        # periodic sweep, so an outage loses nothing.
        logger.exception("Could not send the notifications of event %s; will retry", event_id)


def forget_own_sweep() -> None:
    """As if this process had scheduled no sweep (for tests, which empty the cache)."""
    global _own_sweep_window_ends
    _own_sweep_window_ends = 0.0


# --- Claims ----------------------------------------------------------------------------------


class _sweep_token:
    """A fresh token for one sweep's claims, held as an advisory lock while the sweep runs."""

    def __enter__(self) -> int:
        self.token = secrets.randbelow(2**31 - 2) + 1
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_lock(%s, %s)", [SWEEP_LOCK_NAMESPACE, self.token]
                )
        return self.token

    def __exit__(self, *exc_info):
        if connection.vendor != "postgresql":
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [SWEEP_LOCK_NAMESPACE, self.token]
                )
        except DatabaseError:  # the connection is gone, and the lock with it
            logger.warning("Could not release the lock of outbox sweep %s", self.token)


def _live_sweeps() -> list[int]:
    """The tokens of the sweeps running now, anywhere (PostgreSQL: their locks are held)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s AND objsubid = 2",
            [SWEEP_LOCK_NAMESPACE],
        )
        return [row[0] for row in cursor.fetchall()]


def _claimable(event_id: int | None):
    pending = Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    if event_id is not None:
        pending = pending.filter(event_id=event_id)
    if connection.vendor == "postgresql":
        abandoned = ~Q(claimed_by__in=_live_sweeps())
    else:
        abandoned = Q(claimed_at__lt=timezone.now() - timedelta(seconds=STALE_CLAIM_SECONDS))
    return pending.filter(Q(claimed_by__isnull=True) | abandoned)


def _message_id(notice_id: int) -> str:
    domain = urlsplit(settings.PORTAL_BASE_URL).hostname or "bali-portal.localhost"
    return make_msgid(f"notice-{notice_id}", domain=domain)


def _claim(token: int, event_id: int | None, limit: int) -> list[Notification]:
    """Claim up to ``limit`` notices for this sweep, committed before anything is sent."""
    with transaction.atomic():
        notices = list(
            _claimable(event_id)
            .order_by("created_at", "pk")
            .select_for_update(skip_locked=True)
            .only("pk", "message_id")[:limit]
        )
        now = timezone.now()
        for notice in notices:
            notice.message_id = notice.message_id or _message_id(notice.pk)
            notice.claimed_by, notice.claimed_at = token, now
        Notification.objects.bulk_update(notices, ["message_id", "claimed_by", "claimed_at"])
        Notification.objects.filter(pk__in=[notice.pk for notice in notices]).update(
            attempts=F("attempts") + 1
        )
    return list(
        Notification.objects.filter(pk__in=[notice.pk for notice in notices])
        .select_related("event__request", "event__actor", "recipient")
        .order_by("created_at", "pk")
    )


# --- Sending ---------------------------------------------------------------------------------


def _send_claimed(notices: list[Notification], token: int) -> tuple[int, bool]:
    """Send the claimed notices over one connection; returns (sent, whether the mail server
    failed). After a failure of the server the rest are given back untried."""
    backend = get_connection()
    sent = 0
    try:
        for index, notice in enumerate(notices):
            outcome = _send_one(backend, notice, token)
            if outcome == SENT:
                sent += 1
            elif outcome == OUTAGE:
                _give_back_untried(notices[index + 1 :], token)
                return sent, True
    finally:
        backend.close()
    return sent, False


SENT, TAKEN, REFUSED, OUTAGE = "sent", "taken", "refused", "outage"


def _send_one(backend, notice: Notification, token: int) -> str:
    """Send one claimed notice; says how it went."""
    mine = Notification.objects.filter(pk=notice.pk, claimed_by=token)

    def hand_over(end_data) -> bool:
        # Committed as the end of the data is written: from here on, the notice is sent.
        now = timezone.now()
        with transaction.atomic():
            _commit_without_waiting_for_disk()
            if mine.filter(sent_at__isnull=True).update(sent_at=now) != 1:
                return False  # another sweep took the claim over
            notice.sent_at = now
            ended = _commit_then(end_data)
        if not ended:
            end_data()
        return True

    try:
        delivered = send_once(backend, _compose(notice), hand_over)
    except Exception as error:
        backend.close()  # whatever state the conversation is in, the next starts afresh
        outcome = _failure(notice, error)
        if outcome != SENT:
            mine.update(sent_at=None, claimed_by=None, claimed_at=None)
        return outcome
    return SENT if delivered else TAKEN


def _commit_without_waiting_for_disk() -> None:
    """This transaction's commit answers without waiting for its write to disk.

    A notice is marked sent once per message, just before the message is ended: waiting for
    the disk there (6 ms median, 12 ms p90 on the test machine) would hold every message that
    long. The price: PostgreSQL itself crashing within a fraction of a second after it loses
    the mark, and the notice is sent again (with the same Message-ID). The rest of the portal
    keeps synchronous commits.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _commit_then(end_data) -> bool:
    """Send this transaction's COMMIT, call ``end_data()`` while it is on its way, then read
    its answer; ``False`` (nothing done) where that cannot be done, and the caller ends the data
    after its commit.

    Waiting for the commit's answer before writing the last line of the message would leave
    the time of a round trip, and of the scheduler giving this process the processor back, in
    which a kill loses the notice (marked sent, never ended): on a busy machine, milliseconds.
    Sent together, the two writes follow each other at once. The COMMIT of a transaction whose
    update succeeded fails only if the connection breaks; then the notice was sent but not
    marked, and will be sent again under the same Message-ID.
    """
    if connection.vendor != "postgresql" or len(connection.atomic_blocks) != 1:
        return False  # SQLite, or inside an enclosing transaction (a test's)
    pgconn = connection.connection.pgconn  # psycopg's libpq connection, non-blocking
    pgconn.send_query(b"COMMIT")
    while pgconn.flush():
        select.select([], [pgconn.socket], [])
    end_data()
    while True:
        pgconn.consume_input()
        if not pgconn.is_busy():
            break
        select.select([pgconn.socket], [], [])
    while (result := pgconn.get_result()) is not None:
        if result.status != pq.ExecStatus.COMMAND_OK:
            raise DatabaseError(f"COMMIT failed: {result.error_message!r}")
    # psycopg sees no transaction now, so the atomic block's own commit does nothing.
    return True


def _failure(notice: Notification, error: Exception) -> str:
    """What a failed sending means for the notice (``SENT`` if the server has it)."""
    if isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
        # The server answered, and said no to this message: nothing was delivered.
        logger.warning("Notification %s refused (%s); it stays in the outbox", notice.pk, error)
        return REFUSED
    if notice.sent_at is not None:
        # After the end of the data, without the server's answer: it has the message.
        logger.warning(
            "Notification %s (Message-ID %s): no answer after its data; kept as sent",
            notice.pk,
            notice.message_id,
            exc_info=True,
        )
        return SENT
    logger.exception("Sending notification %s failed; it stays in the outbox", notice.pk)
    return OUTAGE


def _give_back_untried(notices: list[Notification], token: int) -> None:
    """Claims this sweep will not try: unclaimed again, their attempt not counted."""
    Notification.objects.filter(
        pk__in=[notice.pk for notice in notices], claimed_by=token, sent_at__isnull=True
    ).update(claimed_by=None, claimed_at=None, attempts=F("attempts") - 1)


def _compose(notice: Notification) -> EmailMessage:
    event = notice.event
    request = event.request
    with translation.override(notice.recipient.language or settings.LANGUAGE_CODE):
        context = {
            "event": event,
            "email_subject": email_subject(event.action),
            "request": request,
            "recipient": notice.recipient,
            "url": f"{settings.PORTAL_BASE_URL}/requests/{request.reference}/",
        }
        subject = render_to_string("requests_app/email/event_subject.txt", context).strip()
        body = render_to_string("requests_app/email/event_body.txt", context)
    return EmailMessage(
        subject, body, None, [notice.recipient.email], headers={"Message-ID": notice.message_id}
    )
