from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "giamngheo.households"
    verbose_name = _("Household registry")

    def ready(self) -> None:
        # Registers the "import_households" job kind for the worker.
        from giamngheo.households import imports  # noqa: F401
        from giamngheo.households.signals import connect

        connect()
