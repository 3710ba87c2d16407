"""Starting background jobs and reporting their progress.

Job functions are registered by name so that a queued job survives a restart of the web process:
the worker (`giamngheo worker`) looks the function up and runs it with the job row.
"""

import logging
import traceback
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from giamngheo.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)

JobFunction = Callable[["JobReporter", dict], dict]
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
        fields = {"done": done}
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
        result = _REGISTRY[job.kind](JobReporter(job), job.params)
    except Exception as exc:
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=f"{exc}\n\n{traceback.format_exc(limit=3)}",
        )
        return
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        result=result or {},
        done=job.total or job.done,
    )
