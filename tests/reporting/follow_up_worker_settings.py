"""Settings of the worker and beat of ``test_follow_ups.py``: the portal's, with beat asking for
the follow-up invitations every second and e-mail written to files the test reads."""

import os

from bali_portal.settings import *  # noqa: F403
from bali_portal.settings import CELERY_BEAT_SCHEDULE

CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "follow-up-invitations": {"task": "reporting.tasks.invite_follow_ups", "schedule": 1.0},
}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["FOLLOW_UP_MAIL_DIR"]
