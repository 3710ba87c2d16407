"""The what-if page: a commune or the province under another standard, beside the approved round.

A GET form (nothing is written); a bad choice or line is shown beside its field.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from giamngheo.accounts.access import requires
from giamngheo.reports.forms import WHATIF_AREAS, WHATIF_LINES, WhatIfForm
from giamngheo.reports.selectors.whatif import (
    CAPABILITY,
    require_whatif,
    whatif_report,
    whatif_standard,
)
from giamngheo.reports.views.common import default_unit
from giamngheo.standards import available_standards, select_standard


@requires(CAPABILITY)
def whatif(request: HttpRequest) -> HttpResponse:
    standards = available_standards()
    submitted = "standard" in request.GET
    initial: dict[str, object] = {"standard": select_standard(dt.date.today(), "ad_hoc").id}
    unit = default_unit(request.user)
    if request.GET.get("unit", "").isdigit():
        initial["unit"] = int(request.GET["unit"])
    elif unit is not None:
        initial["unit"] = unit.pk
    form = WhatIfForm(
        request.GET if submitted else None, initial=initial, actor=request.user, standards=standards
    )
    report = None
    if submitted and form.is_valid():
        require_whatif(request.user, form.cleaned_data["unit"])
        standard = whatif_standard(form.cleaned_data["standard"], form.lines())
        report = whatif_report(
            actor=request.user, unit=form.cleaned_data["unit"], standard=standard
        )
    line_fields = [[form[f"{area}_{line}"] for line in WHATIF_LINES] for area in WHATIF_AREAS]
    context = {"form": form, "report": report, "line_fields": line_fields}
    return render(request, "reports/whatif.html", context)
