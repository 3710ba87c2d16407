from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from giamngheo.validators import refuse_dates_out_of_range


class GeoConfig(AppConfig):
    name = "giamngheo.geo"
    verbose_name = _("Administrative units")

    def ready(self) -> None:
        # Every app's rows, whoever saves them (services, imports, the admin): geo is the app
        # all others build on, so the date rule is connected once, here.
        pre_save.connect(refuse_dates_out_of_range, dispatch_uid="giamngheo-dates-in-range")
        from giamngheo.geo import version
        from giamngheo.geo.models import AdminUnit, Succession

        # A unit's own save tells the version itself (after its path is written); deletions and
        # successions through these signals; bulk writers call `units_changed` themselves.
        changed = version.units_changed_signal
        post_save.connect(changed, sender=Succession, dispatch_uid="giamngheo-units-s-saved")
        post_delete.connect(changed, sender=Succession, dispatch_uid="giamngheo-units-s-deleted")
        post_delete.connect(changed, sender=AdminUnit, dispatch_uid="giamngheo-units-u-deleted")
