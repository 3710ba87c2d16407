"""`giamngheo import_households FILE [--members FILE] --user USERNAME`: the web import, from a shell."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.households.imports import (
    ImportInvalid,
    UnreadableFile,
    read_upload,
    registry_import,
    source_name,
)


class Command(BaseCommand):
    help = "Import households (.xlsx, or .csv with --members) as USERNAME, within that user's unit."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--members", type=Path, help="members .csv (with a households .csv)")
        parser.add_argument("--user", required=True, help="the officer the import is made as")
        parser.add_argument("--reason", default="", help="kept in the audit history")
        parser.add_argument(
            "--exclusive",
            action="store_true",
            help="first load of a large registry: faster, but locks units and users until done",
        )

    def handle(
        self,
        *args,
        file: Path,
        members: Path | None,
        user: str,
        reason: str,
        exclusive: bool = False,
        **options,
    ) -> None:
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(_("No active user %(name)s.") % {"name": user})
        for path in (file, members):
            if path is not None and not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            tables = read_upload(file.name, file, members, members.name if members else "")
            result = registry_import(
                actor=actor,
                tables=tables,
                reason=reason,
                exclusive=exclusive,
                source=source_name(file.name, members.name if members else ""),
            )
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from None
        except ImportInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from None
        self.stdout.write(result.summary())
