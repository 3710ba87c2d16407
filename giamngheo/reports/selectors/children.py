"""Form 11: children (under 16 on the review date) in poor and near-poor households.

The children are the members each assessment recorded (nutrition, health-insurance card and
schooling as on the review date), counted when the round was approved (`SnapshotEntry`), so an
approved year keeps its figures whatever the registry's members become.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from giamngheo.accounts.models import User
from giamngheo.geo.models import AdminUnit
from giamngheo.reports.selectors.breakdowns import CLASSES, Table, _rounds, _table
from giamngheo.reports.selectors.common import NEAR_POOR, POOR, frozen, grouped
from giamngheo.reports.selectors.lineage import Resolver
from giamngheo.reviews.models import Assessment

# Form 11 column → the approved count it sums.
COLUMNS = {
    "children": "children",
    "nutrition": "children_malnourished",
    "health_insurance": "children_uninsured",
    "school": "children_out_of_school",
}


def children(*, actor: User, unit: AdminUnit, year: int) -> Table:
    rounds = _rounds(actor, unit, year)
    annotations: dict[str, Any] = {}
    for klass, class_q in CLASSES.items():
        for column, attribute in COLUMNS.items():
            annotations[f"{klass}_{column}"] = Sum(frozen(attribute), filter=class_q)
    buckets = grouped(
        Assessment.objects.filter(POOR | NEAR_POOR), annotations, rounds=rounds, resolver=Resolver()
    )
    return _table(unit, year, buckets)
