import os
import socket
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    SUCCEEDED_WITH_ERRORS = "succeeded_with_errors", _("Finished with errors")
    FAILED = "failed", _("Failed")
    # Its worker died (killed, machine restarted) while the job ran: it will not finish.
    ABANDONED = "abandoned", _("Abandoned")


FINISHED_STATUSES = (
    JobStatus.SUCCEEDED,
    JobStatus.SUCCEEDED_WITH_ERRORS,
    JobStatus.FAILED,
    JobStatus.ABANDONED,
)


class Job(models.Model):
    """What a person waits for: a long import or report, with progress that a page can poll.

    Every job ends in one of four states, and `result` has one shape for every job (see
    `jobs.results`: summary, errors with sheet/row/column/value/message, error_count, file):

    - `succeeded`: it did its work and found nothing wrong.
    - `succeeded_with_errors`: it ran to its end but found problems, listed in `result`.
      An all-or-nothing import refused because of bad rows ends here, not in `failed`: the list
      of rows to fix is what the person needs, and the summary says that nothing was imported.
      It is never shown as a plain, green "Finished".
    - `failed`: it stopped on an unexpected error (a fault, not bad input); `message` says why.
    - `abandoned`: its worker died while it ran.
    """

    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=255)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="jobs",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=32, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    # `jobs/<job id>/<random>/<name>` in private storage (jobs.services.job_output_save); sent
    # only to the owner by jobs:file, and removed 30 days after the job ends.
    output = models.FileField(_("output file"), max_length=300, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status in (JobStatus.SUCCEEDED, JobStatus.SUCCEEDED_WITH_ERRORS):
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def status_class(self) -> str:
        """The page's colour for the state: success, warning or error; "" while it waits or runs."""
        return {
            JobStatus.SUCCEEDED: "success",
            JobStatus.SUCCEEDED_WITH_ERRORS: "warning",
            JobStatus.FAILED: "error",
            JobStatus.ABANDONED: "error",
        }.get(self.status, "")

    @property
    def error_count(self) -> int:
        result = self.result or {}
        return max(result.get("error_count") or 0, len(result.get("errors") or []))

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class WorkerHeartbeat(models.Model):
    """A running `giamngheo worker` and when it last said so: pages and other workers read it."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    pid = models.PositiveIntegerField(_("process id"))
    host = models.CharField(_("host"), max_length=255)
    started_at = models.DateTimeField(_("started at"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"

    def is_alive(self, *, now: datetime | None = None) -> bool:
        # On this machine the process table is the truth: a long SQLite write can hold the
        # heartbeat up, and a killed worker is known dead at once. Elsewhere, the heartbeat.
        if self.host == socket.gethostname():
            return _process_running(self.pid)
        now = now or timezone.now()
        return now - self.last_seen <= timedelta(seconds=settings.JOB_WORKER_STALE_SECONDS)


def _process_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        # A killed process not yet reaped by its parent is a zombie: dead for our purpose.
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
