from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from giamngheo.accounts.scoping import unit_manager
from giamngheo.geo.services import villages_import


class Command(BaseCommand):
    help = gettext_lazy(
        "Import villages and residential groups from a CSV or .xlsx file with the columns "
        "commune_code, village_code, name, division_type[, valid_from]. All or nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user",
            help=gettext_lazy("Import as this user, within their unit (default: no restriction)."),
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        actor = None
        if options["user"]:
            try:
                actor = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist as exc:
                raise CommandError(_("No user %(name)s.") % {"name": options["user"]}) from exc
        report = villages_import(
            actor=actor,
            file=path,
            filename=path.name,
            may_manage=unit_manager(actor) if actor else None,
        )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                ngettext(
                    "Nothing was imported: %(n)d error. Correct the file and run again.",
                    "Nothing was imported: %(n)d errors. Correct the file and run again.",
                    len(report.errors),
                )
                % {"n": len(report.errors)}
            )
        self.stdout.write(
            _("Villages created: %(created)d, already present: %(unchanged)d.")
            % {"created": report.created, "unchanged": report.unchanged}
        )
