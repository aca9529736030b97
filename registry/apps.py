from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from . import reference  # not at the top: apps.py is loaded before the models are

        reference.connect_signals()
