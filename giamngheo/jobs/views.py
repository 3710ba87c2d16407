from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from giamngheo.accounts.access import login_only
from giamngheo.jobs import selectors
from giamngheo.jobs.error_report import error_report_xlsx
from giamngheo.jobs.models import JobStatus
from giamngheo.storage import file_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 200  # on the page; the error report has all that were kept


@login_only
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.job_list(actor=request.user)[:100]
    return render(request, "jobs/list.html", {"jobs": jobs})


@login_only
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get(actor=request.user, pk=pk)
    return render(request, "jobs/detail.html", _progress_context(job))


@login_only
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx every second; the partial stops polling once the job has finished."""
    job = selectors.job_get(actor=request.user, pk=pk)
    return render(request, "jobs/_progress.html", _progress_context(job))


@login_only
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    """The job's output, to the same people who may see the job: its owner (or the admin)."""
    job = selectors.job_get(actor=request.user, pk=pk)
    if not job.output:
        raise Http404
    return file_response(job.output, filename=job.output.name.rsplit("/", 1)[-1])


@login_only
def job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's errors as a workbook, to the same people who may see the job."""
    job = selectors.job_get(actor=request.user, pk=pk)
    response = HttpResponse(error_report_xlsx(job), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="job-{job.pk}-errors.xlsx"'
    return response


def _progress_context(job) -> dict:
    waiting = job.status == JobStatus.QUEUED
    errors = ((job.result or {}).get("errors") or [])[:SHOWN_ERRORS]
    return {
        "job": job,
        "no_worker": waiting and not selectors.worker_alive(),
        "errors": errors,
        "error_count": job.error_count,
        "more_errors": job.error_count - len(errors),
    }
