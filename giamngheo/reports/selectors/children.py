"""Form 11: children (under 16 on the review date) in poor and near-poor households.

Children are the registry's members; their nutrition, health-insurance card and schooling are the
registry's latest values (the assessment keeps only the household's deprivations).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from giamngheo.accounts.models import User
from giamngheo.geo.models import AdminUnit
from giamngheo.households.vocab import ChildNutrition
from giamngheo.reports.selectors.breakdowns import CLASSES, Table, _rounds, _table
from giamngheo.reports.selectors.common import NEAR_POOR, POOR, grouped
from giamngheo.reports.selectors.lineage import Resolver
from giamngheo.reviews.models import Assessment

CHILD_AGE = 16  # Decree 07/2021/NĐ-CP: the child indicators concern members under 16
SCHOOL_FROM = 5


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def children(*, actor: User, unit: AdminUnit, year: int) -> Table:
    rounds = _rounds(actor, unit, year)
    m = "household__members__"
    child = Q(pk__in=[])
    school_age = Q(pk__in=[])
    for day in {r.review_date for r in rounds}:
        on_day = Q(round__review_date=day)
        child |= on_day & Q(**{f"{m}date_of_birth__gt": _years_before(day, CHILD_AGE)})
        school_age |= on_day & Q(**{f"{m}date_of_birth__lte": _years_before(day, SCHOOL_FROM)})
    child &= Q(**{f"{m}left_on__isnull": True})
    stunted = [ChildNutrition.STUNTED, ChildNutrition.UNDERWEIGHT]
    annotations: dict[str, Any] = {}
    for klass, class_q in CLASSES.items():
        kids = class_q & child
        annotations[f"{klass}_children"] = Count(f"{m}id", filter=kids)
        annotations[f"{klass}_nutrition"] = Count(
            f"{m}id", filter=kids & Q(**{f"{m}child_nutrition__in": stunted})
        )
        annotations[f"{klass}_health_insurance"] = Count(
            f"{m}id", filter=kids & Q(**{f"{m}health_insurance": False})
        )
        annotations[f"{klass}_school"] = Count(
            f"{m}id", filter=kids & school_age & Q(**{f"{m}in_school": False})
        )
    buckets = grouped(
        Assessment.objects.filter(POOR | NEAR_POOR), annotations, rounds=rounds, resolver=Resolver()
    )
    return _table(unit, year, buckets)
