from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with a production-grade WSGI server (waitress), static files included."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **options) -> None:
        from waitress import serve

        from giamngheo.wsgi import application

        call_command("collectstatic", interactive=False, verbosity=0)
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Serving GiảmNghèo on {url} (Ctrl+C to stop)"))
        if settings.DEBUG:
            self.stdout.write("DEBUG=1: for production set DEBUG=0, SECRET_KEY and ALLOWED_HOSTS.")
        serve(application, host=options["host"], port=options["port"], threads=options["threads"])
