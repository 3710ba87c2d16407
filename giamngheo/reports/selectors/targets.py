"""Assigned targets against what the approved figures show (report-forms.md §5.7)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, scoped
from giamngheo.geo.models import AdminUnit, q_within
from giamngheo.reports.models import Target, TargetMeasure
from giamngheo.reports.selectors.breakdowns import household_groups
from giamngheo.reports.selectors.common import (
    MINORITY,
    NoApprovedRound,
    change_in_points,
    final_rounds,
    grouped,
    percent,
    require_aggregates,
)
from giamngheo.reports.selectors.figures import Summary
from giamngheo.reports.selectors.lineage import Resolver
from giamngheo.reviews.models import Assessment


@dataclass(frozen=True)
class TargetResult:
    target: Target
    achieved: Decimal | None
    met: bool | None


def minority_households(unit: AdminUnit, year: int) -> dict[int | None, Decimal]:
    """Ethnic-minority households of the year's approved rounds per today's commune: the
    group's denominator.

    The resident count holds no ethnic split, so the round's own list stands in, as approved (a
    periodic round lists every active household; report-forms.md §5.4: the rate within the
    group, not the group's share of the poor).
    """
    buckets = grouped(
        Assessment.objects.filter(MINORITY),
        {"n": Count("id")},
        rounds=list(final_rounds(unit, year)),
        resolver=Resolver(),
    )
    return {key[0]: bucket.values.get("n", Decimal(0)) for key, bucket in buckets.items()}


def minority_rates(*, actor: User, unit: AdminUnit, year: int) -> dict[int | None, Decimal | None]:
    """Poverty rate among ethnic-minority households, per commune (None key: the whole unit)."""
    table = household_groups(actor=actor, unit=unit, year=year)
    denominators = minority_households(unit, year)
    out: dict[int | None, Decimal | None] = {}
    for row in table.rows:
        out[row.unit_pk] = percent(
            row.values.get("poor_all_minority"), denominators.get(row.unit_pk)
        )
    total = sum((denominators.get(r.unit_pk, Decimal(0)) for r in table.rows), Decimal(0))
    out[None] = percent(table.total.values.get("poor_all_minority"), total)
    return out


def targets_for(*, actor: User, unit: AdminUnit, year: int) -> QuerySet[Target]:
    require_aggregates(actor, unit)
    return scoped(
        Target.objects.filter(q_within(unit, "unit"), year=year),
        actor,
        Capability.READ_AGGREGATES,
    ).select_related("unit")


def target_results(*, actor: User, summary: Summary) -> list[TargetResult]:
    """Each target of the unit and its communes for the summary's year, achieved or not."""
    rows = {row.unit_pk: row for row in summary.rows}
    rows[summary.unit.pk] = summary.total
    minority: dict | None = None
    out = []
    for target in targets_for(actor=actor, unit=summary.unit, year=summary.year):
        row = rows.get(target.unit_id)
        achieved = None
        if row is not None:
            if target.measure == TargetMeasure.POOR_RATE_REDUCTION:
                achieved = row.change("poor")
            elif target.measure == TargetMeasure.NEAR_POOR_RATE_REDUCTION:
                achieved = row.change("near_poor")
            elif target.measure == TargetMeasure.POOR_RATE_AT_MOST:
                achieved = row.rate("poor")
            else:
                if minority is None:
                    minority = _minority_change(actor, summary)
                key = None if target.unit_id == summary.unit.pk else target.unit_id
                achieved = minority.get(key)
        out.append(TargetResult(target, achieved, target.is_met(achieved)))
    return out


def _minority_change(actor: User, summary: Summary) -> dict:
    now = minority_rates(actor=actor, unit=summary.unit, year=summary.year)
    try:
        before = minority_rates(actor=actor, unit=summary.unit, year=summary.year - 1)
    except NoApprovedRound:
        return {}
    return {key: change_in_points(before.get(key), value) for key, value in now.items()}
