"""Running one job in the worker, and the registry of job functions it looks the job up in.

Below `services` (which starts jobs) and `tasks` (which queues them), so the three import in
one direction: services → tasks → running.
"""

import logging
import traceback
from collections.abc import Callable

from django.conf import settings
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


def job_run(job_id: int) -> None:
    """Run one job and store its one result; an unexpected error ends it as failed, not the worker."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        result = JobResult.from_value(_REGISTRY[job.kind](JobReporter(job), job.params))
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
