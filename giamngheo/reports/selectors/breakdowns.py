"""Forms 4–10: deprivations, household groups, ethnicity and causes, per commune and in total."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from giamngheo.accounts.models import User
from giamngheo.geo.models import AdminUnit
from giamngheo.households.vocab import ETHNIC_GROUPS, KINH, PovertyCause
from giamngheo.reports.models import ProvinceSettings
from giamngheo.reports.selectors.common import (
    MINORITY,
    NEAR_POOR,
    PERSONS,
    POOR,
    Bucket,
    NoApprovedRound,
    final_rounds,
    frozen,
    grouped,
    json_list_has,
    percent,
    require_aggregates,
    whole_number,
    with_json_text,
)
from giamngheo.reports.selectors.lineage import Resolver, communes_within
from giamngheo.reviews.models import Assessment, DeprivationSummary, ReviewRound, RoundSummary
from giamngheo.reviews.version import remembered
from giamngheo.standards import Standard, load_standard
from giamngheo.standards.i18n import translation

CLASSES: dict[str, Q] = {"poor": POOR, "near_poor": NEAR_POOR}

# Form 8 (7.8 as amended by Circular 02/2022) subtracts the groups from the total (5 = 1−2−3−4),
# which only adds up if a household counts in one group: a person with meritorious service
# first, then no working capacity, then ethnic minority (report-forms.md §2, Form 8 caution).
MERIT = Q(**{frozen("has_merit_person"): True})
NO_CAPACITY = Q(**{frozen("no_working_capacity"): True})
GROUPS: dict[str, Q] = {
    "minority": MINORITY & ~MERIT & ~NO_CAPACITY,
    "no_capacity": NO_CAPACITY & ~MERIT,
    "merit": MERIT,
}
# Overlapping groups, each counted in full, for the dashboard's breakdowns.
PLAIN_GROUPS: dict[str, Q] = {
    "minority": MINORITY,
    "no_capacity": NO_CAPACITY,
    "merit": MERIT,
    "social_protection": Q(**{frozen("social_protection"): True}),
}
# The same groups as counted in each round's summary when it was frozen (`RoundSummary`).
SUMMARY_GROUPS: dict[str, str] = {
    "minority": "minority_households",
    "no_capacity": "no_capacity_households",
    "merit": "merit_households",
    "social_protection": "social_protection_households",
}
# Ethnic columns of Form 9 when a province has configured none: the larger groups of the Red
# River Delta and its northern fringe (Circular 02/2022 leaves the list to the province).
DEFAULT_ETHNIC_COLUMNS = ["02", "06", "07", "04", "18", "09"]
ETHNIC_NAMES = dict(ETHNIC_GROUPS)


@dataclass
class Table:
    """Counts per commune plus the total; `values` keys are the measure names."""

    unit: AdminUnit
    year: int
    rows: list[TableRow]
    total: TableRow
    columns: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class TableRow:
    unit: AdminUnit | None
    label: str
    values: dict[str, Decimal] = field(default_factory=dict)
    exact: bool = True

    def count(self, key: str) -> int:
        return whole_number(self.values.get(key, Decimal(0))) or 0

    def rate(self, key: str, of: str) -> Decimal | None:
        return percent(self.values.get(key, Decimal(0)), self.values.get(of))

    @property
    def unit_pk(self) -> int | None:
        """The unit's id; None for a row summing several units."""
        return self.unit.pk if self.unit is not None else None


def _rounds(actor: User, unit: AdminUnit, year: int) -> list[ReviewRound]:
    require_aggregates(actor, unit)
    return _final_rounds(unit, year)


def _final_rounds(unit: AdminUnit, year: int) -> list[ReviewRound]:
    rounds = list(final_rounds(unit, year))
    if not rounds:
        raise NoApprovedRound(year)
    return rounds


def _table(
    unit: AdminUnit,
    year: int,
    buckets: dict[tuple, Bucket],
    columns: list[tuple[str, str]] | None = None,
) -> Table:
    rows, total = [], TableRow(unit=unit, label=unit.name)
    total_bucket = Bucket()
    for commune in communes_within(unit):
        bucket = buckets.get((commune.pk,), Bucket())
        rows.append(TableRow(commune, commune.name, dict(bucket.values), bucket.exact))
        total_bucket.merge(bucket)
    total.values, total.exact = dict(total_bucket.values), total_bucket.exact
    return Table(unit=unit, year=year, rows=rows, total=total, columns=columns or [])


