"""Redis stopped and started again while focal points submit requests (issue 21).

The real stack: gunicorn, a Celery worker, the test's own Redis (without persistence, so its
restart loses every queued task) and a mail sink. During the outage every submission is
answered 201 and kept with its events; the pages and API that read the cache answer; once
Redis is back, the worker (alive: celery < 5.7 survives the restart) sends every notice owed,
each once.
"""

import time
from collections import Counter

import pytest

from requests_app.models import Notification, Request
from tests import factories
from tests.faults.conftest import token_for
from tests.faults.stack import http, wait_for
from tests.requests_app import focal

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres]

FILING = {
    "description": "Train the agency's staff to run low-cost sensors.",
    "national_priorities": "National air quality plan 2030.",
    "thematic_areas": ["T09", "T02"],
    "support_types": ["training", "technology"],
    "scope": "national",
    "desired_start": "2027-03-01",
    "duration_months": 12,
    "submit": True,
}


def file_requests(web, token: str, seconds: float, label: str) -> list[tuple[str, int, dict]]:
    """Submit requests one after another for ``seconds``; (phase, status, body) of each."""
    answers = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        title = f"Air quality ({label} {len(answers) + 1})"
        answer = http(
            f"{web.url}/api/v1/requests/",
            method="POST",
            token=token,
            json_body={**FILING, "title": title},
        )
        answers.append((label, answer.status, answer.json() if answer.status == 201 else {}))
    return answers


def test_submissions_while_redis_is_stopped_and_restarted(stack):
    cast = focal.people()
    token = token_for(cast.owner)
    worker = stack.worker()
    web = stack.web()

    answers = file_requests(web, token, 1, "before")
    stack.redis.kill()
    started = time.monotonic()
    answers += file_requests(web, token, 4, "outage")
    # What read the cache and answered 500 during the trial of 2026-12-02.
    during = {
        "registry": http(f"{web.url}/registry/").status,
        "activities": http(f"{web.url}/api/v1/activities/").status,
        "token": http(
            f"{web.url}/api/v1/auth/token/",
            method="POST",
            json_body={"username": cast.colleague.email, "password": factories.DEFAULT_PASSWORD},
        ).status,
    }
    outage = time.monotonic() - started
    stack.redis.start()
    answers += file_requests(web, token, 1, "after")

    statuses = Counter((label, status) for label, status, _ in answers)
    assert all(status == 201 for _, status, _ in answers), statuses
    assert statuses[("outage", 201)] >= 10, statuses  # the outage saw real traffic
    assert during == {"registry": 200, "activities": 200, "token": 200}
    assert outage < 12  # nothing waited long on the missing Redis

    # Every 201 is a stored request with exactly its two events, and nothing else was stored.
    references = [body["reference"] for _, _, body in answers]
    stored = Request.objects.filter(reference__in=references)
    assert stored.count() == len(answers) == Request.objects.count()
    events = Counter(
        tuple(sorted(request.events.values_list("action", flat=True))) for request in stored
    )
    assert events == {("create", "submit"): len(answers)}

    # Each notice owed is sent once after Redis returns, by the worker that lived through it.
    owed = Notification.objects.filter(event__request__in=stored)
    assert owed.count() >= 3 * len(answers)  # the colleague and the office's two
    # Drained at the sweep's full speed (not beat's): bounded loosely, as a loaded machine
    # sends ~20 notices a second here.
    wait_for(
        lambda: not owed.filter(sent_at=None).exists(),
        180,
        f"{owed.filter(sent_at=None).count()} notices were never sent; see {worker.log_path}",
        interval=0.5,
    )
    # A notice is marked sent just before the end of its data reaches the sink.
    owed_ids = Counter(owed.values_list("message_id", flat=True))
    wait_for(lambda: set(owed_ids) <= set(stack.sink.message_ids()), 5, "sent but not received")
    sent_ids = Counter(stack.sink.message_ids())
    assert sent_ids == owed_ids
    assert max(sent_ids.values()) == 1
    assert worker.alive(), worker.log()
    assert "Unrecoverable error" not in worker.log()
