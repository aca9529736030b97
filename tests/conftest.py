"""Suite-wide fixtures: the standard people, API clients and a real Chromium."""

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # With REDIS_URL set the cache is shared Redis: throttling counters must not leak between
    # tests or runs.
    from django.core.cache import cache

    from requests_app import notifications

    cache.clear()
    # What a process knows of the sweeps it scheduled goes with the cache it checked.
    notifications.forget_own_sweep()


def run_tasks_eagerly(eager: bool) -> None:
    """Have the portal's tasks run in-process (``True``) or go to the broker (``False``).

    Celery 5.6 looks a setting up under its Django name (``CELERY_TASK_ALWAYS_EAGER``) before
    its own, so a change must be made under both.
    """
    from bali_portal.celery import app

    app.conf.update(task_always_eager=eager, CELERY_TASK_ALWAYS_EAGER=eager)


@pytest.fixture(autouse=True)
def _fresh_shared_cache(request):
    """Without Redis the shared cache (the login throttle's counters) is a table: emptied for
    each test that uses the database, once the test's database is there."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    shared = caches["shared"]
    if not isinstance(shared, DatabaseCache) or not _uses_database(request):
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    shared.clear()


@pytest.fixture(autouse=True)
def celery_mode(request, settings):
    """Tasks run in-process unless a test is marked ``celery_worker`` (then: real broker)."""
    from bali_portal import broker
    from bali_portal.celery import app

    original = app.conf.task_always_eager
    broker.forget_outage()
    # In-process tasks run in the test's own thread (its transaction), unless a test asks for
    # the embedded default's report thread (tests/reporting/test_progress.py).
    settings.EAGER_TASKS_IN_THREAD = []
    if request.node.get_closest_marker("celery_worker"):
        if not settings.REDIS_URL:
            pytest.skip("needs a real broker: set REDIS_URL (CI's PostgreSQL run does)")
        run_tasks_eagerly(False)
    else:
        run_tasks_eagerly(True)
    yield
    run_tasks_eagerly(original)


class WorkerProcess:
    """A real ``celery worker`` in its own process, on the test database and the real broker."""

    def __init__(self, env, log_path):
        self.env = env
        self.log_path = log_path
        self.process = None

    def start(self):
        from bali_portal.celery import app

        name = f"test-{uuid.uuid4().hex[:8]}@%h"
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        from tests.faults.stack import worker_command

        self.process = subprocess.Popen(
            worker_command(name),
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(timeout=0.5):
                return self
            if self.process.poll() is not None:
                break
        raise RuntimeError(f"The Celery worker did not start; see {self.log_path}")

    def kill(self):
        """Kill the worker and its children at once (as a crash would)."""
        import signal

        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        if self.process:
            self.log.close()


@pytest.fixture
def celery_worker_process(request, transactional_db, settings, tmp_path):
    """Start a real worker for a test marked ``celery_worker``; data must be committed."""
    from django.db import connection

    from bali_portal.celery import app

    if not request.node.get_closest_marker("celery_worker"):
        pytest.fail("mark the test with @pytest.mark.celery_worker")
    if connection.vendor != "postgresql":
        pytest.skip("a worker in another process needs a database server (PostgreSQL)")
    db = connection.settings_dict
    env = {
        **os.environ,
        "REDIS_URL": settings.REDIS_URL,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    app.control.purge()
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    yield worker
    worker.stop()


@pytest.fixture
def redis_server():
    """A ``redis-server`` of the test's own on a free port, which the test may stop and start
    (never the shared one)."""
    from tests.faults.stack import RedisServer

    server = RedisServer().start()
    yield server
    server.kill()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker and marker.kwargs.get("transaction"))
    )


def _uses_database(request) -> bool:
    return bool(
        request.node.get_closest_marker("django_db")
        or {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """Transactional tests empty every table afterwards, the migrations' reference data too;
    put it back so that every test starts with the countries, offices and codes of the plan."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from registry.models import Country
    from registry.reference_data import load_reference_data

    if not Country.objects.exists():
        load_reference_data()


@pytest.fixture(scope="session", autouse=True)
def _media_outside_the_worktree(tmp_path_factory):
    """Uploaded letters and documents and generated files go to a temporary folder, never into
    the worktree's media/ (a test may still point MEDIA_ROOT elsewhere)."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is slow by design; the tests are about who may log in, not about PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a Django test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_for():
    """``api_for(user)``: a DRF client authenticated as that user."""

    def authenticate(user):
        api = APIClient()
        api.force_authenticate(user)
        return api

    return authenticate


# --- Browser tests ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing at /usr/bin/chromium; .ci/run installs it.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls
    # happen in other threads, and test set-up calls are synchronous by design.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started with a ``MEDIA_URL`` Django's server can parse.

    The portal's ``MEDIA_URL`` is None (uploads are served only by views that check access);
    the live server wraps a media handler that needs a string. One on another host serves
    nothing, so attachments stay reachable only through the portal's views here too.
    """
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(MEDIA_URL="http://media.invalid/"):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login_page(page):
    """``login_page(user)``: the browser page, logged in through the real login form."""

    def login(user, password=factories.DEFAULT_PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return login


@pytest.fixture
def csp_refusals(page) -> list[str]:
    """What the page's Content-Security-Policy refused (an inline script or style, another
    host), as the browser's console says it: a test ends asserting the list is empty."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return refused


@pytest.fixture
def in_their_own_thread(settings):
    """``in_their_own_thread(*task_names)``: the embedded default's way of running long tasks
    (no broker: each in a thread beside the request that asked for it), on PostgreSQL. The
    SQLite run's test database is in memory with a shared cache, whose table locks are refused
    at once (SQLITE_LOCKED: no busy wait), so a thread writing while a page reads fails there
    by chance; the embedded default's database is a file, whose locks are waited for."""
    from django.db import connection

    from bali_portal.celery import app

    eager = app.conf.task_always_eager

    def run(*task_names):
        if connection.vendor == "sqlite":
            pytest.skip("two threads on the in-memory test database: see in_their_own_thread")
        app.conf.task_always_eager = True
        settings.EAGER_TASKS_IN_THREAD = list(task_names)

    yield run
    app.conf.task_always_eager = eager