def round_standard(rounds: list[ReviewRound]) -> str:
    """The standard most of the year's rounds applied (all of them, normally)."""
    ids = Counter(r.standard for r in rounds if r.standard)
    return ids.most_common(1)[0][0] if ids else "vn-2022"


def standard_of(standard_id: str) -> Standard:
    """The standard a round stored; an unknown or provincial id on old rounds reads as vn-2022."""
    try:
        return load_standard(standard_id)
    except Exception:
        return load_standard("vn-2022")


def indicator_columns(standard_id: str, lang: str = "vi") -> list[tuple[str, str]]:
    """(indicator id, heading) in the standard's order: the columns of Forms 4–7."""
    standard = standard_of(standard_id)
    gettext = translation(lang if lang in ("vi", "en") else "vi").gettext
    return [(spec.id, gettext(spec.title)) for spec in standard.indicators]


def deprivations(
    *,
    actor: User,
    unit: AdminUnit,
    year: int,
    klass: str = "poor",
    resolver: Resolver | None = None,
) -> Table:
    """Forms 4–7: households of the class deprived on each indicator; rates over the class.

    Read from the rounds' summaries, counted when each round was frozen: `DeprivationSummary`
    for the indicators and `RoundSummary` for the class's households, grouped as Form 1 is
    (`deprivation_annotations` over the assessments is the definition they are checked against).
    """
    require_aggregates(actor, unit)
    resolver = resolver or Resolver()
    return _kept_unit(
        remembered(
            "deprivations",
            (unit.pk, year, klass),
            lambda: _deprivations(unit, year, klass, resolver),
        ),
        unit,
    )


def _kept_unit(table: Table, unit: AdminUnit) -> Table:
    """A kept table given the caller's own unit instance, as `figures._kept_unit`."""
    table.unit = table.total.unit = unit
    return table


def _deprivations(unit: AdminUnit, year: int, klass: str, resolver: Resolver) -> Table:
    rounds = _final_rounds(unit, year)
    columns = indicator_columns(round_standard(rounds))
    indicators = [indicator for indicator, _title in columns]
    buckets = grouped(
        RoundSummary.objects.filter(poverty_class=klass),
        {"households": Coalesce(Sum("households"), Value(0))},
        rounds=rounds,
        resolver=resolver,
        village="village_id",
    )
    deprived = grouped(
        DeprivationSummary.objects.filter(poverty_class=klass, indicator__in=indicators),
        {i: Coalesce(Sum("households", filter=Q(indicator=i)), Value(0)) for i in indicators},
        rounds=rounds,
        resolver=resolver,
        village="village_id",
    )
    for key, bucket in deprived.items():
        buckets.setdefault(key, Bucket()).merge(bucket)
    table = _table(unit, year, buckets, columns)
    for row in [*table.rows, table.total]:
        row.values["total_deprivations"] = sum(
            (row.values.get(i, Decimal(0)) for i in indicators), Decimal(0)
        )
    return table


def deprivation_annotations(klass: str, indicators: list[str]) -> dict[str, Any]:
    """Forms 4–7's counts over assessments (with `with_json_text(..., "deprived")`): the direct
    definition the summaries read by `deprivations` are checked against."""
    class_q = CLASSES[klass]
    annotations: dict[str, Any] = {"households": Count("id", filter=class_q)}
    for indicator in indicators:
        annotations[indicator] = Count("id", filter=class_q & json_list_has("deprived", indicator))
    return annotations


def household_groups(*, actor: User, unit: AdminUnit, year: int) -> Table:
    """Form 8 (households and persons) plus the overlapping groups of the dashboard."""
    rounds = _rounds(actor, unit, year)
    annotations: dict[str, Any] = {}
    for klass, class_q in CLASSES.items():
        annotations[f"{klass}"] = Count("id", filter=class_q)
        annotations[f"{klass}_persons"] = Sum(PERSONS, filter=class_q)
        for group, group_q in GROUPS.items():
            annotations[f"{klass}_{group}"] = Count("id", filter=class_q & group_q)
            annotations[f"{klass}_{group}_persons"] = Sum(PERSONS, filter=class_q & group_q)
        for group, group_q in PLAIN_GROUPS.items():
            annotations[f"{klass}_all_{group}"] = Count("id", filter=class_q & group_q)
    buckets = grouped(
        Assessment.objects.filter(POOR | NEAR_POOR), annotations, rounds=rounds, resolver=Resolver()
    )
    table = _table(unit, year, buckets)
    for row in [*table.rows, table.total]:
        for klass in CLASSES:
            for suffix in ("", "_persons"):
                groups = sum(
                    (row.values.get(f"{klass}_{g}{suffix}", Decimal(0)) for g in GROUPS),
                    Decimal(0),
                )
                row.values[f"{klass}_other{suffix}"] = (
                    row.values.get(f"{klass}{suffix}", Decimal(0)) - groups
                )
    return table


