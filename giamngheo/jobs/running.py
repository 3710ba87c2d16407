"""Running one job in the worker, and the registry of job functions it looks the job up in.

Below `services` (which starts jobs) and `tasks` (which queues them), so the three import in
one direction: services → tasks → running.
"""

import logging
import traceback
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone, translation
from django.utils.translation import gettext

from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.results import JobResult
from giamngheo.jobs.signals import job_finished

log = logging.getLogger(__name__)

# Returns a JobResult, or a dict of its shape (see jobs.results).
JobFunction = Callable[["JobReporter", dict], "JobResult | dict | None"]
_REGISTRY: dict[str, JobFunction] = {}


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register a job function under a name the queue row keeps across restarts."""

    def register(func: JobFunction) -> JobFunction:
        _REGISTRY[name] = func
        return func

    return register


def known_kinds() -> list[str]:
    """Names a job may be started with: only registered functions can be run later."""
    return sorted(_REGISTRY)


class JobReporter:
    """Handed to a job function so it can say how far it is without knowing about the model.

    A job that writes in one transaction (an import) would hide its progress until it commits:
    on PostgreSQL the progress is then written on a connection of its own, so the page sees the
    bar move. On SQLite a second connection would wait for the transaction's write lock, so
    there the progress is written in the transaction and seen when it commits.
    """

    def __init__(self, job: Job, every: int = 1) -> None:
        self.job = job
        self._every = max(1, every)
        self._aside: BaseDatabaseWrapper | None = None

    def total(self, total: int) -> None:
        self._write({"total": total})
        self.job.total = total

    def progress(self, done: int, message: str = "") -> None:
        self.job.done = done
        fields: dict[str, int | str] = {"done": done}
        if message:
            fields["message"] = message
        self._write(fields)

    def close(self) -> None:
        """Close the connection of its own, if one was opened (the job has ended)."""
        if self._aside is not None:
            self._aside.close()
            self._aside = None

    def _write(self, fields: dict[str, int | str]) -> None:
        own = connections[Job.objects.db]
        if own.vendor == "postgresql" and own.in_atomic_block and self._write_aside(fields):
            return
        Job.objects.filter(pk=self.job.pk).update(**fields)

    def _write_aside(self, fields: dict[str, int | str]) -> bool:
        """Write on a connection of its own; False when it cannot (the row was created in the
        same transaction, as in a test, or is locked by it), and the caller writes it itself."""
        if self._aside is None:
            self._aside = connections[Job.objects.db].copy()
        meta = Job._meta
        qn = self._aside.ops.quote_name
        columns = ", ".join(f"{qn(meta.get_field(name).column)} = %s" for name in fields)
        table, pk = qn(meta.db_table), qn(meta.pk.column)
        with self._aside.cursor() as cursor:
            # SKIP LOCKED: a row the job's own transaction has changed is locked until it
            # commits; waiting for it would wait for ourselves.
            cursor.execute(
                f"UPDATE {table} SET {columns} WHERE {pk} IN "
                f"(SELECT {pk} FROM {table} WHERE {pk} = %s FOR UPDATE SKIP LOCKED)",
                [*fields.values(), self.job.pk],
            )
            return cursor.rowcount == 1


def job_run(job_id: int) -> None:
    """Run one job and store its one result; an unexpected error ends it as failed, not the worker."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    reporter = JobReporter(job)
    try:
        result = JobResult.from_value(_REGISTRY[job.kind](reporter, job.params))
    except (KeyboardInterrupt, SystemExit):
        # The worker was told to stop at once (a second Ctrl+C): the job will not finish.
        message = abandoned_message()
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.ABANDONED,
            finished_at=timezone.now(),
            message=message,
            result=JobResult(summary=message).as_dict(),
        )
        _announce(job.pk)
        raise
    except Exception as exc:
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=f"{exc}\n\n{traceback.format_exc(limit=3)}",
            result=JobResult(summary=_failed_summary()).as_dict(),
        )
        _announce(job.pk)
        return
    finally:
        reporter.close()
    output = Job.objects.values_list("output", flat=True).get(pk=job.pk)
    if output and not result.file:
        result.file = output.rsplit("/", 1)[-1]
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED_WITH_ERRORS if result.errors else JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        result=result.as_dict(),
        done=job.total or job.done,
    )
    _announce(job.pk)


def _announce(job_id: int) -> None:
    """Tell the receivers (the owner's notification) that the job ended; their faults stay theirs."""
    job = Job.objects.get(pk=job_id)
    for _receiver, response in job_finished.send_robust(sender=Job, job=job):
        if isinstance(response, Exception):
            log.error("job %s: a job_finished receiver failed: %r", job_id, response)


def _failed_summary() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(
            "The job stopped on an unexpected error and nothing more will happen to it. The "
            "details below are for the system administrator."
        )


def abandoned_message() -> str:
    # Stored text, so written in the installation's language.
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(
            "The worker running this job stopped before the job finished (it was killed, or "
            "its machine restarted). Nothing more will happen to this job: start it again."
        )
