"""Starting background jobs and reporting their progress.

Job functions are registered by name so that a queued job survives a restart of the web process:
the worker (`giamngheo worker`) looks the function up and runs it with the job row.
"""

import logging
import os
import socket

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from giamngheo.jobs.models import Job, JobStatus, WorkerHeartbeat
from giamngheo.jobs.results import JobResult
from giamngheo.jobs.running import (
    JobFunction,
    JobReporter,
    abandoned_message,
    job_kind,
    job_run,
    known_kinds,
)
from giamngheo.jobs.tasks import run_job

# Job functions register through services, as every app's writes do.
__all__ = ["JobFunction", "JobReporter", "job_kind", "job_run"]

log = logging.getLogger(__name__)


def job_start(*, actor, kind: str, title: str, params: dict | None = None) -> Job:
    if kind not in known_kinds():
        raise ValueError(f"Unknown job kind {kind!r}; known: {known_kinds()}")
    job = Job.objects.create(kind=kind, title=title, owner=actor, params=params or {})

    def enqueue() -> None:
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


class WorkerLost(Exception):
    """Recorded on the queue's task row when its worker died while running it."""


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
    message = abandoned_message()
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
