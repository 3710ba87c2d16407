"""Everything the dashboard shows, in one read: key figures, trend, communes, deprivations."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can, has_capability, unit_q
from giamngheo.geo.models import AdminUnit, Area, Level
from giamngheo.reports.selectors import breakdowns, flows
from giamngheo.reports.selectors.common import NoApprovedRound, percent
from giamngheo.reports.selectors.figures import (
    Row,
    Summary,
    _sum_rows,
    chart_rates,
    report_years,
    trend,
    unit_summary,
    village_rows,
)
from giamngheo.reports.selectors.lineage import Resolver
from giamngheo.reports.selectors.programs import program_summary
from giamngheo.reports.selectors.targets import TargetResult, target_results


@dataclass
class Dashboard:
    unit: AdminUnit
    year: int
    years: list[int]
    summary: Summary
    trend: list[tuple[int, Row]]
    flows: flows.FlowRow | None
    deprivations: list[tuple[str, str, int, Decimal | None]]
    groups: dict[str, Any]
    by_area: list[tuple[str, Row]]
    ranked: list[Row]
    villages: list[Row]
    targets: list[TargetResult]
    programs: list = field(default_factory=list)
    can_list_households: bool = False

    def chart_data(self) -> dict[str, Any]:
        """Plain numbers for the client-side charts (json_script); a missing rate is a gap."""
        return {
            "trend": {
                "labels": [str(year) for year, _ in self.trend],
                **chart_rates(row for _, row in self.trend),
            },
            "communes": {
                "labels": [row.label for row in self.ranked],
                **chart_rates(self.ranked),
            },
            "deprivations": {
                "labels": [title for _, title, _, _ in self.deprivations],
                "share": [None if s is None else float(s) for _, _, _, s in self.deprivations],
            },
        }


def _by_area(summary: Summary) -> list[tuple[str, Row]]:
    """Urban and rural blocks by the commune's area, as in the legacy summary form."""
    out = []
    for value, label in Area.choices:
        rows = [r for r in summary.rows if r.unit is not None and r.unit.area == value]
        if rows:
            out.append((str(label), _sum_rows(rows, None, str(label))))
    return out


def dashboard(*, actor: User, unit: AdminUnit, year: int | None = None) -> Dashboard:
    years = report_years(actor=actor, unit=unit)
    if year is None:
        if not years:
            raise NoApprovedRound("")
        year = years[0]
    resolver = Resolver()
    summary = unit_summary(actor=actor, unit=unit, year=year, resolver=resolver, counts_only=True)
    history = trend(
        actor=actor,
        unit=unit,
        years=[y for y in years if y <= year][:8],
        resolver=resolver,
        counts_only=True,
    )
    # One resolver for every read: the units and successions are loaded once.
    movement = flows.unit_flows(
        actor=actor, unit=unit, year=year, persons=False, resolver=resolver
    ).total
    deprived = breakdowns.deprivations(
        actor=actor, unit=unit, year=year, klass="poor", resolver=resolver
    )
    poor = deprived.total.values.get("households", Decimal(0))
    deprivation_rows = [
        (i, title, deprived.total.count(i), percent(deprived.total.values.get(i), poor))
        for i, title in deprived.columns
    ]
    group_table = breakdowns.plain_groups(actor=actor, unit=unit, year=year, resolver=resolver)
    total = group_table.total
    groups = {
        key: {
            "poor": total.count(f"poor_all_{key}"),
            "near_poor": total.count(f"near_poor_all_{key}"),
            "share": percent(total.values.get(f"poor_all_{key}"), total.values.get("poor")),
        }
        for key in breakdowns.PLAIN_GROUPS
    }
    ranked = sorted(
        (r for r in summary.rows if r.households),
        key=lambda r: r.rate("poor") or Decimal(0),
        reverse=True,
    )
    villages = (
        village_rows(actor=actor, commune=unit, year=year) if unit.level == Level.COMMUNE else []
    )
    return Dashboard(
        unit=unit,
        year=year,
        years=years,
        summary=summary,
        trend=history,
        flows=movement,
        deprivations=deprivation_rows,
        groups=groups,
        by_area=_by_area(summary),
        ranked=ranked,
        villages=villages,
        targets=target_results(actor=actor, summary=summary),
        programs=_programs(actor),
        can_list_households=can(actor, Capability.READ_RECORDS, unit),
    )


def _programs(actor: User) -> list:
    if not can_read_programs(actor):
        return []
    return program_summary(actor=actor)


def can_read_programs(actor: User) -> bool:
    return has_capability(actor, Capability.READ_PROGRAMS)


def scoped_units(actor: User) -> QuerySet[AdminUnit]:
    """Today's province and communes the actor may choose in the unit picker."""
    return (
        AdminUnit.objects.filter(unit_q(actor, unit_field=""))
        .filter(level__in=[Level.PROVINCE, Level.COMMUNE], valid_to__isnull=True)
        .order_by("-level", "code")
    )
