"""Alkire-Foster measures over the stored deprivation flags (poverty-standards.md §7).

The database groups households by their set of deprivations (a few hundred distinct sets in a
province), and the engine weighs each set by how many households (or persons) have it, so a
million households cost one grouped query. AF figures are analytics beside the official classes,
never a substitute for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.errors import BadParameter
from giamngheo.geo.models import AdminUnit, Area
from giamngheo.reports.selectors.breakdowns import (
    _rounds,
    indicator_columns,
    round_standard,
    standard_of,
)
from giamngheo.reports.selectors.common import CLASSIFIED, PERSONS, frozen, grouped
from giamngheo.reports.selectors.lineage import Resolver, communes_within
from giamngheo.reviews.models import Assessment
from giamngheo.standards import AFParameters
from giamngheo.standards.af import measures


class CutoffOutOfRange(BadParameter):
    """A cutoff k that is not a number of the standard's indicators (1 to `indicators`)."""

    def __init__(self, k: int, indicators: int) -> None:
        super().__init__(
            _("The cutoff k is a number of indicators from 1 to %(n)d.") % {"n": indicators}
        )
        self.k, self.indicators = k, indicators


@dataclass(frozen=True)
class AFResult:
    label: str
    population: float
    H: float
    A: float
    M0: float
    censored_headcounts: list[float]
    contributions: list[float]


@dataclass(frozen=True)
class AFReport:
    unit: AdminUnit
    year: int
    indicators: list[tuple[str, str]]
    k: int
    parameters: AFParameters  # the standard's own reading: its k and the article behind it
    person_level: bool
    total: AFResult
    by_unit: list[AFResult]
    by_area: list[AFResult]


def _measure(
    label: str, patterns: list[tuple[tuple[str, ...], float]], ids: list[str], k: int
) -> AFResult:
    rows = [[1 if i in pattern else 0 for i in ids] for pattern, _ in patterns]
    population = float(sum(w for _, w in patterns))
    if not rows or population == 0:
        zeros = [0.0] * len(ids)
        return AFResult(label, 0.0, 0.0, 0.0, 0.0, zeros, zeros)
    n = len(ids)
    result: Any = measures(rows, [1 / n] * n, k / n, unit_weights=[float(w) for _, w in patterns])
    return AFResult(
        label=label,
        population=population,
        H=float(result.H),
        A=float(result.A),
        M0=float(result.M0),
        censored_headcounts=[float(x) for x in result.censored_headcounts],
        contributions=[float(x) for x in result.contributions],
    )


def af_measures(
    *,
    actor: User,
    unit: AdminUnit,
    year: int,
    k: int | None = None,
    person_level: bool = False,
) -> AFReport:
    """H, A, M0, censored headcounts and contributions, in total, by commune and by area.

    The indicators and the default `k` are those of the standard the rounds applied
    (`Standard.af_parameters`: its own "deprived in at least N indicators" rule).
    """
    rounds = _rounds(actor, unit, year)
    standard_id = round_standard(rounds)
    parameters = standard_of(standard_id).af_parameters()
    columns = indicator_columns(standard_id)
    ids = [i for i, _ in columns]
    k = parameters.k if k is None else k
    if not 1 <= k <= len(ids):
        raise CutoffOutOfRange(k, len(ids))
    weight = "persons" if person_level else "households"
    buckets = grouped(
        Assessment.objects.filter(CLASSIFIED),
        {"households": Count("id"), "persons": Sum(PERSONS)},
        rounds=rounds,
        resolver=Resolver(),
        extra_keys=("deprived", frozen("area")),
    )
    communes = communes_within(unit)
    allowed = {c.pk for c in communes}
    by_commune: dict[int, list] = {}
    by_area: dict[str, list] = {}
    everything: list = []
    for (commune_id, pattern, area), bucket in buckets.items():
        if commune_id not in allowed:
            continue
        item = (tuple(pattern or ()), bucket.values.get(weight, Decimal(0)))
        by_commune.setdefault(commune_id, []).append(item)
        by_area.setdefault(area or "", []).append(item)
        everything.append(item)
    return AFReport(
        unit=unit,
        year=year,
        indicators=columns,
        k=k,
        parameters=parameters,
        person_level=person_level,
        total=_measure(unit.name, everything, ids, k),
        by_unit=[_measure(c.name, by_commune.get(c.pk, []), ids, k) for c in communes],
        by_area=[
            _measure(str(label), by_area[value], ids, k)
            for value, label in Area.choices
            if value in by_area
        ],
    )
