"""Public reads: published news, approved aggregates, and the posting lists the law requires.

Posting lists show only what Decision 24/2021/QĐ-TTg has the commune post: the head of household's
name, the village and the class, as the round froze them on approval; the live registry is never
read for them, so a later rename or move does not change a published list.
"""

from __future__ import annotations

from django.db.models import QuerySet

from giamngheo.geo.models import AdminUnit, Level
from giamngheo.households.vocab import PovertyClass
from giamngheo.portal.models import Article, Category, SupportPolicy
from giamngheo.reports.selectors.common import FINAL_STATUSES
from giamngheo.reviews.models import ReviewRound, RoundSnapshot

POSTED_CLASSES = (PovertyClass.POOR, PovertyClass.NEAR_POOR)


def latest_articles(*, limit: int = 10) -> QuerySet[Article]:
    return Article.objects.published().select_related("category")[:limit]


def category_articles(*, category: Category) -> QuerySet[Article]:
    return Article.objects.published().filter(category=category).select_related("category")


def public_units() -> QuerySet[AdminUnit]:
    return AdminUnit.objects.current().filter(level__in=[Level.PROVINCE, Level.COMMUNE])


def public_provinces() -> QuerySet[AdminUnit]:
    return AdminUnit.objects.current().filter(level=Level.PROVINCE).order_by("code")


def posted_rounds(*, limit: int = 200) -> QuerySet[ReviewRound]:
    return (
        ReviewRound.objects.filter(status__in=FINAL_STATUSES)
        .select_related("unit")
        .order_by("-year", "unit__name")[:limit]
    )


def posting_list(*, review_round: ReviewRound) -> list[dict] | None:
    """Names, village and class of the round's poor and near-poor households, nothing more.

    None when the round has no frozen lists (not approved, or not frozen).
    """
    if review_round.status not in FINAL_STATUSES:
        return None
    snapshot = RoundSnapshot.objects.filter(round=review_round).first()
    if snapshot is None:
        return None
    return list(
        snapshot.entries.filter(poverty_class__in=POSTED_CLASSES)
        .order_by("village", "poverty_class", "head_name", "household_code")
        .values("head_name", "village", "poverty_class")
    )


def support_policies(*, poverty_class: str) -> QuerySet[SupportPolicy]:
    """The province's policies shown for a class, in its order (empty until it lists some)."""
    return SupportPolicy.objects.shown_for(poverty_class)
