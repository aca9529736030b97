"""Fixtures of the reporting tests: Celery workers with the settings a test needs."""

import pytest


@pytest.fixture
def slow_worker(transactional_db, settings, tmp_path, monkeypatch, request):
    """A real worker (``celery_worker_process``) that pauses after each step of a run, and whose
    broker redelivers an unacknowledged message after six seconds (``worker_settings.py``), so
    that a test can watch a run's progress or kill the worker at a known point of real work.

    The worker writes its files where this test reads them (``MEDIA_ROOT``).
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.reporting.worker_settings")
    monkeypatch.setenv("REPORTING_STEP_DELAY_SECONDS", "0.5")
    return request.getfixturevalue("celery_worker_process")
