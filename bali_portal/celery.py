import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bali_portal.settings")

logger = logging.getLogger(__name__)

app = Celery("bali_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# By name: the step publishes through ``bali_portal.broker``, which publishes through this app.
app.steps["consumer"].add("bali_portal.broker:SweepOutboxOnConnect")
