from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "giamngheo.accounts"
    verbose_name = _("Users and organisations")

    def ready(self) -> None:
        from django.contrib import admin
        from django.core import checks

        from giamngheo.accounts.forms import AdminLoginForm
        from giamngheo.storage import files_left_in_old_media_folder

        checks.register(files_left_in_old_media_folder, checks.Tags.files)

        # The admin's login counts against the same throttle as every other login.
        admin.site.login_form = AdminLoginForm
