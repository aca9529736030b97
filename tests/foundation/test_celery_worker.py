"""A real worker on Redis takes the portal's tasks (the CI PostgreSQL run)."""

import time
from datetime import date

import pytest

from registry.models import SupportType, ThematicArea
from requests_app import services
from requests_app.models import Notification
from tests import factories


@pytest.mark.celery_worker
def test_a_submission_is_notified_by_a_real_worker(celery_worker_process):
    author = factories.focal_point("KEN")
    colleague = factories.focal_point("KEN")
    request = services.create_draft(
        actor=author,
        values={
            "title": "Early warning for floods",
            "description": "Need",
            "national_priorities": "NAP",
            "desired_start": date(2027, 1, 1),
            "duration_months": 6,
            "thematic_areas": ThematicArea.objects.filter(code="T14"),
            "support_types": SupportType.objects.filter(code="training"),
        },
    )
    services.perform_action(request=request, actor=author, action="submit")
    notice = Notification.objects.get(recipient=colleague)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        notice.refresh_from_db()
        if notice.sent_at:
            break
        time.sleep(0.2)
    assert notice.sent_at is not None, "the worker never sent the notification"
    assert notice.attempts == 1
