"""The household export larger than a commune: a job with a progress bar and a private file.

A commune's register (about 10,000 households) is written while the officer waits; anything
larger goes to the worker, which streams the workbook (`export_write`) or the .zip of CSV files
(`export_csv_write`) in constant memory into the job's private output, downloaded only by
whoever may see the job (its owner, or the system administrator).
"""

import tempfile

from django.conf import settings
from django.core.files import File
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from giamngheo.accounts.models import User
from giamngheo.households.imports.csvexport import export_csv_write
from giamngheo.households.imports.workbook import export_members, export_write
from giamngheo.households.selectors import household_list
from giamngheo.jobs.models import Job
from giamngheo.jobs.outputs import job_output_save
from giamngheo.jobs.results import JobResult
from giamngheo.jobs.services import JobReporter, job_kind, job_start

EXPORT_JOB = "export_households"
# Up to this many households the export runs in the request (a commune: well under a second);
# beyond it, a job.
INLINE_EXPORT_MAX = 20_000
# The formats an officer may choose, with their file's extension: the workbook (a commune's
# default) or a .zip of CSV files, ~10 times cheaper to write for a province.
XLSX_FORMAT, CSV_FORMAT = "xlsx", "csv"
EXPORT_FORMATS = {XLSX_FORMAT: "xlsx", CSV_FORMAT: "zip"}


def export_start(
    *, actor: User, filters: dict, name: str, count: int, kind: str = XLSX_FORMAT
) -> Job:
    """Queue the export of the households `filters` select for `actor` (as the list shows them),
    as a workbook or (`kind` "csv") a .zip of CSV files."""
    if kind not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {kind!r}")
    return job_start(
        actor=actor,
        kind=EXPORT_JOB,
        title=ngettext(
            "Household export: %(n)s household",
            "Household export: %(n)s households",
            count,
        )
        % {"n": f"{count:,}".replace(",", ".")},
        params={
            "filters": {key: str(value) for key, value in filters.items()},
            "name": name,
            "format": kind,
            "language": translation.get_language(),
        },
    )


@job_kind(EXPORT_JOB)
def export_job(reporter: JobReporter, params: dict) -> JobResult:
    # The selection is made again for the job's owner: what they may read now, never more.
    households = household_list(actor=reporter.job.owner, filters=params["filters"])
    reporter.total(households.count() + export_members(households).count())
    with (
        translation.override(params.get("language") or settings.LANGUAGE_CODE),
        tempfile.TemporaryFile() as file,
    ):
        write = export_csv_write if params.get("format") == CSV_FORMAT else export_write
        count, members = write(households, file, progress=reporter.progress)
        reporter.progress(count + members)
        file.seek(0)
        job_output_save(job=reporter.job, name=params["name"], content=File(file))
        return JobResult(
            summary=_("%(households)s and %(members)s exported; ID numbers are masked.")
            % {
                "households": ngettext("%(n)s household", "%(n)s households", count) % {"n": count},
                "members": ngettext("%(n)s member", "%(n)s members", members) % {"n": members},
            },
            extra={"households": count, "members": members},
        )
