"""Publishing a task when the broker may be down.

Every task the portal publishes stands for work already recorded in the database: e-mail in
the outbox, a report run with its lease. So a publish that fails loses nothing (the periodic
sweep and the lease reaper publish it again) and must not fail the request that asked for it,
nor make it wait: ``publish`` returns ``False`` at once while the broker is known to be down,
and within the publish retry policy's two seconds (``settings.py``) when it first goes down.

In-process (no broker, the embedded default) the task runs at once and its exceptions are the
caller's, as they would be without Celery; a long task named in ``EAGER_TASKS_IN_THREAD`` (the
annual report) runs in a thread of its own instead, so that the page that asked for it answers
at once and can show its progress while it works.

Callers name the task (``"reporting.tasks.generate_annual_report"``) rather than import it: a
tasks module imports the services whose work it does, so a service importing it would close a
cycle. Each app's ``ready()`` imports its tasks module, which registers its tasks under those
names in every process, the web's included.
"""

import logging
import threading
import time

from celery import Task, bootsteps
from django.conf import settings
from django.db import connections

from .celery import app

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
_unreachable_until = 0.0


def task_named(name: str) -> Task:
    """The portal's task registered under ``name`` (``KeyError`` if none is)."""
    return app.tasks[name]


def publish(task: Task | str, *args, countdown: float | None = None, **kwargs) -> bool:
    """Queue ``task(*args, **kwargs)`` (the task, or its name); ``False`` if the broker could
    not take it."""
    global _unreachable_until
    if isinstance(task, str):
        task = task_named(task)
    if task.app.conf.task_always_eager:
        if task.name in getattr(settings, "EAGER_TASKS_IN_THREAD", ()):
            run_in_thread(task, args, kwargs)
        else:
            task.apply_async(args, kwargs, countdown=countdown)
        return True
    if time.monotonic() < _unreachable_until:
        return False
    try:
        task.apply_async(args, kwargs, countdown=countdown)
    except Exception as error:  # any failure of the broker's client: the database has the work
        _unreachable_until = time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning(
            "Could not queue %s (%s: %s); it will be queued again later",
            task.name,
            type(error).__name__,
            error,
        )
        return False
    return True


def forget_outage() -> None:
    """As if the broker had never failed in this process (it is connected again; tests)."""
    global _unreachable_until
    _unreachable_until = 0.0


def run_in_thread(task, args, kwargs) -> threading.Thread:
    """Run ``task`` in-process in a thread of its own, after the caller's commit (``publish``
    is called on commit), with database connections of its own, closed when it ends.

    Not a daemon: a server stopping waits for the work to end rather than leave it half done.
    """

    def work():
        try:
            task.apply(args, kwargs)
        except Exception:  # the thread's end: nobody else would hear of it
            logger.exception("%s failed in its thread", task.name)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, name=f"eager {task.name}")
    thread.start()
    return thread


class SweepOutboxOnConnect(bootsteps.StartStopStep):
    """Each time a worker's consumer (re)connects to the broker, sweep the outbox.

    What was owed while the worker was away (killed, or cut off from Redis) then goes at full
    speed at once, instead of waiting for beat's next periodic sweep. The consumer's steps
    start again after every reconnection, so this runs after a Redis restart too.
    """

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer):
        forget_outage()  # connected again, whatever this process saw before
        publish("requests_app.tasks.send_pending_notifications")
