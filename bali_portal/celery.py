import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bali_portal.settings")

app = Celery("bali_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
