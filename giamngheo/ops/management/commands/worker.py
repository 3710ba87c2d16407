import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.crypto import get_random_string

from giamngheo.jobs import services
from giamngheo.jobs.outputs import job_outputs_expire


class Command(BaseCommand):
    help = (
        "Run the background job worker (imports, large reports) on the database queue; "
        "it reports itself alive, and marks jobs of workers that died as abandoned."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, **options) -> None:
        worker_id = get_random_string(32)
        services.worker_register(worker_id=worker_id)
        services.jobs_abandon_orphaned(worker_id=worker_id)
        job_outputs_expire()
        stop = threading.Event()
        beating = threading.Thread(target=self._beat, args=(worker_id, stop), daemon=True)
        beating.start()
        extra = ["--batch"] if options["batch"] else []
        try:
            call_command("db_worker", *extra, "--worker-id", worker_id, "--no-reload")
        finally:
            stop.set()
            beating.join(timeout=5)
            services.worker_unregister(worker_id=worker_id)

    def _beat(self, worker_id: str, stop: threading.Event) -> None:
        while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
            try:
                services.worker_beat(worker_id=worker_id)
            except Exception as exc:  # a locked database must not stop the worker
                self.stderr.write(f"Heartbeat not written: {exc}")
            finally:
                connection.close()
