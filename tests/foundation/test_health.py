import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_database_and_broker_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_readyz_is_503_when_the_broker_is_unreachable(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["broker"] != "ok"


def without_a_database(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a portal process whose database is a closed port."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/nothing"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_readyz_is_503_when_the_database_is_unreachable():
    # A real, separate process whose database is a closed port: nothing is mocked.
    code = (
        "from django.test.utils import setup_test_environment; setup_test_environment(); "
        "from django.test import Client; r = Client().get('/readyz'); "
        "print(r.status_code, r.json()['checks']['database'])"
    )
    result = without_a_database(code)
    status, detail = result.stdout.strip().splitlines()[-1].split()
    assert status == "503"
    assert detail == "OperationalError"


def test_pages_and_api_answer_503_with_retry_after_when_the_database_is_unreachable():
    # A real, separate process whose database is a closed port (the full stack's version,
    # through gunicorn, is tests/faults/test_database_faults.py).
    code = (
        "from django.test.utils import setup_test_environment; setup_test_environment(); "
        "from django.test import Client; c = Client(raise_request_exception=False); "
        "import json; answers = [c.get(p) for p in ('/registry/', '/api/v1/activities/')]; "
        "print(json.dumps([[a.status_code, a.get('Retry-After'), a['Content-Type'], "
        "a.content.decode()] for a in answers]))"
    )
    result = without_a_database(code)
    page, api = json.loads(result.stdout.strip().splitlines()[-1])
    assert page[:3] == [503, "30", "text/html; charset=utf-8"]
    assert "temporarily unavailable" in page[3]
    assert api[:3] == [503, "30", "application/json"]
    assert json.loads(api[3]) == {
        "detail": "The service is temporarily unavailable; try again shortly.",
        "code": "unavailable",
        "errors": {},
    }