def plain_groups(
    *, actor: User, unit: AdminUnit, year: int, resolver: Resolver | None = None
) -> Table:
    """The dashboard's groups among the poor and near-poor, each counted in full.

    Read from the rounds' summaries (`RoundSummary`, one column per group of `PLAIN_GROUPS`,
    counted from the snapshot when the round was frozen), grouped as Form 1 is.
    """
    require_aggregates(actor, unit)
    resolver = resolver or Resolver()
    return _kept_unit(
        remembered("plain_groups", (unit.pk, year), lambda: _plain_groups(unit, year, resolver)),
        unit,
    )


def _plain_groups(unit: AdminUnit, year: int, resolver: Resolver) -> Table:
    rounds = _final_rounds(unit, year)
    annotations: dict[str, Any] = {}
    for klass, class_q in CLASSES.items():
        annotations[klass] = Coalesce(Sum("households", filter=class_q), Value(0))
        for group, column in SUMMARY_GROUPS.items():
            annotations[f"{klass}_all_{group}"] = Coalesce(Sum(column, filter=class_q), Value(0))
    buckets = grouped(
        RoundSummary.objects.filter(poverty_class__in=list(CLASSES)),
        annotations,
        rounds=rounds,
        resolver=resolver,
        village="village_id",
    )
    return _table(unit, year, buckets)


def ethnic_columns(unit: AdminUnit) -> list[str]:
    province = unit.province()
    settings = ProvinceSettings.objects.filter(unit=province).first() if province else None
    codes = settings.ethnic_columns if settings and settings.ethnic_columns else None
    return [c for c in (codes or DEFAULT_ETHNIC_COLUMNS) if c in ETHNIC_NAMES and c != KINH]


def ethnicity(*, actor: User, unit: AdminUnit, year: int) -> Table:
    """Form 9: poor and near-poor by the head's ethnic group; unlisted groups go to "Khác"."""
    rounds = _rounds(actor, unit, year)
    codes = ethnic_columns(unit)
    annotations = {k: Count("id", filter=q) for k, q in CLASSES.items()}
    raw = grouped(
        Assessment.objects.filter(POOR | NEAR_POOR),
        annotations,
        rounds=rounds,
        resolver=Resolver(),
        extra_keys=(frozen("head_ethnicity"),),
    )
    buckets: dict[tuple, Bucket] = {}
    for (commune_id, ethnic), bucket in raw.items():
        target = buckets.setdefault((commune_id,), Bucket())
        column = "kinh" if ethnic == KINH else (ethnic if ethnic in codes else "other")
        for klass in CLASSES:
            value = bucket.values.get(klass, Decimal(0))
            target.values[f"{klass}"] += value
            target.values[f"{klass}_{column}"] += value
            if ethnic != KINH:
                target.values[f"{klass}_minority"] += value
        target.exact = target.exact and bucket.exact
    return _table(unit, year, buckets, [(c, ETHNIC_NAMES[c]) for c in codes])


def causes(*, actor: User, unit: AdminUnit, year: int) -> Table:
    """Form 10: households giving each cause (a household may give several), by class."""
    rounds = _rounds(actor, unit, year)
    annotations: dict[str, Any] = {}
    for klass, class_q in CLASSES.items():
        annotations[klass] = Count("id", filter=class_q)
        for cause in PovertyCause.values:
            annotations[f"{klass}_{cause}"] = Count(
                "id", filter=class_q & json_list_has(frozen("causes"), cause)
            )
    buckets = grouped(
        with_json_text(Assessment.objects.filter(POOR | NEAR_POOR), frozen("causes")),
        annotations,
        rounds=rounds,
        resolver=Resolver(),
    )
    return _table(unit, year, buckets, [(c.value, str(c.label)) for c in PovertyCause])
