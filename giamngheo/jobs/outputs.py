"""Files that jobs produce (exports, error reports, generated documents), kept privately.

A job's output is stored at `jobs/<job id>/<random>/<name>` in private storage, referenced by
`Job.output`, sent only through `jobs:file` to whoever may see the job (its owner, or the system
administrator), and deleted `OUTPUT_DAYS` days after the job ended by `job_outputs_expire`
(the `expire_job_outputs` command).
"""

import datetime as dt
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from giamngheo.jobs.models import Job
from giamngheo.storage import display_name

OUTPUT_DAYS = 30  # long enough to fetch a report after a holiday; personal data goes after that


@transaction.atomic
def job_output_save(*, job: Job, name: str, content: bytes | File) -> str:
    """Store `content` as the job's output file (replacing any earlier one); returns its path."""
    safe = default_storage.get_valid_name(display_name(name, default="output"))
    file = content if isinstance(content, File) else ContentFile(content)
    path = default_storage.save(f"jobs/{job.pk}/{uuid.uuid4().hex}/{safe}", file)
    previous = Job.objects.select_for_update().values_list("output", flat=True).get(pk=job.pk)
    Job.objects.filter(pk=job.pk).update(output=path)
    job.output.name = path
    if previous:
        transaction.on_commit(lambda: default_storage.delete(previous))
    return path


def job_outputs_expire(*, older_than_days: int = OUTPUT_DAYS) -> int:
    """Delete the output files of jobs that ended more than `older_than_days` ago.

    Also removes import uploads left behind by a worker that was killed mid-job (each import
    deletes its own upload when it ends). Returns the number of job outputs removed.
    """
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    expired = Job.objects.filter(finished_at__lt=cutoff).exclude(output="")
    removed = 0
    for job in expired.only("pk", "output").iterator():
        default_storage.delete(job.output.name)
        shutil.rmtree(Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk), ignore_errors=True)
        Job.objects.filter(pk=job.pk, output=job.output.name).update(output="")
        removed += 1
    _remove_stale_uploads(Path(settings.MEDIA_ROOT) / "imports", cutoff)
    return removed


def _remove_stale_uploads(root: Path, cutoff: dt.datetime) -> None:
    if not root.is_dir():
        return
    entries = sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True)
    for entry in entries:
        if entry.is_file() and entry.stat().st_mtime < cutoff.timestamp():
            entry.unlink(missing_ok=True)
        elif entry.is_dir() and not any(entry.iterdir()):
            entry.rmdir()
