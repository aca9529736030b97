"""The benchmark's data generator (bench/generate.py) at a tiny scale, on PostgreSQL.

It must follow the models (tables and columns from ``_meta``), produce every state of the
lifecycle, consistent clocks and ids, and leave the portal able to carry on (references,
sequences). The benchmark itself (bench/run.py) is run by hand, not by the suite.
"""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def generated():
    if connection.vendor != "postgresql":
        pytest.skip("the generator loads with COPY: PostgreSQL only")
    from bench.common import SCALES
    from bench.generate import generate

    now = datetime(2026, 6, 15, 12, tzinfo=UTC)
    return generate(SCALES["tiny"], seed=3, now=now, freeze=False, log=lambda *a: None)


def test_every_state_with_consistent_history(generated):
    from requests_app.models import Request, RequestEvent
    from requests_app.workflow import State

    states = set(Request.objects.values_list("state", flat=True).distinct())
    assert states == set(State.values)
    assert Request.objects.count() == 600
    events = RequestEvent.objects.count()
    assert 4 * 600 <= events <= 9 * 600  # "about 6 events each"
    # Foreign keys were not checked during COPY: check them now.
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM requests_app_requestevent e
            LEFT JOIN requests_app_request r ON r.id = e.request_id WHERE r.id IS NULL""")
        assert cursor.fetchone()[0] == 0
    # The last event of each request leads to its state; clocks match the states.
    sample = Request.objects.order_by("-id")[:200]
    for request in sample:
        last = (
            request.events.order_by("-created_at", "-id")
            .exclude(action__in=["comment", "evaluate"])
            .first()
        )
        assert last.to_state == request.state, request.reference
        if request.state != State.DRAFT:
            assert request.submitted_at is not None
        if request.state in (State.SUBMITTED, State.UNDER_REVIEW, State.ROUTED):
            assert request.due_at is not None
        assert re.fullmatch(r"[A-Z]{3}-[0-9]{4}-[0-9]{4,}", request.reference)


def test_portal_carries_on_after_generation(generated):
    from bali_portal.accounts.models import User
    from registry.models import Activity
    from registry.search import search_activities
    from requests_app import selectors, services

    # The reference counters continue the generated numbering: no duplicate reference.
    focal = User.objects.filter(role="focal_point", country_id="KEN").first()
    draft = services.create_draft(actor=focal, values={"title": "After the benchmark"})
    assert draft.pk > 600
    staff = User.objects.filter(role="regional_staff", regional_office_id="ROA").first()
    queue = list(selectors.triage_queue(staff, datetime.now(UTC))[:50])
    assert queue and all(item.regional_office_id == "ROA" for item in queue)
    assert search_activities(Activity.objects.published(), "water").exists()
