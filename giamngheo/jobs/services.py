"""Starting background jobs and reporting their progress.

Job functions are registered by name so that a queued job survives a restart of the web process:
the worker (`giamngheo worker`) looks the function up and runs it with the job row.
"""

import logging
import os
import socket
import traceback
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from giamngheo.jobs.models import Job, JobStatus, WorkerHeartbeat
from giamngheo.jobs.results import JobResult

log = logging.getLogger(__name__)

# Returns a JobResult, or a dict of its shape (see jobs.results).
JobFunction = Callable[["JobReporter", dict], "JobResult | dict | None"]
_REGISTRY: dict[str, JobFunction] = {}


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    def register(func: JobFunction) -> JobFunction:
        _REGISTRY[name] = func
        return func

    return register


class JobReporter:
    """Handed to a job function so it can say how far it is without knowing about the model."""

    def __init__(self, job: Job, every: int = 1) -> None:
        self.job = job
        self._every = max(1, every)

    def total(self, total: int) -> None:
        Job.objects.filter(pk=self.job.pk).update(total=total)
        self.job.total = total

    def progress(self, done: int, message: str = "") -> None:
        self.job.done = done
        fields: dict[str, int | str] = {"done": done}
        if message:
            fields["message"] = message
        Job.objects.filter(pk=self.job.pk).update(**fields)


def job_start(*, actor, kind: str, title: str, params: dict | None = None) -> Job:
    if kind not in _REGISTRY:
        raise ValueError(f"Unknown job kind {kind!r}; known: {sorted(_REGISTRY)}")
    job = Job.objects.create(kind=kind, title=title, owner=actor, params=params or {})
    from giamngheo.jobs.tasks import run_job

    def enqueue() -> None:
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


def job_run(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        result = JobResult.from_value(_REGISTRY[job.kind](JobReporter(job), job.params))
    except (KeyboardInterrupt, SystemExit):
        # The worker was told to stop at once (a second Ctrl+C): the job will not finish.
        message = _abandoned_message()
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.ABANDONED,
            finished_at=timezone.now(),
            message=message,
            result=JobResult(summary=message).as_dict(),
        )
        raise
    except Exception as exc:
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=f"{exc}\n\n{traceback.format_exc(limit=3)}",
            result=JobResult(summary=_failed_summary()).as_dict(),
        )
        return
    output = Job.objects.values_list("output", flat=True).get(pk=job.pk)
    if output and not result.file:
        result.file = output.rsplit("/", 1)[-1]
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED_WITH_ERRORS if result.errors else JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        result=result.as_dict(),
        done=job.total or job.done,
    )


class WorkerLost(Exception):
    """Recorded on the queue's task row when its worker died while running it."""


def _failed_summary() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(
            "The job stopped on an unexpected error and nothing more will happen to it. The "
            "details below are for the system administrator."
        )


def _abandoned_message() -> str:
    # Stored text, so written in the installation's language.
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(
            "The worker running this job stopped before the job finished (it was killed, or "
            "its machine restarted). Nothing more will happen to this job: start it again."
        )


def worker_register(*, worker_id: str) -> WorkerHeartbeat:
    now = timezone.now()
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": now,
            "last_seen": now,
        },
    )
    return heartbeat


def worker_beat(*, worker_id: str) -> None:
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=timezone.now()):
        worker_register(worker_id=worker_id)


def worker_unregister(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def jobs_abandon_orphaned(*, worker_id: str) -> int:
    """Mark `abandoned` every job whose worker died; returns how many.

    Run by a starting worker (`worker_id` is its own): a job left "running" by a killed worker
    would otherwise show its last progress forever, and its queue row would stay claimed.
    """
    now = timezone.now()
    heartbeats = list(WorkerHeartbeat.objects.all())
    live = {h.worker_id for h in heartbeats if h.is_alive(now=now)} | {worker_id}
    dead = [h.worker_id for h in heartbeats if h.worker_id not in live]
    message = _abandoned_message()
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
        orphaned = [t for t in running if not t.worker_ids or t.worker_ids[-1] not in live]
        for task in orphaned:
            task.status = TaskResultStatus.FAILED
            task.finished_at = now
            task.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
            task.traceback = message
            task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
        still_running = {
            str(pk)
            for pk in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
                "pk", flat=True
            )
        }
        # Jobs whose queue row was just released, and running jobs whose row no longer runs.
        lost = Q(task_result_id__in=[str(t.pk) for t in orphaned]) | (
            Q(status=JobStatus.RUNNING) & ~Q(task_result_id__in=still_running)
        )
        if live != {worker_id}:
            # Another worker may have just claimed a job whose task id is not yet recorded.
            lost &= ~Q(task_result_id="")
        count = (
            Job.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
            .filter(lost)
            .update(
                status=JobStatus.ABANDONED,
                finished_at=now,
                message=message,
                result=JobResult(summary=message).as_dict(),
            )
        )
        WorkerHeartbeat.objects.filter(worker_id__in=dead).delete()
    if count:
        log.warning("%d job(s) abandoned by workers that died were marked as such", count)
    return count
