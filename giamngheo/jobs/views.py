from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from giamngheo.accounts.access import login_only
from giamngheo.jobs import selectors


@login_only
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.job_list(actor=request.user)[:100]
    return render(request, "jobs/list.html", {"jobs": jobs})


@login_only
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get(actor=request.user, pk=pk)
    return render(request, "jobs/detail.html", {"job": job})


@login_only
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx every second; the partial stops polling once the job has finished."""
    job = selectors.job_get(actor=request.user, pk=pk)
    return render(request, "jobs/_progress.html", {"job": job})
