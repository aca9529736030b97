"""Each match is told exactly once, by real workers on Redis (the CI's PostgreSQL run): two
workers, the tasks delivered again and again, and the e-mail counted as written."""

import time
from pathlib import Path

import pytest

from bali_portal.celery import app
from exchange import services, tasks
from exchange.models import Mail, MatchNotice
from tests.conftest import WorkerProcess
from tests.exchange.test_offers import publish
from tests.requests_app import focal

CONTACT = "cooperation@mma.example.org"


@pytest.fixture
def mail_workers(transactional_db, settings, tmp_path, monkeypatch, request):
    """Two real workers writing their e-mail to files in ``tmp_path / "mail"``."""
    outbox = tmp_path / "mail"
    outbox.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.exchange.worker_settings")
    monkeypatch.setenv("EXCHANGE_MAIL_DIR", str(outbox))
    first = request.getfixturevalue("celery_worker_process")
    second = WorkerProcess({**first.env}, tmp_path / "second-worker.log").start()
    yield outbox
    second.stop()


def sent_to(outbox: Path, address: str, subject: str) -> int:
    """How many e-mail messages with this subject the workers wrote to ``address`` (the
    request's own notices, sent by the same workers, have other subjects)."""
    separator = "\n" + "-" * 79 + "\n"
    messages = [
        message
        for path in outbox.iterdir()
        for message in path.read_text(encoding="utf-8").split(separator)
    ]
    return sum(
        1
        for message in messages
        if f"\nTo: {address}\n" in message and f"\nSubject: {subject}" in message
    )


def workers_are_idle() -> bool:
    """No message waits in the broker's queue and no worker holds one."""
    with app.connection_for_write() as connection:
        waiting = connection.default_channel.client.llen(app.conf.task_default_queue)
    inspect = app.control.inspect(timeout=1)
    held = [*(inspect.active() or {}).values(), *(inspect.reserved() or {}).values()]
    return waiting == 0 and not any(held)


def wait_for(condition, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


@pytest.mark.celery_worker
def test_each_match_is_told_once_whatever_the_redeliveries(mail_workers):
    cast = focal.people()
    request_obj = focal.advance(
        focal.submitted(cast, **focal.complete_values()), cast, "acknowledge"
    )
    # Published: the Africa office hears of Kenya's open request (a task after commit).
    offer = publish(cast.outsider_focal_point, thematic_areas=["T07"], support_types=["training"])
    # Routed: the offer's provider hears of the request (a task after commit).
    focal.advance(request_obj, cast, "route")
    # The same work delivered again, to both workers at once.
    for _ in range(3):
        tasks.tell_providers_of_request.delay(request_obj.pk)
        tasks.tell_offices_of_offer.delay(offer.pk)
    for _ in range(6):
        tasks.send_pending_mail.delay()

    # Tasks keep no results (the database is the record): wait until the workers have taken
    # every message off the queue and finished it, and both sides were told.
    wait_for(
        lambda: (
            workers_are_idle()
            and MatchNotice.objects.count() == 2
            and not Mail.objects.filter(sent_at__isnull=True).exists()
        ),
        timeout=90,
        message="the workers never told both sides",
    )
    assert set(MatchNotice.objects.values_list("direction", flat=True)) == {
        "to_office",
        "to_provider",
    }
    assert all(mail.attempts == 1 for mail in Mail.objects.all())
    assert tasks.send_pending_mail.apply().get() == 0  # nothing left to send
    to_provider, to_office = "A country's need matches", "An offer matches open requests"
    assert sent_to(mail_workers, CONTACT, to_provider) == 1
    assert sent_to(mail_workers, cast.office.email, to_office) == 1
    assert sent_to(mail_workers, cast.office_colleague.email, to_office) == 1
    assert sent_to(mail_workers, cast.owner.email, to_office) == 0
    assert services.tell_providers_of_request(request_obj.pk) == 0
