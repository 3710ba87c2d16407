from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "giamngheo.api"
    verbose_name = _("API and field collection")

    def ready(self) -> None:
        from giamngheo.api import signals  # noqa: F401
