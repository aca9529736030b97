"""Guessing a password is bounded per account, and per address across every process
(issue 22, point 2): django-axes counts an account's failures whatever the case typed, on the
login page and the API's token endpoint alike; the token endpoint's rate is counted in a cache
that every process shares (Redis, or a table of the database without it)."""

import os
import subprocess
import sys
import textwrap

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from tests import factories
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

ADDRESS = "locktest@kenya.example.org"
SPELLINGS = [
    "LockTest@Kenya.example.org",
    "locktest@kenya.example.org",
    " LOCKTEST@KENYA.EXAMPLE.ORG ",
]


def _on_page(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _for_token(client, username, password):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password})


@pytest.mark.parametrize(
    "tries",
    [(_on_page,) * 3, (_for_token,) * 3, (_on_page, _for_token, _on_page)],
    ids=["login page", "token endpoint", "both"],
)
def test_failures_count_against_the_account_whatever_its_spelling(client, settings, tries):
    settings.AXES_FAILURE_LIMIT = 3
    factories.focal_point("KEN", email=ADDRESS)
    answers = [
        attempt(client, spelling, "a guess")
        for attempt, spelling in zip(tries, SPELLINGS, strict=True)
    ]
    # Refused, then locked at the third failure.
    assert [answer.status_code for answer in answers[:2]] == [
        200 if attempt is _on_page else 400 for attempt in tries[:2]
    ]
    assert answers[2].status_code == 429
    if tries[2] is _for_token:  # in the API's one error shape
        assert set(answers[2].json()) == {"detail", "code", "errors"}
        assert answers[2].json()["code"] == "locked_out"
    # One counter for the account: the right password, in any spelling, is now refused too.
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        (ADDRESS, 3)
    ]
    for attempt in (_on_page, _for_token):
        assert (
            attempt(client, "LOCKTEST@kenya.example.org", factories.DEFAULT_PASSWORD).status_code
            == 429
        )


def test_a_success_in_another_spelling_resets_the_account(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    factories.focal_point("KEN", email=ADDRESS)
    for spelling in SPELLINGS[:2]:
        _on_page(client, spelling, "a guess")
    assert _on_page(client, SPELLINGS[2], factories.DEFAULT_PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(failures_since_start__gt=0).exists()


# --- The token endpoint's rate, shared between processes ---------------------------------------

COUNT_ATTEMPTS = textwrap.dedent(
    """
    import sys

    import django

    django.setup()
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from bali_portal.accounts.api import LoginRateThrottle

    attempts, address = int(sys.argv[1]), sys.argv[2]
    allowed = 0
    for _ in range(attempts):
        request = Request(APIRequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR=address))
        allowed += LoginRateThrottle().allow_request(request, None)
    print(allowed)
    """
)


def _deployments(tmp_path) -> dict[str, dict]:
    """The shared cache of each deployment this run can start: the database's table (a SQLite
    file; and the suite's PostgreSQL database on its run), and Redis when there is one."""
    base = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    base["DJANGO_SETTINGS_MODULE"] = "bali_portal.settings"
    deployments = {
        "database (SQLite)": {**base, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    }
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        deployments["database (PostgreSQL)"] = {
            **base,
            "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}",
        }
    if settings.REDIS_URL:
        deployments["Redis"] = {
            **base,
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "REDIS_URL": settings.REDIS_URL,
        }
    return deployments


def _run(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("number", range(3))
def test_two_processes_share_the_token_endpoints_counter(tmp_path, number):
    """20 a minute from one address, however many processes answer: one process allows 15,
    the next (another worker) only the 5 left."""
    deployments = list(_deployments(tmp_path).items())
    if number >= len(deployments):
        pytest.skip("this run has no such deployment (Redis: set REDIS_URL)")
    name, env = deployments[number]
    if env["DATABASE_URL"].startswith("sqlite"):
        _run(env, "manage.py", "createcachetable")
    address = f"192.0.2.{number + 1}"
    script = tmp_path / "count_attempts.py"
    script.write_text(COUNT_ATTEMPTS)
    try:
        first = _run(env, str(script), "15", address)
        second = _run(env, str(script), "15", address)
    finally:
        if name == "Redis":
            caches["shared"].delete(f"throttle_login_{address}")
    assert (first, second) == ("15", "5"), name
