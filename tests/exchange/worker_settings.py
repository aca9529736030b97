"""Settings of the Celery workers of ``test_worker.py``: the portal's own, with e-mail written
to files (``EXCHANGE_MAIL_DIR``) so that the test counts what was really sent."""

import os

from bali_portal.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EXCHANGE_MAIL_DIR"]
