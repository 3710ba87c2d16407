"""Form 1 figures (households, classes, rates) per unit and year, and their trend over years."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from giamngheo.accounts.models import User
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.geo.selectors import scope_roots
from giamngheo.households.models import ResidentCount
from giamngheo.households.vocab import PovertyClass
from giamngheo.reports.selectors.common import (
    COUNTED_CLASSES,
    FINAL_STATUSES,
    Bucket,
    NoApprovedRound,
    change_in_points,
    class_annotations,
    final_rounds,
    frozen,
    grouped,
    percent,
    require_aggregates,
    summary_annotations,
    whole_number,
)
from giamngheo.reports.selectors.lineage import Resolver, communes_within
from giamngheo.reviews.models import Assessment, ReviewRound, RoundSummary, RoundType
from giamngheo.reviews.version import remembered

CLASS_KEYS = ("poor", "near_poor", "middle", "middle_nlnn")
POOR_CLASS, NEAR_POOR_CLASS = PovertyClass.POOR, PovertyClass.NEAR_POOR


@dataclass
class Row:
    """One unit's summed counts; every rate is recomputed from them (never averaged)."""

    unit: AdminUnit | None
    label: str
    households: Decimal | None = None
    persons: Decimal | None = None
    counts: dict[str, Decimal] = field(default_factory=dict)
    exact: bool = True
    previous: Row | None = None

    @property
    def unit_pk(self) -> int | None:
        """The unit's id; None for a row summing several units."""
        return self.unit.pk if self.unit is not None else None

    def count(self, key: str) -> int | None:
        return whole_number(self.counts.get(key, Decimal(0)))

    def rate(self, key: str) -> Decimal | None:
        return percent(self.counts.get(key, Decimal(0)), self.households)

    def persons_rate(self, key: str) -> Decimal | None:
        return percent(self.counts.get(f"{key}_persons", Decimal(0)), self.persons)

    def change(self, key: str = "poor") -> Decimal | None:
        """Points the rate fell since the previous year's approved figures."""
        if self.previous is None:
            return None
        return change_in_points(self.previous.rate(key), self.rate(key))

    @property
    def combined_rate(self) -> Decimal | None:
        """Poor + near-poor: the sum of the two rates (report-forms.md §5.3)."""
        poor, near = self.rate("poor"), self.rate("near_poor")
        return None if poor is None or near is None else poor + near


@dataclass
class Summary:
    unit: AdminUnit
    year: int
    rows: list[Row]
    total: Row
    rounds: list[ReviewRound]

    @property
    def apportioned(self) -> bool:
        return not self.total.exact


def _sum_rows(rows: list[Row], unit: AdminUnit | None, label: str) -> Row:
    total = Row(unit=unit, label=label)
    households = persons = Decimal(0)
    has_t = has_p = False
    for row in rows:
        for key, value in row.counts.items():
            total.counts[key] = total.counts.get(key, Decimal(0)) + value
        if row.households is not None:
            households += row.households
            has_t = True
        if row.persons is not None:
            persons += row.persons
            has_p = True
        total.exact = total.exact and row.exact
    total.households = households if has_t else None
    total.persons = persons if has_p else None
    return total


def _denominators(unit: AdminUnit, year: int, resolver: Resolver) -> dict[int, Bucket]:
    """Each of today's communes' resident households and persons (ResidentCount), re-aggregated."""
    out: dict[int, Bucket] = {}
    rows = (
        ResidentCount.objects.filter(
            AdminUnit.objects.within(scope_roots(unit), field="unit"), year=year
        )
        .values("unit_id")
        .annotate(households=Sum("households"), persons=Sum("persons"))
        .order_by()
    )
    rows = list(rows)
    resolver.prefetch({row["unit_id"] for row in rows})
    for row in rows:
        unit_id = row.pop("unit_id")
        for p in resolver.resolve(unit_id):
            bucket = out.setdefault(p.commune_id, Bucket())
            bucket.add(row, p.weight, p.exact)
            if row["persons"] is None:
                bucket.values["persons_missing"] += 1
    return out


def _year_rows(
    unit: AdminUnit, year: int, *, resolver: Resolver | None = None, counts_only: bool = False
) -> Summary | None:
    """One year's rows; memoised on the resolver, which lives as long as one report."""
    resolver = resolver or Resolver()
    memo = resolver.__dict__.setdefault("_year_rows", {})
    key = (unit.pk, year, counts_only)
    if key not in memo:
        memo[key] = _kept_unit(
            remembered(
                "year_rows", key, lambda: _compute_year_rows(unit, year, resolver, counts_only)
            ),
            unit,
        )
    return memo[key]


def _kept_unit(summary: Summary | None, unit: AdminUnit) -> Summary | None:
    """A kept summary given the caller's own unit instance (what the request already knows of
    it stays with it), not the copy that was kept with the figures."""
    if summary is not None:
        summary.unit = summary.total.unit = unit
    return summary


