from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "giamngheo.reviews"
    verbose_name = _("Poverty reviews")

    def ready(self) -> None:
        # Registers the background import job with the worker.
        from giamngheo.reviews import imports  # noqa: F401
