from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from giamngheo.ops.backup import (
    BackupError,
    backup_create,
    expand_date,
    left_out_tables,
    vendor_label,
)


class Command(BaseCommand):
    help = (
        "Write the database and the private files (uploads, stored documents, job outputs) to "
        "one archive. FILE may contain date codes: /var/backups/giamngheo/%Y%m%d.tar.gz."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Archive to write: .tar, or .tar.gz / .tgz to compress.")
        parser.add_argument("--force", action="store_true", help="Replace FILE if it exists.")

    def handle(self, *args, **options) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        try:
            summary = backup_create(
                destination=expand_date(options["file"]), replace=options["force"]
            )
        except BackupError as error:
            raise CommandError(str(error), returncode=error.exit_code) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written to %(path)s: %(vendor)s database and %(files)d private files.")
                % {
                    "path": summary.path,
                    "vendor": vendor_label(summary.vendor),
                    "files": summary.files,
                }
            )
        )
        self.stdout.write(
            _("Rows left out (rebuilt on their own): %(tables)s.")
            % {"tables": ", ".join(left_out_tables())}
        )
