"""Shared pieces of the statistics: which rounds count, the measures, grouping onto today's map.

Every figure is one `Count`/`Sum` with a filter (`MEASURES`), grouped in the database by the unit
the data was recorded under; the same filter lists the households behind the figure, so a
number and its list can never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Count,
    Expression,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.errors import NotAvailable
from giamngheo.geo.models import AdminUnit
from giamngheo.geo.selectors import scope_roots
from giamngheo.households.rates import percent as percent
from giamngheo.households.vocab import KINH, PovertyClass
from giamngheo.reports.selectors.lineage import Resolver
from giamngheo.reviews.models import ReviewRound, RoundStatus, RoundType

FINAL_STATUSES = (RoundStatus.APPROVED, RoundStatus.REPORTED)


class NoApprovedRound(NotAvailable):
    """No approved review for the unit and year: there is nothing official to report."""

    title = gettext_lazy("No approved figures")

    def __init__(self, year: int | str = "", message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "There are no approved review results for %(year)s in this unit yet. Figures "
                "appear once the commune chairman has approved the round."
            )
            % {"year": year}
        )
        self.year = year


class JSONArrayLength(Func):
    """Members listed in an assessment: the persons ("nhân khẩu") of a household that year."""

    function = "json_array_length"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="jsonb_array_length", **extra)


def json_list_has(field_name: str, value: str) -> Q:
    """Rows whose JSON list `field_name` holds `value` (SQLite has no JSON containment)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field_name}__contains": [value]})
    return Q(**{f"{field_name.replace('__', '_')}_text__contains": f'"{value}"'})


def with_json_text(queryset: QuerySet, *field_names: str) -> QuerySet:
    if connection.vendor == "postgresql":
        return queryset
    return queryset.annotate(
        **{f"{name.replace('__', '_')}_text": Cast(name, TextField()) for name in field_names}
    )


PERSONS = Coalesce(JSONArrayLength("members"), Value(0))

POOR = Q(poverty_class=PovertyClass.POOR)
NEAR_POOR = Q(poverty_class=PovertyClass.NEAR_POOR)
MIDDLE = Q(poverty_class=PovertyClass.MIDDLE)
MIDDLE_NLNN = MIDDLE & Q(facts__nlnn=True)
CLASSIFIED = ~Q(poverty_class="")

# A household's attributes as its round approved them. Reports read approved (or reported) rounds
# only, and approval freezes each assessed household into a `SnapshotEntry` (`assessment.frozen`),
# so moving a household or editing its flags afterwards never changes a published figure. Drafts
# have no snapshot and are in no report (`final_rounds`).
FROZEN_FIELDS = {
    "village": "village_id",
    "village_name": "village",
    "area": "area",
    "head_ethnicity": "head_ethnicity",
    "has_merit_person": "has_merit_person",
    "social_protection": "social_protection",
    "no_working_capacity": "no_working_capacity",
    "causes": "causes",
    "children": "children",
    "children_malnourished": "children_malnourished",
    "children_uninsured": "children_uninsured",
    "children_out_of_school": "children_out_of_school",
}


def frozen(attribute: str, assessment_path: str = "") -> str:
    """The lookup of a household attribute as approved, from an Assessment (or via a path to one)."""
    prefix = f"{assessment_path}__" if assessment_path else ""
    return f"{prefix}frozen__{FROZEN_FIELDS[attribute]}"


MINORITY = ~Q(**{frozen("head_ethnicity"): KINH})

# Form 1 (report-forms.md §2): classes and the persons in them, over an Assessment queryset.
CLASS_MEASURES: dict[str, Q] = {
    "poor": POOR,
    "near_poor": NEAR_POOR,
    "middle": MIDDLE,
    "middle_nlnn": MIDDLE_NLNN,
}


def class_annotations() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, q in CLASS_MEASURES.items():
        out[key] = Count("id", filter=q)
        out[f"{key}_persons"] = Sum(PERSONS, filter=q)
    return out


# The same measures over `reviews.RoundSummary` (each approved round counted once per approved
# village and class when it was frozen): (households column, persons column, which class). Form 1
# and everything built on it read these; `class_annotations` stays the direct definition, over
# assessments, that the summaries are checked against (`reports/tests/test_summaries.py`).
SUMMARY_MEASURES: dict[str, tuple[str, str, Q]] = {
    "poor": ("households", "persons", POOR),
    "near_poor": ("households", "persons", NEAR_POOR),
    "middle": ("households", "persons", MIDDLE),
    "middle_nlnn": ("nlnn_households", "nlnn_persons", MIDDLE),
}


