from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        post_migrate.connect(compute_public_figures_once, sender=self)
        # Registers the app's tasks in every process, the web's included: the services
        # publish them by name (``bali_portal.broker``), and Celery's autodiscovery loads
        # them in workers only.
        from . import tasks  # noqa: F401


def compute_public_figures_once(sender, using="default", plan=None, apps=None, **kwargs):
    """After ``migrate``, the public figures exist: the first reader of a new deployment finds
    them stored. Only when they never were (at a million requests this takes seconds), and
    not after ``flush`` (no plan: tests emptying the database)."""
    if plan is None or using != "default":
        return
    try:
        apps.get_model("reporting", "PublicFigures")
    except LookupError:  # migrated only part of the way: the table is not there yet
        return
    from . import statistics  # not at the top: apps.py is loaded before the models are

    if statistics.stored_figures() is None:
        statistics.refresh_figures()
