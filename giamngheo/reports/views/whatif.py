"""The what-if page: a commune or the province under another standard, beside the approved round.

A GET form that writes nothing; a bad choice or line is shown beside its field. A commune is
re-classified while the page is built; a province (100,000 households take tens of seconds) by a
background job, started by the page's POST, whose progress the page polls until it shows the result.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.errors import BadParameter, DomainError, show_on_form
from giamngheo.geo.models import Level
from giamngheo.jobs.models import JobStatus
from giamngheo.jobs.selectors import job_get
from giamngheo.reports.forms import WHATIF_AREAS, WHATIF_LINES, WhatIfForm
from giamngheo.reports.selectors.whatif import (
    CAPABILITY,
    Reclassified,
    require_whatif,
    whatif_report,
    whatif_standard,
)
from giamngheo.reports.services import WHATIF_JOB, whatif_start
from giamngheo.reports.views.common import default_unit
from giamngheo.standards import available_standards, select_standard


def _form(request: HttpRequest, data) -> WhatIfForm:
    initial: dict[str, object] = {"standard": select_standard(dt.date.today(), "ad_hoc").id}
    unit = default_unit(request.user)
    if request.GET.get("unit", "").isdigit():
        initial["unit"] = int(request.GET["unit"])
    elif unit is not None:
        initial["unit"] = unit.pk
    return WhatIfForm(data, initial=initial, actor=request.user, standards=available_standards())


def _query(form: WhatIfForm) -> dict[str, str]:
    return {name: str(form.data[name]) for name in form.fields if form.data.get(name)}


@requires(CAPABILITY)
def whatif(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _start(request)
    submitted = "standard" in request.GET
    form = _form(request, request.GET if submitted else None)
    context: dict[str, object] = {"form": form, "report": None, "job": None, "background": False}
    if submitted and form.is_valid():
        unit = form.cleaned_data["unit"]
        require_whatif(request.user, unit)
        standard = whatif_standard(form.cleaned_data["standard"], form.lines())
        raw_job = request.GET.get("job", "")
        if raw_job:
            if not raw_job.isdigit() or len(raw_job) > 12:
                raise BadParameter(_("The job must be a number."))
            job = job_get(actor=request.user, pk=int(raw_job))
            if job.kind != WHATIF_JOB or job.params.get("unit_id") != unit.pk:
                raise BadParameter(_("This job is not a what-if for this unit."))
            context["job"] = job
            if job.status == JobStatus.SUCCEEDED:
                done = Reclassified.from_json(job.result["whatif"])
                context["report"] = whatif_report(
                    actor=request.user, unit=unit, standard=standard, reclassified=done
                )
        elif unit.level == Level.COMMUNE:
            context["report"] = whatif_report(actor=request.user, unit=unit, standard=standard)
        else:
            context["background"] = True
            context["query"] = _query(form)
    context["line_fields"] = [
        [form[f"{area}_{line}"] for line in WHATIF_LINES] for area in WHATIF_AREAS
    ]
    return render(request, "reports/whatif.html", context)


def _start(request: HttpRequest) -> HttpResponse:
    form = _form(request, request.POST)
    if form.is_valid():
        try:
            job = whatif_start(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                standard_id=form.cleaned_data["standard"],
                lines=form.lines(),
            )
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            query = urlencode({**_query(form), "job": job.pk})
            return redirect(f"{reverse('reports:whatif')}?{query}")
    line_fields = [[form[f"{area}_{line}"] for line in WHATIF_LINES] for area in WHATIF_AREAS]
    context = {"form": form, "report": None, "job": None, "line_fields": line_fields}
    return render(request, "reports/whatif.html", context)
