from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from giamngheo.errors import DomainError
from giamngheo.reports.facts_export import facts_export


class Command(BaseCommand):
    help = (
        "Write the registry's classifier facts as Parquet, one partition per province, with "
        "pseudonymous household ids and the approved figures per commune, for `giamngheo "
        "simulate`. Every export is logged under the user named."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", required=True, help="Directory to write.")
        parser.add_argument("--province", help="Only the province with this code.")
        parser.add_argument(
            "--user", required=True, help="Username of the officer the export is made for."
        )
        parser.add_argument("--purpose", default="", help="Why the facts leave the system.")

    def handle(self, *args, **options) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(
                _("No active user is named %(name)s; give the username of the officer.")
                % {"name": options["user"]}
            )
        try:
            log = facts_export(
                actor=user,
                output=options["output"],
                province=options["province"],
                purpose=options["purpose"],
            )
        except (DomainError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Exported %(households)d households and %(members)d members of %(provinces)s "
                    "to %(path)s (logged as export #%(id)d)."
                )
                % {
                    "households": log.households,
                    "members": log.members,
                    "provinces": ", ".join(log.provinces),
                    "path": log.destination,
                    "id": log.pk,
                }
            )
        )
