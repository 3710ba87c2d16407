from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "giamngheo.reports"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        # Registers the what-if job kind with the worker.
        from giamngheo.reports import services  # noqa: F401
