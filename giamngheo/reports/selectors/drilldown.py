"""The households behind a figure: the same filter that counted them, within READ_RECORDS.

A figure is named by a short code in the page's link (`measure`), e.g. `poor`, `dep:nutrition:poor`,
`group:merit:near_poor`, `eth:02:poor`, `cause:lack_capital:poor`, `flow:poor:7`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can, scoped
from giamngheo.errors import DomainError
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.households.models import Household
from giamngheo.households.vocab import KINH, PovertyCause
from giamngheo.reports.selectors.breakdowns import CLASSES, GROUPS, PLAIN_GROUPS
from giamngheo.reports.selectors.common import (
    CLASS_MEASURES,
    MINORITY,
    NoApprovedRound,
    final_rounds,
    frozen,
    json_list_has,
    with_json_text,
)
from giamngheo.reports.selectors.flows import FORMS, approved_village
from giamngheo.reports.selectors.lineage import Resolver, communes_within
from giamngheo.reviews.models import Assessment, Outcome, ReviewRound, SnapshotEntry


class BadMeasure(DomainError):
    """A figure code that names nothing."""

    title = gettext_lazy("Check the address")

    def __init__(self, code: str = "") -> None:
        super().__init__(_("That figure does not exist."), code="bad_measure")
        self.measure = code


@dataclass(frozen=True)
class FigureList:
    unit: AdminUnit
    year: int
    measure: str
    apportioned: bool
    households: QuerySet[Household]


def _class(code: str) -> Q:
    if code not in CLASSES:
        raise BadMeasure(code)
    return CLASSES[code]


def measure_filter(measure: str) -> tuple[Q, bool]:
    """(condition, is_a_flow): flows are counted over outcomes, the rest over assessments."""
    parts = measure.split(":")
    kind = parts[0]
    if len(parts) == 1 and kind in CLASS_MEASURES:
        return CLASS_MEASURES[kind], False
    if kind == "dep" and len(parts) == 3:
        return json_list_has("deprived", parts[1]) & _class(parts[2]), False
    if kind == "group" and len(parts) == 3:
        group = GROUPS.get(parts[1]) or PLAIN_GROUPS.get(parts[1].removeprefix("all_"))
        if group is None:
            raise BadMeasure(measure)
        return group & _class(parts[2]), False
    if kind == "eth" and len(parts) == 3:
        code = parts[1]
        if code == "kinh":
            q = Q(**{frozen("head_ethnicity"): KINH})
        elif code == "minority":
            q = MINORITY
        elif code.isdigit() and len(code) == 2:
            q = Q(**{frozen("head_ethnicity"): code})
        else:
            raise BadMeasure(measure)
        return q & _class(parts[2]), False
    if kind == "cause" and len(parts) == 3 and parts[1] in PovertyCause.values:
        return json_list_has(frozen("causes"), parts[1]) & _class(parts[2]), False
    if kind == "flow" and len(parts) == 3 and parts[1] in FORMS and parts[2].isdigit():
        columns = FORMS[parts[1]]
        if int(parts[2]) not in columns:
            raise BadMeasure(measure)
        return columns[int(parts[2])], True
    raise BadMeasure(measure)


def placed_in(
    unit: AdminUnit, rounds: list[ReviewRound], resolver: Resolver, village: str | None = None
) -> tuple[Q, bool]:
    """Rows (with a `round`) that the statistics place on `unit` today.

    `village` names the row's village as approved; for assessments, their frozen village.
    """
    village = village or frozen("village")
    communes = {c.pk for c in communes_within(unit)}
    q = Q(pk__in=[])
    exact = True
    for r in rounds:
        placements = resolver.resolve(r.unit_id)
        if not resolver.needs_village_detail(r.unit_id):
            if placements[0].commune_id in communes:
                q |= Q(round_id=r.pk)
            continue
        villages = []
        for pk in r.unit.descendants().filter(level=Level.VILLAGE).values_list("pk", flat=True):
            hits = [p for p in resolver.resolve(pk) if p.commune_id in communes]
            if hits:
                villages.append(pk)
                exact = exact and all(p.exact and p.weight == 1 for p in hits)
        if villages:
            q |= Q(round_id=r.pk, **{f"{village}__in": villages})
    return q, exact


def _counted(unit: AdminUnit, year: int, measure: str) -> tuple[QuerySet, bool, bool]:
    """(rows counted in the figure, whether they are outcomes, whether the placement is exact)."""
    condition, is_flow = measure_filter(measure)
    rounds = list(final_rounds(unit, year).select_related("unit"))
    if not rounds:
        raise NoApprovedRound(year)
    if is_flow:
        where, exact = placed_in(unit, rounds, Resolver(), "approved_village")
        rows = Outcome.objects.annotate(approved_village=approved_village()).filter(
            where, condition
        )
    else:
        where, exact = placed_in(unit, rounds, Resolver())
        rows = with_json_text(Assessment.objects.all(), "deprived", frozen("causes")).filter(
            where, condition
        )
    return rows, is_flow, exact


def _require_records(actor: User, unit: AdminUnit) -> None:
    if not can(actor, Capability.READ_RECORDS, unit):
        raise PermissionDenied(_("Your role can see figures here, but not the households."))


def figure_households(*, actor: User, unit: AdminUnit, year: int, measure: str) -> FigureList:
    """The households counted in one figure, for someone allowed to read records there."""
    _require_records(actor, unit)
    counted, _is_flow, exact = _counted(unit, year, measure)
    households = scoped(
        Household.objects.filter(pk__in=counted.values("household_id")),
        actor,
        Capability.READ_RECORDS,
    ).select_related("unit")
    return FigureList(
        unit=unit,
        year=year,
        measure=measure,
        apportioned=not exact,
        households=households.order_by("unit__name", "code"),
    )


def figure_entries(
    *, actor: User, unit: AdminUnit, year: int, measure: str
) -> tuple[list[SnapshotEntry], bool]:
    """(the approved entries counted in a class figure, whether it was apportioned).

    Official lists (forms 14/15) print the households as their rounds approved them; the unit's
    READ_RECORDS covers its approved lists even for households that have moved away since.
    """
    _require_records(actor, unit)
    counted, is_flow, exact = _counted(unit, year, measure)
    if is_flow:
        raise BadMeasure(measure)
    entries = SnapshotEntry.objects.filter(assessment__in=counted.values("pk")).order_by(
        "village", "household_code"
    )
    return list(entries), not exact
