"""Import and export of the registry (.xlsx or .csv), checked in one pass, all or nothing."""

import shutil
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.households.imports.columns import column_guide, dropdown_preview
from giamngheo.households.imports.csvexport import export_csv, export_csv_write
from giamngheo.households.imports.exporting import (
    CSV_FORMAT,
    EXPORT_FORMATS,
    EXPORT_JOB,
    INLINE_EXPORT_MAX,
    XLSX_FORMAT,
    export_job,
    export_start,
)
from giamngheo.households.imports.reading import UnreadableFile, read_upload
from giamngheo.households.imports.service import ImportInvalid, ImportResult, registry_import
from giamngheo.households.imports.workbook import (
    export_workbook,
    export_write,
    instructions,
    template_workbook,
)
from giamngheo.jobs.results import ERRORS_KEPT, JobError, JobResult
from giamngheo.jobs.services import JobReporter, job_kind

__all__ = [
    "CSV_FORMAT",
    "EXPORT_FORMATS",
    "EXPORT_JOB",
    "XLSX_FORMAT",
    "export_csv",
    "export_csv_write",
    "INLINE_EXPORT_MAX",
    "export_job",
    "export_start",
    "ImportInvalid",
    "ImportResult",
    "UnreadableFile",
    "column_guide",
    "dropdown_preview",
    "export_workbook",
    "instructions",
    "export_write",
    "import_job",
    "read_upload",
    "registry_import",
    "source_name",
    "template_workbook",
]


def upload_dir() -> Path:
    """Uploads waiting for the worker: private, under a random folder each, deleted by the job."""
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def source_name(*names: str) -> str:
    """The file names an import's audit record keeps (households file, then members file)."""
    return " + ".join(name for name in names if name)[:500]


@job_kind("import_households")
def import_job(reporter: JobReporter, params: dict) -> JobResult:
    """The background import: same checks and writes as the inline one, with a progress bar."""
    files = [Path(p) for p in params["files"]]
    try:
        return _import_files(reporter, params, files)
    finally:
        # Personal data must not outlive the job, whether it succeeded, was refused or crashed.
        if params.get("cleanup") and files:
            shutil.rmtree(files[0].parent, ignore_errors=True)


def _import_files(reporter: JobReporter, params: dict, files: list[Path]) -> JobResult:
    actor = User.objects.get(pk=params["user_id"])
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        try:
            tables = read_upload(
                files[0].name,
                files[0],
                files[1] if len(files) > 1 else None,
                files[1].name if len(files) > 1 else "",
            )

            def progress(done: int, total: int) -> None:
                reporter.total(total)
                reporter.progress(done)

            result = registry_import(
                actor=actor,
                tables=tables,
                reason=params.get("reason", ""),
                progress=progress,
                source=params.get("source") or source_name(*(f.name for f in files)),
            )
        except UnreadableFile as exc:
            return JobResult(
                summary=_("The file cannot be read; nothing was imported."),
                errors=[JobError(message=str(exc))],
            )
        except ImportInvalid as exc:
            # str(exc) already says that nothing was imported.
            return JobResult(
                summary=str(exc),
                errors=[
                    JobError(
                        sheet=e.sheet, row=e.row, column=e.column, value=e.value, message=e.message
                    )
                    for e in exc.errors[:ERRORS_KEPT]
                ],
                error_count=len(exc.errors),
            )
        return JobResult(summary=result.summary(), extra=result.as_dict())
