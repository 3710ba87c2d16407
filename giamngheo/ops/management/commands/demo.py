from django.core.management.base import BaseCommand
from django.utils import translation

from giamngheo.demo.province import run


class Command(BaseCommand):
    help = "Load the demo province (Hải Phòng with the former Hải Dương) and print demo logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument(
            "--households", type=int, default=100_000, help="Synthetic households to generate."
        )

    def handle(self, *args, **options) -> None:
        translation.activate("vi")
        logins, lookups = run(
            stdout=self.stdout, seed=options["seed"], households=options["households"]
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (new passwords on every run):"))
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(
                f"  {login.username:<{width}}  {login.password}  {login.role} — {login.unit}"
            )
        if lookups:
            self.stdout.write("")
            self.stdout.write(
                self.style.SUCCESS("Citizen lookup at /portal/tra-cuu/ (new codes on every run):")
            )
            for item in lookups:
                self.stdout.write(
                    f"  {item.citizen_id}  {item.date_of_birth:%d/%m/%Y}  {item.code}  "
                    f"{item.head_name} — {item.poverty_class}"
                )
