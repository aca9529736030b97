"""Database connections killed, and a database that cannot be reached (issue 21).

gunicorn reaches PostgreSQL through a TCP proxy of the test's, under an application name of its
own: ``pg_terminate_backend`` on that name kills its connections (and only its), closing the
proxy makes the database unreachable. Killed connections kept between requests are replaced
before use (``CONN_HEALTH_CHECKS``); a connection killed during a request answers 503, never
500; an unreachable database answers 503 with ``Retry-After``, and the portal serves again as
soon as it is back.
"""

import threading
import time
from collections import Counter

import pytest
from django.db import connection

from requests_app.models import Request
from tests.faults.conftest import token_for
from tests.faults.stack import TcpProxy, http, wait_for
from tests.faults.test_redis_outage import FILING
from tests.requests_app import focal

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres]

APPLICATION = "bali-fault-trial-web"


def portal_connections() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APPLICATION]
        )
        return [row[0] for row in cursor.fetchall()]


def kill_portal_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s",
            [APPLICATION],
        )
        return cursor.fetchone()[0]


def kill_and_pause():
    kill_portal_connections()
    time.sleep(0.3)


def repeat_until(deadline: float, action) -> list:
    results = []
    while time.monotonic() < deadline:
        results.append(action())
    return results


def in_parallel(work, clients: int) -> list:
    results, lock = [], threading.Lock()

    def run():
        for result in work():
            with lock:
                results.append(result)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_killed_connections_give_no_500_and_an_unreachable_database_gives_503(stack):
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)).open()
    web = stack.web(
        database=f"postgres://{db['USER'] or 'postgres'}@127.0.0.1:{proxy.port}/{db['NAME']}"
        f"?application_name={APPLICATION}"
    )
    cast = focal.people()
    token = token_for(cast.owner)
    mine = f"{web.url}/api/v1/requests/"

    def file(label):
        answer = http(mine, method="POST", token=token, json_body={**FILING, "title": label})
        return answer.status, answer.json().get("reference") if answer.status == 201 else None

    try:
        # 1. Connections killed while idle, between requests: each worker's next request
        # finds its connection dead and takes a new one (without health checks: one 500 each).
        in_parallel(lambda: [http(mine, token=token).status for _ in range(6)], clients=4)
        wait_for(lambda: len(portal_connections()) == 2, 10, "both workers keep a connection")
        assert kill_portal_connections() == 2
        assert http(f"{web.url}/readyz").status == 200  # no false "not ready"
        after_kill = [file(f"After the kill {n}")[0] for n in range(6)]
        after_kill += [http(mine, token=token).status for _ in range(6)]
        assert set(after_kill) == {200, 201}, after_kill

        # 2. Connections killed every 0.3 s under load: a request whose connection dies under
        # it answers 503 (try again); none answers 500.
        stop = time.monotonic() + 5
        killer = threading.Thread(target=repeat_until, args=(stop, kill_and_pause))
        killer.start()
        under_load = in_parallel(
            lambda: repeat_until(stop, lambda: file(f"Under load {time.monotonic()}")), clients=3
        )
        killer.join()
        statuses = Counter(status for status, _ in under_load)
        assert set(statuses) <= {201, 503}, statuses
        assert statuses[201] >= 10, statuses
        created = [reference for status, reference in under_load if status == 201]
        stored = Request.objects.filter(reference__in=created)
        assert stored.count() == len(created)
        assert all(request.events.count() == 2 for request in stored)

        # 3. The database unreachable: 503 with Retry-After, a page or the API's shape.
        proxy.close()
        started = time.monotonic()
        page = http(f"{web.url}/registry/")
        api = http(f"{web.url}/api/v1/activities/")
        filing = http(mine, method="POST", token=token, json_body={**FILING, "title": "Lost"})
        assert time.monotonic() - started < 15
        assert page.status == 503 and page.headers["Retry-After"] == "30"
        assert page.headers["Content-Type"].startswith("text/html")
        assert b"temporarily unavailable" in page.body
        for answer in (api, filing):
            assert answer.status == 503 and answer.headers["Retry-After"] == "30"
            body = answer.json()
            assert body["code"] == "unavailable" and body["errors"] == {} and body["detail"]
        assert http(f"{web.url}/readyz").status == 503

        # ... and serves again as soon as it is back.
        proxy.open()
        assert http(f"{web.url}/api/v1/activities/").status == 200
        assert file("Back again")[0] == 201
    finally:
        proxy.close()
