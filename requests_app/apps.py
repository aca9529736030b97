from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Requests")

    def ready(self):
        # Registers the app's tasks in every process, the web's included: the services
        # publish them by name (``bali_portal.broker``), and Celery's autodiscovery loads
        # them in workers only.
        from . import tasks  # noqa: F401
