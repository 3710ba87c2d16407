"""Reading a report's unit and year from the query string, and saying clearly what went wrong."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.reports.exports.lists import NeedsCommune
from giamngheo.reports.selectors.common import NoApprovedRound
from giamngheo.reports.selectors.drilldown import BadMeasure

FIRST_YEAR, LAST_YEAR = 2000, 2100


class BadParameter(ValueError):
    """A query parameter that is not what the page expects."""


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


def message(request: HttpRequest, text: str, *, status: int, title: str = "") -> HttpResponse:
    context = {"title": title or _("Reports"), "text": text}
    return render(request, "reports/message.html", context, status=status)


def report_errors(view):
    """Bad input and scope become a page that says what to do, never a server error."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            text = str(exc) or _("This is outside your unit or your role.")
            return message(request, text, status=403, title=_("Not allowed"))
        except NoApprovedRound as exc:
            text = _(
                "There are no approved review results for %(year)s in this unit yet. Figures "
                "appear once the commune chairman has approved the round."
            ) % {"year": exc.args[0] if exc.args else ""}
            return message(request, text, status=404, title=_("No approved figures"))
        except NeedsCommune:
            text = _("Household lists are made per commune: choose a commune.")
            return message(request, text, status=400)
        except (BadParameter, BadMeasure) as exc:
            text = str(exc) if isinstance(exc, BadParameter) else _("That figure does not exist.")
            return message(request, text, status=400, title=_("Check the address"))

    return wrapper
