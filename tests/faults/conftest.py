"""Fixtures of the fault trials: the real stack on the test database, its own Redis and mail.

The trials need PostgreSQL (processes other than the test's share its database) and run in
CI's PostgreSQL + Redis run; on the embedded default they are skipped, as every test marked
``celery_worker`` is.
"""

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.faults.stack import Gunicorn, SmtpSink, Worker, portal_env


@pytest.fixture
def database_url(transactional_db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the fault trials need PostgreSQL (other processes share the database)")
    db = connection.settings_dict
    return (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def mail_sink():
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture
def stack(database_url, redis_server, mail_sink, tmp_path, settings):
    """``stack.worker(...)``, ``stack.web(...)``: processes on the test database, the test's
    Redis and mail sink, stopped at the end of the test."""
    settings.MEDIA_ROOT = tmp_path / "media"

    class Stack:
        redis = redis_server
        sink = mail_sink
        media_root = settings.MEDIA_ROOT
        processes = []

        def env(self, database=None, **extra):
            return portal_env(
                database or database_url,
                redis_server.url,
                **{
                    "EMAIL_HOST": "127.0.0.1",
                    "EMAIL_PORT": mail_sink.port,
                    "MEDIA_ROOT": settings.MEDIA_ROOT,
                    **extra,
                },
            )

        def worker(self, beat=False, name="worker", **extra):
            worker = Worker(self.env(**extra), tmp_path / f"{name}.log", beat=beat)
            self.processes.append(worker)
            return worker.start()

        def web(self, database=None, name="web", **extra):
            web = Gunicorn(self.env(database, **extra), tmp_path / f"{name}.log")
            self.processes.append(web)
            return web.start()

    yield Stack()
    for process in reversed(Stack.processes):
        process.kill()  # nothing they hold matters once the test is over


def token_for(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key
