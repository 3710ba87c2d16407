"""`giamngheo remind`: the daily reminders (deadlines, overdue steps and inspections, ended jobs).

Safe to run as often as wanted: each reminder is written once per person (its key is unique).
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from giamngheo.notifications.models import Kind
from giamngheo.notifications.reminders import reminders_run


class Command(BaseCommand):
    help = "Send today's reminders once (in the site and by e-mail) and print how many per kind."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="Run as on this day (YYYY-MM-DD); default today.")

    def handle(self, *args, date: str | None = None, **options) -> None:
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date {date!r}: use YYYY-MM-DD.") from None
        counts = reminders_run(today=today)
        for kind, label in Kind.choices:
            if counts.notifications.get(kind):
                self.stdout.write(
                    f"{label}: {counts.subjects.get(kind, 0)} reminded, "
                    f"{counts.notifications[kind]} notification(s)"
                )
        total = sum(counts.notifications.values())
        self.stdout.write(f"{total} notification(s) written, {counts.emails} e-mail(s) sent.")
