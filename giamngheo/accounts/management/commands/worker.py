from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background job worker (imports, large reports) on the database queue."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, **options) -> None:
        extra = ["--batch"] if options["batch"] else []
        call_command("db_worker", *extra)
