from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from giamngheo.geo.services import UnitsLoadError, units_load


class Command(BaseCommand):
    help = _(
        "Load or refresh today's provinces and communes, the former provinces, districts and "
        "communes, and the 2025 successions. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help=_("Only this province of today (2-digit code, e.g. 31); may be repeated."),
        )

    def handle(self, *args, **options) -> None:
        try:
            report = units_load(province_codes=options["provinces"])
        except UnitsLoadError as exc:
            raise CommandError(str(exc)) from exc
        report.write(self.stdout, verbose=options["verbosity"] > 1)
