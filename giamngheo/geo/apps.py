from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _

from giamngheo.validators import refuse_dates_out_of_range


class GeoConfig(AppConfig):
    name = "giamngheo.geo"
    verbose_name = _("Administrative units")

    def ready(self) -> None:
        # Every app's rows, whoever saves them (services, imports, the admin): geo is the app
        # all others build on, so the date rule is connected once, here.
        pre_save.connect(refuse_dates_out_of_range, dispatch_uid="giamngheo-dates-in-range")
