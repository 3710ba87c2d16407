"""Forms 2 and 3: movements of poor and near-poor households over the period, with the identity.

Column numbers are the forms' (report-forms.md §2): 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from giamngheo.accounts.models import User
from giamngheo.geo.models import AdminUnit
from giamngheo.reports.selectors.common import (
    Bucket,
    JSONArrayLength,
    NoApprovedRound,
    final_rounds,
    grouped,
    require_aggregates,
    whole_number,
)
from giamngheo.reports.selectors.lineage import Resolver, communes_within
from giamngheo.reviews.flows import END_COLUMN, FORM_COLUMNS, IDENTITY, START_COLUMN
from giamngheo.reviews.models import FlowSummary, Outcome, SnapshotEntry
from giamngheo.reviews.version import remembered

# Form → column → the outcomes it counts; the columns themselves are `reviews.flows.FORM_COLUMNS`.
FORMS: dict[str, dict[int, Q]] = {
    form: {number: column.q() for number, column in columns.items()}
    for form, columns in FORM_COLUMNS.items()
}


@dataclass
class FlowRow:
    unit: AdminUnit | None
    label: str
    households: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    persons: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    exact: bool = True

    def value(self, form: str, column: int, *, persons: bool = False) -> int:
        source = self.persons if persons else self.households
        return whole_number(source.get(form, {}).get(column, Decimal(0))) or 0

    def expected_end(self, form: str) -> int:
        return self.value(form, START_COLUMN) + sum(
            sign * self.value(form, c) for c, sign in IDENTITY.items()
        )

    def identity_holds(self, form: str) -> bool:
        return self.expected_end(form) == self.value(form, END_COLUMN)

    @property
    def escaped(self) -> int:
        return self.value("poor", 2) + self.value("poor", 3)

    @property
    def cross_checks_hold(self) -> bool:
        """Form 2 col 5 = Form 3 col 2 and Form 2 col 2 = Form 3 col 5 (report-forms.md §5.10)."""
        return self.value("poor", 5) == self.value("near_poor", 2) and self.value(
            "poor", 2
        ) == self.value("near_poor", 5)


@dataclass
class Flows:
    unit: AdminUnit
    year: int
    rows: list[FlowRow]
    total: FlowRow

    @property
    def failures(self) -> list[FlowRow]:
        return [r for r in [*self.rows, self.total] if not all(r.identity_holds(f) for f in FORMS)]


def _annotations(*, joined: bool) -> dict:
    """Persons from the outcomes joined to their assessments (`joined`), or households counted
    over outcomes."""
    out = {}
    for form, columns in FORMS.items():
        for column, q in columns.items():
            if joined:
                size = Coalesce(JSONArrayLength("household__assessments__members"), 0)
                out[f"{form}_{column}"] = Sum(size, filter=q)
            else:
                out[f"{form}_{column}"] = Count("id", filter=q)
    return out


def _summary_annotations() -> dict:
    """Households per column summed over the rounds' `FlowSummary` rows (same conditions)."""
    return {
        f"{form}_{column}": Coalesce(Sum("households", filter=q), Value(0))
        for form, columns in FORMS.items()
        for column, q in columns.items()
    }


def approved_village() -> Coalesce:
    """An outcome's village as its round approved it; a household that left the lists before the
    review has no entry in the round, so its registry village stands in."""
    entry = SnapshotEntry.objects.filter(
        snapshot__round=OuterRef("round"), household=OuterRef("household")
    ).values("village_id")[:1]
    return Coalesce(Subquery(entry), F("household__unit_id"), output_field=IntegerField())


def _unpack(bucket: Bucket) -> dict[str, dict[int, Decimal]]:
    out: dict[str, dict[int, Decimal]] = {form: {} for form in FORMS}
    for key, value in bucket.values.items():
        form, column = key.rsplit("_", 1)
        out[form][int(column)] = value
    return out


def unit_flows(
    *,
    actor: User,
    unit: AdminUnit,
    year: int,
    persons: bool = True,
    resolver: Resolver | None = None,
) -> Flows:
    """Movements by commune; persons are counted from each household's assessment that round."""
    require_aggregates(actor, unit)
    resolver = resolver or Resolver()
    flows = remembered(
        "flows", (unit.pk, year, persons), lambda: _unit_flows(unit, year, persons, resolver)
    )
    flows.unit = flows.total.unit = unit
    return flows


def _unit_flows(unit: AdminUnit, year: int, persons: bool, resolver: Resolver) -> Flows:
    rounds = list(final_rounds(unit, year))
    if not rounds:
        raise NoApprovedRound(year)
    # Households from each round's movements counted when it was frozen (`FlowSummary`).
    counts = grouped(
        FlowSummary.objects.all(),
        _summary_annotations(),
        rounds=rounds,
        resolver=resolver,
        village="village_id",
    )
    people = (
        grouped(
            Outcome.objects.filter(
                household__assessments__round=F("round"),
                household__assessments__round__in=rounds,
            ),
            _annotations(joined=True),
            rounds=rounds,
            resolver=resolver,
            village=approved_village(),
        )
        if persons
        else {}
    )
    rows = []
    total = FlowRow(unit=unit, label=unit.name)
    total_counts, total_persons = Bucket(), Bucket()
    for commune in communes_within(unit):
        c = counts.get((commune.pk,), Bucket())
        p = people.get((commune.pk,), Bucket())
        rows.append(
            FlowRow(
                unit=commune,
                label=commune.name,
                households=_unpack(c),
                persons=_unpack(p),
                exact=c.exact,
            )
        )
        total_counts.merge(c)
        total_persons.merge(p)
    total.households, total.persons = _unpack(total_counts), _unpack(total_persons)
    total.exact = total_counts.exact
    return Flows(unit=unit, year=year, rows=rows, total=total)
