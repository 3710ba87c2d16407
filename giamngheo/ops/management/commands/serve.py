"""`giamngheo serve`: gunicorn web workers, plus one supervised job worker unless --no-worker."""

import contextlib
import ctypes
import signal
import subprocess
import sys
import time
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# A worker that keeps dying right after start is restarted less and less often, not in a loop.
RESTART_DELAYS = (1, 2, 5, 10, 30)
STOP_TIMEOUT = 30


def _die_with_parent() -> None:
    """Children get SIGTERM if `serve` itself is killed, so no process is left behind (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn (HTTP/1.1, keep-alive, several processes; static files "
        "included) and run one job worker beside it, restarted if it stops."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=settings.WEB_HOST)
        parser.add_argument("--port", type=int, default=settings.WEB_PORT)
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.WEB_WORKERS,
            help="Web worker processes (default: WEB_WORKERS, else 2 × cores + 1, at most 8).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.WEB_THREADS,
            help="Threads per web worker (default: WEB_THREADS).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start a job worker: jobs wait for a separately run `giamngheo worker`.",
        )

    def handle(self, *args, **options) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        if backend.endswith("ImmediateBackend"):
            raise CommandError(
                f"TASKS_BACKEND={backend} would run jobs inside the web workers: "
                "use django_tasks_db.DatabaseBackend (the default)."
            )
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)

        bind = f"{options['host']}:{options['port']}"
        web = self._spawn(self._gunicorn_command(bind, options))
        worker = None if options["no_worker"] else self._spawn(self._worker_command())
        self.stdout.write(
            self.style.SUCCESS(
                f"Serving GiảmNghèo on http://{bind}/ with {options['workers']} web processes"
                + ("" if worker else "; jobs wait for `giamngheo worker`")
                + " (Ctrl+C to stop)"
            )
        )
        if settings.DEBUG:
            self.stdout.write("DEBUG=1: for production set DEBUG=0, SECRET_KEY and ALLOWED_HOSTS.")
        self.stdout.flush()

        failures = 0
        started = time.monotonic()
        while not self.stopping and web.poll() is None:
            if worker is not None and worker.poll() is not None:
                failures = failures + 1 if time.monotonic() - started < 60 else 0
                self.stderr.write(f"The job worker stopped (exit {worker.returncode}); restarting.")
                self._sleep(RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)])
                if self.stopping:
                    break
                worker = self._spawn(self._worker_command())
                started = time.monotonic()
            self._sleep(0.5)
        code = web.poll()
        self._terminate([p for p in (web, worker) if p is not None])
        if code is not None and not self.stopping:
            raise CommandError(f"The web server stopped (exit {code}).")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(0.1)

    def _spawn(self, command: list[str]) -> subprocess.Popen:
        # A session of its own: Ctrl+C reaches only `serve`, which then stops each child once.
        return subprocess.Popen(command, start_new_session=True, preexec_fn=_die_with_parent)

    def _gunicorn_command(self, bind: str, options: dict) -> list[str]:
        # gthread workers keep connections alive (sync workers close after every response).
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "giamngheo.wsgi:application",
            f"--bind={bind}",
            f"--workers={options['workers']}",
            "--worker-class=gthread",
            f"--threads={options['threads']}",
            f"--keep-alive={settings.WEB_KEEPALIVE_SECONDS}",
            f"--timeout={settings.WEB_TIMEOUT_SECONDS}",
        ]

    def _worker_command(self) -> list[str]:
        return [sys.executable, "-m", "giamngheo", "worker"]

    def _terminate(self, processes: list[subprocess.Popen]) -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
