"""A worker killed in the middle of an outbox sweep, ten times (issue 21).

The mail sink answers each message 50 ms after it has taken it, as a real server does after
its checks, so most kills land while the server has a message and the worker waits for its
answer: the case that sent one notice twice on 2026-12-02. Each trial kills the whole worker at
a random point of a sweep, starts a new one, and checks that every notice goes within 60
seconds of the restart and that the sink got each exactly once (by Message-ID).
"""

import os
import random
import time
from collections import Counter

import pytest
from celery import Celery

from requests_app.models import Notification
from tests.faults.stack import wait_for
from tests.requests_app import focal

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres]

TRIALS = 10
SUBMISSIONS_PER_TRIAL = 8  # three notices each: the colleague and the office's two


def owe_notices(cast, django_capture_on_commit_callbacks) -> list[int]:
    """Submissions whose e-mail is owed, with nothing published (the trial starts the sweep)."""
    with django_capture_on_commit_callbacks(execute=False):
        requests = [focal.submitted(cast) for _ in range(SUBMISSIONS_PER_TRIAL)]
    return list(
        Notification.objects.filter(event__request__in=requests).values_list("pk", flat=True)
    )


def test_a_worker_killed_mid_sweep_never_sends_a_notice_twice(
    stack, django_capture_on_commit_callbacks
):
    stack.sink.delay = 0.05
    cast = focal.people()
    # Not the current app: the portal's tasks must keep publishing to the portal's broker.
    client = Celery("fault-trial", broker=stack.redis.url, set_as_current=False)
    worker = stack.worker()
    rng = random.Random(int(os.environ.get("FAULT_SEED", "20261202")))
    recovery = []
    try:
        for trial in range(TRIALS):
            notices = Notification.objects.filter(
                pk__in=owe_notices(cast, django_capture_on_commit_callbacks)
            )
            received = len(stack.sink.messages)
            kill_after = rng.randint(2, notices.count() - 3)
            client.send_task("requests_app.tasks.send_pending_notifications")
            wait_for(
                lambda: len(stack.sink.messages) >= received + kill_after,  # noqa: B023
                30,
                f"trial {trial}: the sweep never started; see {worker.log_path}",
                interval=0.005,
            )
            time.sleep(rng.uniform(0, 0.06))  # anywhere in the 50 ms the server takes
            worker.kill()
            assert notices.filter(sent_at=None).exists(), f"trial {trial}: killed too late"

            restarted = time.monotonic()
            worker.start()  # sweeps the outbox as it connects
            wait_for(
                lambda: not notices.filter(sent_at=None).exists(),  # noqa: B023
                60,
                f"trial {trial}: notices unsent 60 s after the restart; see {worker.log_path}",
                interval=0.1,
            )
            recovery.append(time.monotonic() - restarted)
            # A notice is marked sent just before the end of its data reaches the sink.
            owed = set(notices.values_list("message_id", flat=True))
            wait_for(
                lambda: owed <= set(stack.sink.message_ids()),  # noqa: B023
                5,
                f"trial {trial}: marked sent but never received",
            )
            sent = Counter(stack.sink.message_ids())
            assert {message_id: sent[message_id] for message_id in owed} == dict.fromkeys(
                owed, 1
            ), trial
    finally:
        client.close()
    all_sent = Counter(stack.sink.message_ids())
    assert max(all_sent.values()) == 1
    assert len(all_sent) == Notification.objects.count() == TRIALS * SUBMISSIONS_PER_TRIAL * 3
    # Some notices were interrupted and claimed again after the kill.
    assert Notification.objects.filter(attempts__gt=1).exists()
    assert max(recovery) < 60, recovery
