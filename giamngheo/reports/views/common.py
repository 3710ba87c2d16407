"""Reading a report's unit and year from the query string; a malformed one is a `BadParameter`,
which the site's `DomainErrorMiddleware` shows as a page saying what to fix."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.errors import BadParameter
from giamngheo.geo.models import AdminUnit, Level

FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Params:
    unit: AdminUnit
    year: int | None


def default_unit(actor: User) -> AdminUnit | None:
    if actor.unit_id:
        return actor.unit
    return (
        AdminUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True)
        .order_by("code")
        .first()
    )


def parse_params(request: HttpRequest) -> Params:
    """`unit` (a current unit's id) and `year`; both optional, neither may be malformed."""
    raw_unit = request.GET.get("unit", "").strip()
    if raw_unit:
        if not raw_unit.isdigit() or len(raw_unit) > 12:
            raise BadParameter(_("The unit must be chosen from the list."))
        unit = AdminUnit.objects.filter(pk=int(raw_unit)).first()
        if unit is None:
            raise BadParameter(_("There is no such unit."))
        if unit.level not in (Level.PROVINCE, Level.COMMUNE):
            raise BadParameter(_("Reports are made for a province or a commune."))
        if not unit.is_current:
            raise BadParameter(
                _("%(unit)s no longer exists: choose today's unit; its figures include it.")
                % {"unit": unit.name}
            )
    else:
        unit = default_unit(request.user)
        if unit is None:
            raise BadParameter(_("No administrative units have been loaded yet."))
    raw_year = request.GET.get("year", "").strip()
    year = None
    if raw_year:
        if not raw_year.isdigit() or not FIRST_YEAR <= int(raw_year) <= LAST_YEAR:
            raise BadParameter(_("The year must be a number such as 2025."))
        year = int(raw_year)
    return Params(unit=unit, year=year)
