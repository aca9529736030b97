"""Settings of the Celery worker that ``test_worker.py`` kills in the middle of a run.

The portal's own settings, with two changes a test needs:

- the broker hands an unacknowledged message to another worker after 6 seconds instead of an
  hour (``visibility_timeout``), and looks for such messages every second, so the killed
  worker's run is redelivered while the test waits rather than an hour later;
- ``REPORTING_STEP_DELAY_SECONDS`` (from the environment, 0 unless the test sets it) pauses after
  each step of a run, so the test can kill the worker at a known point of real work.
"""

import os

from bali_portal.settings import *  # noqa: F403
from bali_portal.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 6,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
REPORTING_STEP_DELAY_SECONDS = float(os.environ.get("REPORTING_STEP_DELAY_SECONDS", "0"))
