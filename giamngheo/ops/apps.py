from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Project-wide commands (serve, worker, demo, backup, restore): they belong to no one domain."""

    name = "giamngheo.ops"
    label = "ops"
    verbose_name = _("Operations")
