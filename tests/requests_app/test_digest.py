"""The daily overdue digest and the escalation of what is twice overdue (Celery beat job)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from requests_app import digest, services
from requests_app.models import DigestRun
from requests_app.tasks import send_overdue_digests
from tests import factories
from tests.requests_app import lifecycle

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 6, 0, tzinfo=UTC)  # the beat runs at 06:00 UTC


def ago(days: float, now: datetime = NOW) -> datetime:
    return now - timedelta(days=days)


def walk(cast, title, steps, actors=None):
    """A request taken through ``steps`` [(action, when, data?)] by the usual people."""
    first = steps[0][1]
    request = services.create_draft(
        actor=cast.focal_point,
        values=lifecycle.complete_values(title),
        now=first - timedelta(hours=1),
    )
    for step in steps:
        action, when = step[0], step[1]
        data = step[2] if len(step) > 2 else lifecycle.valid_data(action, request, cast)
        actor = (actors or {}).get(action) or lifecycle.actor_for(action, cast)
        services.perform_action(request=request, actor=actor, action=action, data=data, now=when)
    request.refresh_from_db()
    return request


@pytest.fixture
def world():
    cast = lifecycle.make_cast()
    other_office = factories.regional_staff("ROA", is_active=False)  # left UNEP: no mail
    second_coordinator = factories.coordinator()
    unacknowledged = walk(cast, "Unacknowledged for a week", [("submit", ago(7))])
    with_colleague = walk(
        cast,
        "Under review for a month",
        [
            ("submit", ago(30)),
            ("acknowledge", ago(29), {"assignee": cast.colleague.pk}),
        ],
    )
    stuck_at_division = walk(
        cast,
        "Routed and never accepted",
        [("submit", ago(45)), ("acknowledge", ago(44)), ("route", ago(40))],
    )
    on_time = walk(cast, "Acknowledged yesterday", [("submit", ago(2)), ("acknowledge", ago(1))])
    waiting_for_country = walk(
        cast,
        "Waiting for the country",
        [("submit", ago(60)), ("acknowledge", ago(59)), ("request_info", ago(58))],
    )
    elsewhere = factories.regional_staff("ROAP")
    return {
        "cast": cast,
        "inactive": other_office,
        "coordinators": [cast.coordinator, second_coordinator],
        "unacknowledged": unacknowledged,
        "with_colleague": with_colleague,
        "stuck_at_division": stuck_at_division,
        "on_time": on_time,
        "waiting_for_country": waiting_for_country,
        "elsewhere": elsewhere,
    }


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_each_holder_gets_a_digest_of_their_overdue_requests(world):
    cast = world["cast"]
    mail.outbox.clear()
    report = digest.send_overdue_digests(now=NOW)

    unacknowledged = world["unacknowledged"].reference
    with_colleague = world["with_colleague"].reference
    stuck = world["stuck_at_division"].reference
    # Nobody is assigned to the unacknowledged one: the whole office hears of it.
    (officer_mail,) = mails_to(cast.regional_staff.email)
    assert unacknowledged in officer_mail.body
    assert with_colleague not in officer_mail.body
    assert "1 overdue request" in officer_mail.subject
    (colleague_mail,) = mails_to(cast.colleague.email)
    assert unacknowledged in colleague_mail.body and with_colleague in colleague_mail.body
    assert "2 overdue requests" in colleague_mail.subject
    assert f"/requests/{with_colleague}/" in colleague_mail.body
    # Routed and not accepted: the lead division holds it, not the supporting one.
    (division_mail,) = mails_to(cast.lead_division.email)
    assert stuck in division_mail.body and unacknowledged not in division_mail.body
    assert mails_to(cast.supporting_division.email) == []

    # Not overdue, paused for the country's answer, inactive or another office: no mail.
    for quiet in (world["on_time"], world["waiting_for_country"]):
        assert all(quiet.reference not in message.body for message in mail.outbox)
    assert mails_to(world["inactive"].email) == []
    assert mails_to(world["elsewhere"].email) == []
    assert mails_to(cast.focal_point.email) == []

    # Twice overdue (routed 40 days ago: due after 15, escalated after 30): both coordinators.
    for coordinator in world["coordinators"]:
        (escalation,) = mails_to(coordinator.email)
        assert "Escalation" in escalation.subject
        assert stuck in escalation.body
        assert unacknowledged not in escalation.body
        assert str(cast.lead_division) in escalation.body  # who holds it
    # The office's two officers, the lead division's officer, two coordinators.
    assert report.sent == len(mail.outbox) == 5
    assert DigestRun.objects.filter(day=NOW.date(), sent_at__isnull=False).count() == 5


def test_a_second_run_the_same_day_sends_nothing(world):
    digest.send_overdue_digests(now=NOW)
    first = len(mail.outbox)
    assert first == 5
    report = digest.send_overdue_digests(now=NOW + timedelta(hours=5))
    assert len(mail.outbox) == first
    assert (report.sent, report.already_sent) == (0, 5)
    # The next day is another digest.
    report = digest.send_overdue_digests(now=NOW + timedelta(days=1))
    assert report.sent == 5
    assert len(mail.outbox) == 10


def test_a_failed_mail_is_sent_by_the_retry_and_nothing_twice(world, monkeypatch):
    cast = world["cast"]
    real_send_mail = digest.send_mail

    def flaky(subject, body, sender, recipients):
        if recipients == [cast.lead_division.email]:
            raise ConnectionRefusedError("mail server down")
        return real_send_mail(subject, body, sender, recipients)

    monkeypatch.setattr(digest, "send_mail", flaky)
    report = digest.send_overdue_digests(now=NOW)
    assert (report.sent, report.failed) == (4, 1)
    assert mails_to(cast.lead_division.email) == []
    run = DigestRun.objects.get(recipient=cast.lead_division, day=NOW.date())
    assert run.sent_at is None

    monkeypatch.setattr(digest, "send_mail", real_send_mail)
    report = digest.send_overdue_digests(now=NOW + timedelta(minutes=15))
    assert (report.sent, report.already_sent, report.failed) == (1, 4, 0)
    assert len(mails_to(cast.lead_division.email)) == 1
    assert len(mail.outbox) == 5


def test_one_digest_per_person_kind_and_day_in_the_database(world):
    user = world["cast"].regional_staff
    DigestRun.objects.create(day=NOW.date(), recipient=user, kind=DigestRun.Kind.DIGEST)
    DigestRun.objects.create(day=NOW.date(), recipient=user, kind=DigestRun.Kind.ESCALATION)
    with pytest.raises(IntegrityError), transaction.atomic():
        DigestRun.objects.create(day=NOW.date(), recipient=user, kind=DigestRun.Kind.DIGEST)


def test_an_office_without_active_staff_escalates_its_overdue_requests_to_the_coordinator():
    cast = lifecycle.make_cast(country="HTI", office="ROLAC")
    for person in (cast.regional_staff, cast.colleague):
        person.is_active = False
        person.save(update_fields=["is_active"])
    request = walk(cast, "Nobody at the office", [("submit", ago(6))])
    digest.send_overdue_digests(now=NOW)
    (message,) = mails_to(cast.coordinator.email)
    assert request.reference in message.body


def test_the_daily_beat_task_sends_the_digest_once(world_now):
    cast, request = world_now
    result = send_overdue_digests.delay().get()
    assert result["sent"] == 2  # both officers of the office; nothing twice overdue
    assert {tuple(message.to) for message in mail.outbox} == {
        (cast.regional_staff.email,),
        (cast.colleague.email,),
    }
    assert all(request.reference in message.body for message in mail.outbox)
    again = send_overdue_digests.delay().get()
    assert (again["sent"], again["already_sent"]) == (0, 2)
    assert len(mail.outbox) == 2


@pytest.fixture
def world_now():
    """Overdue relative to the real clock, for the task (which takes no ``now``)."""
    cast = lifecycle.make_cast()
    now = timezone.now()
    request = walk(cast, "Overdue today", [("submit", ago(6, now))])
    return cast, request
