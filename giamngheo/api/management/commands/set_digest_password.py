"""Set a user's password and the Digest secret ODK Collect needs, in one step."""

import getpass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from giamngheo.accounts.services import password_set


class Command(BaseCommand):
    help = "Set a user's password; the HTTP Digest secret for ODK Collect is stored with it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="Read from the terminal when not given.")

    def handle(self, *args, username: str, password: str | None, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            # Saving the password stores the Digest secret with it (api.signals).
            password_set(actor=None, user=user, password=password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Password and Digest secret set for {username}.")
