"""Official figures (report form 1): counts and rates of a unit's approved rounds."""

from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from giamngheo.accounts.access import api_requires
from giamngheo.accounts.scoping import Capability
from giamngheo.api.rest.errors import ApiError
from giamngheo.api.rest.params import Id
from giamngheo.api.rest.schemas import ErrorOut
from giamngheo.geo.models import AdminUnit
from giamngheo.reports.selectors import NoApprovedRound, Row, report_years, unit_summary
from giamngheo.reports.selectors.figures import CLASS_KEYS

router = Router(tags=["statistics"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class RowOut(Schema):
    unit_id: int | None
    label: str
    households: int | None
    persons: int | None
    counts: dict[str, int | None]
    rates: dict[str, Decimal | None]
    exact: bool


class SummaryOut(Schema):
    unit_id: int
    year: int
    rows: list[RowOut]
    total: RowOut


def _row(row: Row) -> dict:
    return {
        "unit_id": row.unit.pk if row.unit is not None else None,
        "label": row.label,
        "households": int(row.households) if row.households is not None else None,
        "persons": int(row.persons) if row.persons is not None else None,
        "counts": {k: row.count(k) for k in CLASS_KEYS},
        "rates": {k: row.rate(k) for k in CLASS_KEYS},
        "exact": row.exact,
    }


def _unit(unit_id: int) -> AdminUnit:
    unit = AdminUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise ApiError(404, _("Not found, or outside your unit."))
    return unit


@router.get("/statistics/{unit_id}/years", response={200: list[int], **ERRORS})
@api_requires(Capability.READ_AGGREGATES)
def statistics_years(request: HttpRequest, unit_id: Id):
    """Years with approved periodic rounds in the unit, newest first."""
    return report_years(actor=request.auth, unit=_unit(unit_id))


@router.get("/statistics/{unit_id}", response={200: SummaryOut, **ERRORS})
@api_requires(Capability.READ_AGGREGATES)
def statistics(request: HttpRequest, unit_id: Id, year: int = Query(..., ge=1900, le=2200)):
    """Poor, near-poor and middle households of the unit in `year`, with rates per 100."""
    try:
        summary = unit_summary(actor=request.auth, unit=_unit(unit_id), year=year)
    except NoApprovedRound:
        raise ApiError(
            404, _("No approved review round for %(year)d in this unit.") % {"year": year}
        ) from None
    return {
        "unit_id": summary.unit.pk,
        "year": summary.year,
        "rows": [_row(r) for r in summary.rows],
        "total": _row(summary.total),
    }
