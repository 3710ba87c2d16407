"""`giamngheo expire_job_outputs [--days N]`: delete job outputs older than N days (30)."""

from django.core.management.base import BaseCommand, CommandError

from giamngheo.jobs.outputs import OUTPUT_DAYS, job_outputs_expire


class Command(BaseCommand):
    help = "Delete the files of jobs that ended more than --days days ago (default 30)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=OUTPUT_DAYS)

    def handle(self, *args, days: int, **options) -> None:
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        removed = job_outputs_expire(older_than_days=days)
        self.stdout.write(f"{removed} job output(s) removed.")
