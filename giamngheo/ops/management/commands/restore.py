from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from giamngheo.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database and private folder. Stop the web server and "
        "the worker first. --force replaces everything already there."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Archive written by `giamngheo backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Drop every table and private file already present, then restore.",
        )

    def handle(self, *args, **options) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        try:
            summary = backup_restore(source=Path(options["file"]), force=options["force"])
        except BackupError as error:
            raise CommandError(str(error), returncode=error.exit_code) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Restored the backup of %(created_at)s: database and %(files)d private files.")
                % {"created_at": summary.created_at, "files": summary.files}
            )
        )
        if summary.pending_migrations:
            self.stdout.write(
                _("The backup predates %(count)d migrations: run `giamngheo migrate` now.")
                % {"count": summary.pending_migrations}
            )