def _compute_year_rows(
    unit: AdminUnit, year: int, resolver: Resolver, counts_only: bool
) -> Summary | None:
    rounds = list(final_rounds(unit, year))
    if not rounds:
        return None
    # Each approved round was counted once by approved village and class when it was frozen
    # (`RoundSummary`): a year reads a few rows per village, not every assessment.
    if counts_only:
        # Poor and near-poor counts only (the dashboard and trends need no persons).
        keys: tuple[str, ...] = ("poor", "near_poor")
        classes = [POOR_CLASS, NEAR_POOR_CLASS]
    else:
        keys, classes = CLASS_KEYS, [POOR_CLASS, NEAR_POOR_CLASS, PovertyClass.MIDDLE]
    buckets = grouped(
        RoundSummary.objects.filter(poverty_class__in=classes),
        summary_annotations(keys, persons=not counts_only),
        rounds=rounds,
        resolver=resolver,
        village="village_id",
    )
    denominators = _denominators(unit, year, resolver)
    rows = []
    for commune in communes_within(unit):
        bucket = buckets.get((commune.pk,), Bucket())
        denominator = denominators.get(commune.pk)
        row = Row(unit=commune, label=commune.name, counts=dict(bucket.values))
        row.exact = bucket.exact and (denominator is None or denominator.exact)
        if denominator is not None:
            row.households = denominator.values["households"]
            if not denominator.values.get("persons_missing"):
                row.persons = denominator.values["persons"]
        rows.append(row)
    total = _sum_rows(rows, unit, unit.name)
    return Summary(unit=unit, year=year, rows=rows, total=total, rounds=rounds)


def _summary(unit: AdminUnit, year: int, resolver: Resolver, counts_only: bool) -> Summary:
    """The year's rows with last year's beside them: the one definition behind every surface."""
    summary = _year_rows(unit, year, resolver=resolver, counts_only=counts_only)
    if summary is None:
        raise NoApprovedRound(year)
    before = _year_rows(unit, year - 1, resolver=resolver, counts_only=counts_only)
    if before is not None:
        previous = {row.unit_pk: row for row in before.rows}
        for row in summary.rows:
            row.previous = previous.get(row.unit_pk)
        summary.total.previous = before.total
    return summary


def _years(unit: AdminUnit) -> list[int]:
    return remembered("years", (unit.pk,), lambda: _compute_years(unit))


def _compute_years(unit: AdminUnit) -> list[int]:
    years = (
        ReviewRound.objects.filter(
            AdminUnit.objects.within(scope_roots(unit), field="unit"),
            round_type=RoundType.PERIODIC,
            status__in=FINAL_STATUSES,
        )
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def _trend(
    unit: AdminUnit, years: list[int], resolver: Resolver, counts_only: bool
) -> list[tuple[int, Row]]:
    out = []
    for year in sorted(years):
        summary = _year_rows(unit, year, resolver=resolver, counts_only=counts_only)
        if summary is not None:
            out.append((year, summary.total))
    return out


def unit_summary(
    *,
    actor: User,
    unit: AdminUnit,
    year: int,
    resolver: Resolver | None = None,
    counts_only: bool = False,
) -> Summary:
    """Form 1 for `unit` (province: one row per commune) in `year`, with last year's figures.

    `counts_only`: poor and near-poor households and their rates, nothing else (dashboards).
    """
    require_aggregates(actor, unit)
    return _summary(unit, year, resolver or Resolver(), counts_only)


def report_years(*, actor: User, unit: AdminUnit) -> list[int]:
    """Years with at least one approved periodic round in the unit's territory, newest first."""
    require_aggregates(actor, unit)
    return _years(unit)


def trend(
    *,
    actor: User,
    unit: AdminUnit,
    years: list[int] | None = None,
    resolver: Resolver | None = None,
    counts_only: bool = False,
) -> list[tuple[int, Row]]:
    """(year, the unit's total row) for each year with approved figures, oldest first."""
    require_aggregates(actor, unit)
    chosen = years if years is not None else _years(unit)
    return _trend(unit, chosen, resolver or Resolver(), counts_only)


def village_rows(*, actor: User, commune: AdminUnit, year: int) -> list[Row]:
    """Counts by village (as approved) of a commune; villages have no resident total, so no rate."""
    require_aggregates(actor, commune)
    if commune.level != Level.COMMUNE:
        return []
    return remembered("village_rows", (commune.pk, year), lambda: _village_rows(commune, year))


def _village_rows(commune: AdminUnit, year: int) -> list[Row]:
    rounds = list(final_rounds(commune, year))
    if not rounds:
        raise NoApprovedRound(year)
    rows = (
        Assessment.objects.filter(COUNTED_CLASSES, round__in=rounds)
        .values(frozen("village"), frozen("village_name"))
        .annotate(**class_annotations())
        .order_by(frozen("village_name"))
    )
    out = []
    for row in rows:
        unit_id = row.pop(frozen("village"))
        name = row.pop(frozen("village_name"))
        unit = AdminUnit(pk=unit_id, name=name)
        out.append(Row(unit=unit, label=name, counts={k: Decimal(v or 0) for k, v in row.items()}))
    return out


def published_summary(*, unit: AdminUnit, year: int, resolver: Resolver | None = None) -> Summary:
    """`unit_summary`'s poor and near-poor figures for the public portal: approved aggregates
    are public, so no actor is needed."""
    return _summary(unit, year, resolver or Resolver(), counts_only=True)


def published_years(*, unit: AdminUnit) -> list[int]:
    """`report_years` for the public portal."""
    return _years(unit)


def published_trend(
    *, unit: AdminUnit, years: list[int], resolver: Resolver | None = None
) -> list[tuple[int, Row]]:
    """`trend` for the public portal; given `published_summary`'s resolver, the years it read
    are not read again."""
    return _trend(unit, years, resolver or Resolver(), counts_only=True)


def chart_rates(rows: Iterable[Row]) -> dict[str, list[float | None]]:
    """Poverty and near-poverty rates of `rows` for a chart (JSON numbers).

    A missing rate (no resident count, no households) stays None: the chart leaves a gap
    rather than drawing a 0 % the data never said.
    """
    rows = list(rows)
    return {
        key: [None if (rate := row.rate(key)) is None else float(rate) for row in rows]
        for key in ("poor", "near_poor")
    }
