import logging
import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bali_portal.settings")

logger = logging.getLogger(__name__)

app = Celery("bali_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class SweepOutboxOnConnect(bootsteps.StartStopStep):
    """Each time a worker's consumer (re)connects to the broker, sweep the outbox.

    What was owed while the worker was away (killed, or cut off from Redis) then goes at full
    speed at once, instead of waiting for beat's next periodic sweep. The consumer's steps
    start again after every reconnection, so this runs after a Redis restart too.
    """

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer):
        from requests_app.tasks import send_pending_notifications

        from . import broker

        broker.forget_outage()  # connected again, whatever this process saw before
        broker.publish(send_pending_notifications)


app.steps["consumer"].add(SweepOutboxOnConnect)
