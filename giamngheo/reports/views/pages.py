"""The dashboard, the official tables (HTML, Excel, PDF), the households behind a figure, AF."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability, can, has_capability
from giamngheo.reports.exports import excel, forms, pdf
from giamngheo.reports.exports.tables import header_grid, label_codes
from giamngheo.reports.selectors.af import af_measures
from giamngheo.reports.selectors.common import NoApprovedRound, require_aggregates
from giamngheo.reports.selectors.dashboard import dashboard as dashboard_data
from giamngheo.reports.selectors.dashboard import scoped_units
from giamngheo.reports.selectors.drilldown import figure_households
from giamngheo.reports.selectors.figures import Row, report_years
from giamngheo.reports.selectors.maps import PovertyMap, province_map
from giamngheo.reports.selectors.whatif import CAPABILITY as WHATIF_CAPABILITY
from giamngheo.reports.templatetags.vn import vn_cell
from giamngheo.reports.views.common import (
    BadParameter,
    Params,
    parse_params,
)


def _year(params: Params, request: HttpRequest) -> int:
    if params.year is not None:
        return params.year
    years = report_years(actor=request.user, unit=params.unit)
    if not years:
        raise NoApprovedRound("")
    return years[0]


def _picker(request: HttpRequest, params: Params, year: int) -> dict:
    return {
        "unit": params.unit,
        "year": year,
        "units": scoped_units(request.user)[:400],
        "years": report_years(actor=request.user, unit=params.unit),
        "form_titles": forms.FORM_TITLES,
        "can_whatif": has_capability(request.user, WHATIF_CAPABILITY),
    }


@requires(Capability.READ_AGGREGATES)
def dashboard(request: HttpRequest) -> HttpResponse:
    params = parse_params(request)
    require_aggregates(request.user, params.unit)
    data = dashboard_data(actor=request.user, unit=params.unit, year=params.year)
    context = {
        "d": data,
        "charts": data.chart_data(),
        "chart_labels": {
            "poor": _("Poverty rate"),
            "near_poor": _("Near-poverty rate"),
            "deprived": _("Share of poor households deprived (%)"),
        },
        **_picker(request, params, data.year),
        "map": _dashboard_map(request, data),
        "map_years": data.years,
        "map_form_unit": data.unit,
        "map_link_note": _("Choose a commune to list its poor households, where your role allows."),
    }
    return render(request, "reports/dashboard.html", context)


def _dashboard_map(request: HttpRequest, data) -> PovertyMap | None:
    """The province's communes; on a commune's dashboard the same published figures of its
    province, the commune outlined. A symbol opens the commune's poor households for whoever
    may read them, else the commune's dashboard where the reader may see it."""
    unit, year = data.unit, data.year
    households, dashboard_url = reverse("reports:households"), reverse("reports:dashboard")

    def href(row: Row) -> str | None:
        commune = row.unit
        if commune is None:
            return None
        if can(request.user, Capability.READ_RECORDS, commune):
            query = urlencode({"unit": commune.pk, "year": year, "measure": "poor"})
            return f"{households}?{query}"
        if can(request.user, Capability.READ_AGGREGATES, commune):
            return f"{dashboard_url}?{urlencode({'unit': commune.pk, 'year': year})}"
        return None

    return province_map(unit=unit, year=year, summary=data.summary, href=href)


def _form(request: HttpRequest, form: str):
    if form not in forms.FORM_TITLES:
        raise BadParameter(_("There is no such report form."))
    params = parse_params(request)
    require_aggregates(request.user, params.unit)
    year = _year(params, request)
    return params, year, forms.build(form, request.user, params.unit, year)


@requires(Capability.READ_AGGREGATES)
def form_page(request: HttpRequest, form: str) -> HttpResponse:
    params, year, table = _form(request, form)
    _prepare_cells(table)
    context = {
        "table": table,
        "grid": header_grid(table),
        "codes": [*label_codes(table), *(c.code for c in table.columns)],
        **_picker(request, params, year),
    }
    return render(request, "reports/form.html", context)


def _prepare_cells(table) -> None:
    """Text and links computed once here: a province table has thousands of cells."""
    base = reverse("reports:households")
    for row in table.rows:
        link = row.link_allowed and row.unit_id
        for cell in row.cells:
            cell.text = vn_cell(cell.value)
            if link and cell.measure:
                query = urlencode(
                    {"unit": row.unit_id, "year": table.year, "measure": cell.measure}
                )
                cell.href = f"{base}?{query}"


def _filename(table, year: int, ext: str) -> str:
    return f"bieu-{int(table.form):02d}-{year}.{ext}"


@requires(Capability.READ_AGGREGATES)
def form_xlsx(request: HttpRequest, form: str) -> HttpResponse:
    params, year, table = _form(request, form)
    response = HttpResponse(
        excel.workbook(table, params.unit),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, year, "xlsx")}"'
    return response


@requires(Capability.READ_AGGREGATES)
def form_pdf(request: HttpRequest, form: str) -> HttpResponse:
    params, year, table = _form(request, form)
    response = HttpResponse(pdf.pdf_bytes(table, params.unit), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(table, year, "pdf")}"'
    return response


@requires(Capability.READ_RECORDS)
def households(request: HttpRequest) -> HttpResponse:
    params = parse_params(request)
    year = _year(params, request)
    measure = request.GET.get("measure", "poor")[:80]
    listed = figure_households(actor=request.user, unit=params.unit, year=year, measure=measure)
    page = Paginator(listed.households, 100).get_page(request.GET.get("page"))
    context = {"listed": listed, "page": page, "unit": params.unit, "year": year}
    return render(request, "reports/households.html", context)


def _cutoff(raw: str) -> int | None:
    """The `k` asked for (None: the standard's own); anything but a small whole number is 0,
    which the selector refuses with the standard's range."""
    raw = raw.strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) <= 3 else 0


@requires(Capability.READ_AGGREGATES)
def alkire_foster(request: HttpRequest) -> HttpResponse:
    params = parse_params(request)
    require_aggregates(request.user, params.unit)
    year = _year(params, request)
    persons = request.GET.get("level") == "persons"
    report = af_measures(
        actor=request.user,
        unit=params.unit,
        year=year,
        k=_cutoff(request.GET.get("k", "")),
        person_level=persons,
    )
    rows = [
        (title, report.total.censored_headcounts[i], report.total.contributions[i])
        for i, (_id, title) in enumerate(report.indicators)
    ]
    context = {"af": report, "af_rows": rows, **_picker(request, params, year)}
    return render(request, "reports/af.html", context)
