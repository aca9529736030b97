"""Follow-up assessments: invited 6 and 12 months after completion, once per request and
window, never a precondition; every assessment kept."""

import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from reporting import follow_ups
from reporting.models import FollowUpInvitation
from requests_app import services as request_services
from requests_app.models import Evaluation, Request
from requests_app.workflow import State
from tests import factories
from tests.conftest import ROOT, WorkerProcess


def completed_request(completed_at: datetime) -> Request:
    owner = factories.focal_point("KEN")
    request = factories.make_request(
        "KEN", state=State.COMPLETED, created_by=owner, lead_division="DEPI"
    )
    Request.objects.filter(pk=request.pk).update(
        submitted_at=completed_at - timedelta(days=90), completed_at=completed_at
    )
    request.refresh_from_db()
    return request


@pytest.mark.django_db
def test_each_window_is_invited_once_however_often_the_task_runs():
    request = completed_request(datetime(2025, 1, 10, tzinfo=UTC))
    too_early = datetime(2025, 7, 9, tzinfo=UTC)
    assert follow_ups.invite_follow_ups(too_early) == {"written": 0, "sent": 0}
    six = datetime(2025, 7, 11, tzinfo=UTC)
    assert follow_ups.invite_follow_ups(six) == {"written": 1, "sent": 1}
    assert follow_ups.invite_follow_ups(six) == {"written": 0, "sent": 0}
    assert len(mail.outbox) == 1 and request.reference in mail.outbox[0].subject
    assert "6" in mail.outbox[0].subject
    twelve = datetime(2026, 1, 11, tzinfo=UTC)
    assert follow_ups.invite_follow_ups(twelve) == {"written": 1, "sent": 1}
    assert follow_ups.invite_follow_ups(twelve) == {"written": 0, "sent": 0}
    assert sorted(
        FollowUpInvitation.objects.filter(request=request).values_list("months_after", flat=True)
    ) == [6, 12]
    assert len(mail.outbox) == 2
    # Never a precondition: the request is closed without any assessment.
    request_services.perform_action(
        request=request, actor=factories.regional_staff("ROA"), action="close"
    )
    request.refresh_from_db()
    assert request.state == State.CLOSED and not request.evaluations.exists()


@pytest.mark.django_db
def test_a_window_long_past_is_not_invited_when_the_task_first_runs():
    completed_request(datetime(2020, 1, 10, tzinfo=UTC))
    assert follow_ups.invite_follow_ups(datetime(2025, 7, 11, tzinfo=UTC))["written"] == 0


def start_beat(env, log_path):
    command = [sys.executable, "-m", "celery", "-A", "bali_portal", "beat", "--loglevel=INFO",
               "-s", str(log_path.parent / "beat-schedule")]  # fmt: skip
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def mails_in(directory) -> list[str]:
    return [path.read_text() for path in sorted(directory.glob("*.log"))]


@pytest.mark.celery_worker
@pytest.mark.skipif(shutil.which("faketime") is None, reason="needs faketime (Debian package)")
def test_beat_and_a_real_worker_invite_once_per_window_under_a_frozen_clock(
    celery_worker_process, settings, tmp_path
):
    """Beat asks every second; the worker and beat run under ``faketime`` 6 months and a day
    after completion, then 12 months and a day after: one e-mail per window."""
    import signal

    celery_worker_process.stop()  # restarted below under the frozen clock
    request = completed_request(datetime(2025, 1, 10, 9, tzinfo=UTC))
    outbox = tmp_path / "mail"
    outbox.mkdir()
    for clock, windows in (("2025-07-11 08:00:00", [6]), ("2026-01-11 08:00:00", [6, 12])):
        env = {
            **celery_worker_process.env,
            "DJANGO_SETTINGS_MODULE": "tests.reporting.follow_up_worker_settings",
            "FOLLOW_UP_MAIL_DIR": str(outbox),
            "LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
            "FAKETIME": f"@{clock}",
            "FAKETIME_DONT_RESET": "1",
        }
        if not os.path.exists(env["LD_PRELOAD"]):
            pytest.skip("libfaketime not found")
        worker = WorkerProcess(env, tmp_path / "worker.log").start()
        beat = start_beat(env, tmp_path / "beat.log")
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                sent = list(
                    FollowUpInvitation.objects.filter(sent_at__isnull=False)
                    .order_by("months_after")
                    .values_list("months_after", flat=True)
                )
                if sent == windows:
                    break
                time.sleep(0.5)
            time.sleep(4)  # several more beats: nothing more is sent
        finally:
            os.killpg(beat.pid, signal.SIGKILL)
            beat.wait(timeout=30)
            worker.stop()
        assert (
            list(
                FollowUpInvitation.objects.order_by("months_after").values_list(
                    "months_after", flat=True
                )
            )
            == windows
        )
        invitations = FollowUpInvitation.objects.filter(sent_at__isnull=False)
        # The sending happened on the frozen clock, not today's.
        assert {item.sent_at.date().isoformat() for item in invitations} >= {clock[:10]}
        mails = mails_in(outbox)
        assert len(mails) == len(windows), mails
        assert all(request.reference in text for text in mails)
    assert not Evaluation.objects.exists()


@pytest.mark.django_db
def test_the_coordinator_records_allocations_on_a_page_others_cannot_open(client):
    from reporting.models import DivisionAllocation

    client.force_login(factories.focal_point("KEN"))
    assert client.get("/reports/allocations/").status_code == 403
    client.force_login(factories.coordinator())
    response = client.post(
        "/reports/allocations/",
        {"division": "DEPI", "first_year": "2025", "amount_usd": "1000", "note": ""},
    )
    assert response.status_code == 200 and "even year" in response.content.decode()
    assert not DivisionAllocation.objects.exists()
    response = client.post(
        "/reports/allocations/",
        {"division": "DEPI", "first_year": "2026", "amount_usd": "250000", "note": "PoW"},
    )
    assert response.status_code == 302
    allocation = DivisionAllocation.objects.get(first_year=2026, division_id="DEPI")
    assert (allocation.division_id, allocation.first_year, allocation.amount_usd) == (
        "DEPI",
        2026,
        250000,
    )
    assert "2026-2027" in client.get("/reports/allocations/").content.decode()


def test_months_before_keeps_the_day_or_the_month_end():
    assert follow_ups.months_before(datetime(2025, 8, 31, 7, tzinfo=UTC), 6) == datetime(
        2025, 2, 28, 7, tzinfo=UTC
    )
    assert follow_ups.months_before(datetime(2026, 1, 11, tzinfo=UTC), 12) == datetime(
        2025, 1, 11, tzinfo=UTC
    )
    assert follow_ups.months_before(datetime(2025, 3, 15, tzinfo=UTC), 3) == datetime(
        2024, 12, 15, tzinfo=UTC
    )
