"""Settings of the processes a fault trial starts: the portal's own, in production mode, with
what only a test needs.

- Static files are not collected (collecting and compressing them takes minutes): pages link
  to them by their plain names instead of the manifest's hashed ones.
- A report run's lease, and beat's look at expired leases, are shorter (from the
  environment), so a trial waits seconds instead of the production minute and a half.
- ``REPORTING_STEP_DELAY_SECONDS`` pauses after each step of a run, so a trial can kill a
  worker at a known point of real work.
"""

import os

from bali_portal.settings import *  # noqa: F403
from bali_portal.settings import CELERY_BEAT_SCHEDULE, STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REPORTING_LEASE_SECONDS = float(os.environ.get("REPORTING_LEASE_SECONDS", "60"))
REPORTING_STEP_DELAY_SECONDS = float(os.environ.get("REPORTING_STEP_DELAY_SECONDS", "0"))
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "report-run-leases": {
        **CELERY_BEAT_SCHEDULE["report-run-leases"],
        "schedule": float(os.environ.get("REPORTING_LEASE_CHECK_SECONDS", "30")),
    },
}
# The test process makes its people with the fast hasher (tests/conftest.py); these processes
# must be able to check their passwords.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