def summary_annotations(keys: Iterable[str], *, persons: bool = True) -> dict[str, Any]:
    """`class_annotations` over summary rows (`keys` of `SUMMARY_MEASURES`)."""
    out: dict[str, Any] = {}
    for key in keys:
        households, people, q = SUMMARY_MEASURES[key]
        out[key] = Coalesce(Sum(households, filter=q), Value(0))
        if persons:
            out[f"{key}_persons"] = Sum(people, filter=q)
    return out


# Only these classes are counted in Form 1; filtering on them first lets the database read a
# tenth of the assessments through the (round, class) index.
COUNTED_CLASSES = Q(
    poverty_class__in=[PovertyClass.POOR, PovertyClass.NEAR_POOR, PovertyClass.MIDDLE]
)


def require_aggregates(actor: User, unit: AdminUnit) -> None:
    if not can(actor, Capability.READ_AGGREGATES, unit):
        raise PermissionDenied(_("This unit is outside your area, or your role cannot see it."))


def final_rounds(unit: AdminUnit, year: int) -> QuerySet[ReviewRound]:
    """The year's approved periodic rounds of every commune (of any era) in `unit`'s territory."""
    return ReviewRound.objects.filter(
        AdminUnit.objects.within(scope_roots(unit), field="unit"),
        year=year,
        round_type=RoundType.PERIODIC,
        status__in=FINAL_STATUSES,
    )


@dataclass
class Bucket:
    """Summed counts placed on one of today's communes; inexact once anything was apportioned."""

    values: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    exact: bool = True

    def add(self, row: dict[str, Any], weight: Decimal, exact: bool) -> None:
        for key, value in row.items():
            if value is not None:
                self.values[key] += Decimal(value) * weight
        self.exact = self.exact and exact

    def merge(self, other: Bucket) -> None:
        for key, value in other.values.items():
            self.values[key] += value
        self.exact = self.exact and other.exact


def grouped(
    queryset: QuerySet,
    annotations: dict[str, Any],
    *,
    rounds: list[ReviewRound],
    resolver: Resolver,
    extra_keys: tuple[str, ...] = (),
    village: str | Expression | None = None,
) -> dict[tuple, Bucket]:
    """Aggregate `queryset` (rows with a `round`) onto today's communes.

    Rounds of a commune that went whole into one of today's communes are grouped by round; the
    rounds of a split commune by the household's village as approved (`village`: for assessments
    their frozen village, the default; for round summaries their `village_id`), which may place
    them exactly.
    """
    resolver.prefetch({r.unit_id for r in rounds})
    unit_of_round = {r.pk: r.unit_id for r in rounds}
    whole = [r.pk for r in rounds if not resolver.needs_village_detail(r.unit_id)]
    split = [r.pk for r in rounds if resolver.needs_village_detail(r.unit_id)]
    out: dict[tuple, Bucket] = defaultdict(Bucket)
    village = frozen("village") if village is None else village
    if not isinstance(village, str):
        queryset, village = queryset.annotate(approved_village=village), "approved_village"
    # Whole rounds group by the round itself (no join); split ones by the approved village.
    for ids, unit_key in ((whole, "round_id"), (split, village)):
        if not ids:
            continue
        rows = list(
            queryset.filter(round_id__in=ids)
            .values(unit_key, *extra_keys)
            .annotate(**annotations)
            .order_by()
        )
        if unit_key == village:
            resolver.prefetch({row[unit_key] for row in rows})
        for row in rows:
            key = row.pop(unit_key)
            unit_id = unit_of_round[key] if unit_key == "round_id" else key
            extra = tuple(_hashable(row.pop(k)) for k in extra_keys)
            for placement in resolver.resolve(unit_id):
                out[(placement.commune_id, *extra)].add(row, placement.weight, placement.exact)
    return out


def _hashable(value: Any) -> Any:
    return tuple(sorted(value)) if isinstance(value, list) else value


def whole_number(value: Decimal | None) -> int | None:
    """Apportioned counts are fractional; they are shown rounded, and flagged."""
    if value is None:
        return None
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def change_in_points(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    """Positive = the rate fell by that many points (report-forms.md §5.7: start − end)."""
    if before is None or after is None:
        return None
    return before - after
