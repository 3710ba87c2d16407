"""Counting an approved periodic round once, when it is frozen: Form 1's rows per village and class
(`RoundSummary`), forms 2 and 3's movements per village (`FlowSummary`) and forms 4–7's
deprivations per village, class and indicator (`DeprivationSummary`).

Form 1, the dashboards, the portal's and the REST API's statistics sum a handful of these rows per
round instead of every assessment. The counts are taken from the round's snapshot (the village,
class, members and the dashboard's groups as approved) and the assessment's `facts.nlnn`, in one
grouped query per call, and written with one `bulk_create`; nothing updates them afterwards.

`summaries_write` works on the model registry it is given, like `snapshots_take`, so the data
migration that counts rounds approved before summaries existed runs the same code.
"""

from collections import Counter
from collections.abc import Iterable

from django.apps import apps as django_apps
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from giamngheo.households.vocab import KINH
from giamngheo.reviews.version import figures_changed

PERIODIC = "periodic"  # RoundType.PERIODIC: only periodic rounds make Form 1
# The dashboard's overlapping groups (`reports.selectors.breakdowns.PLAIN_GROUPS`), on the entry.
GROUPS = {
    "minority_households": ~Q(head_ethnicity=KINH),
    "merit_households": Q(has_merit_person=True),
    "no_capacity_households": Q(no_working_capacity=True),
    "social_protection_households": Q(social_protection=True),
}


def summaries_write(rounds: Iterable, *, registry=django_apps) -> int:
    """Count each frozen periodic round of `rounds` by approved village and class, and its
    outcomes by approved village and movement; rows written.

    Runs after the round's snapshot in the same transaction. A registry that predates summaries
    (an older migration's) writes nothing: the migration that adds them counts those rounds.
    """
    try:
        summary_model = registry.get_model("reviews", "RoundSummary")
    except LookupError:
        return 0
    entry_model = registry.get_model("reviews", "SnapshotEntry")
    ids = {r.pk for r in rounds if r.round_type == PERIODIC}
    if registry is django_apps and ids:
        # Written with bulk_create, which sends no signal; a migration's older registry has no
        # token to renew, and the cache is not read while migrations run.
        figures_changed()
    written = deprivations_write(ids, registry=registry)
    # Written once: a round summarised already (a snapshot taken again) keeps its summary.
    ids -= set(summary_model.objects.filter(round_id__in=ids).values_list("round_id", flat=True))
    if not ids:
        return written
    nlnn = Q(assessment__facts__nlnn=True)
    rows = (
        entry_model.objects.filter(snapshot__round_id__in=ids)
        .values("snapshot__round_id", "village_id", "poverty_class")
        .annotate(
            households=Count("id"),
            persons=Coalesce(Sum("member_count"), 0),
            nlnn_households=Count("id", filter=nlnn),
            nlnn_persons=Coalesce(Sum("member_count", filter=nlnn), 0),
            **{name: Count("id", filter=q) for name, q in GROUPS.items()},
        )
        .order_by()
    )
    summaries = [
        summary_model(
            round_id=row["snapshot__round_id"],
            village_id=row["village_id"],
            poverty_class=row["poverty_class"],
            households=row["households"],
            persons=row["persons"],
            nlnn_households=row["nlnn_households"],
            nlnn_persons=row["nlnn_persons"],
            **{name: row[name] for name in GROUPS},
        )
        for row in rows
    ]
    summary_model.objects.bulk_create(summaries, batch_size=2000)
    return written + len(summaries) + _flows_write(ids, registry)


# Forms 4–7 and the dashboard count deprivations among these classes only.
DEPRIVATION_CLASSES = ("poor", "near_poor")


def deprivations_write(ids: set[int], *, registry=django_apps) -> int:
    """The periodic rounds `ids`' poor and near-poor households deprived on each indicator, per approved village
    and class, from the snapshot's entries (their `deprived` lists, as approved).

    Counted in Python over the entries' lists: the same on SQLite and PostgreSQL, and a round's
    poor and near-poor are a small part of its households. Rounds counted already are skipped; a
    registry that predates these rows writes nothing."""
    try:
        model = registry.get_model("reviews", "DeprivationSummary")
    except LookupError:
        return 0
    ids = ids - set(model.objects.filter(round_id__in=ids).values_list("round_id", flat=True))
    if not ids:
        return 0
    counts: Counter[tuple[int, int, str, str]] = Counter()
    entries = (
        registry.get_model("reviews", "SnapshotEntry")
        .objects.filter(snapshot__round_id__in=ids, poverty_class__in=DEPRIVATION_CLASSES)
        .values_list("snapshot__round_id", "village_id", "poverty_class", "deprived")
        .order_by()
    )
    for round_id, village_id, klass, deprived in entries.iterator(chunk_size=5000):
        for indicator in set(deprived or ()):
            counts[(round_id, village_id, klass, indicator)] += 1
    rows = [
        model(
            round_id=round_id,
            village_id=village_id,
            poverty_class=klass,
            indicator=indicator,
            households=households,
        )
        for (round_id, village_id, klass, indicator), households in counts.items()
    ]
    model.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _flows_write(ids: set[int], registry) -> int:
    """The rounds' outcomes (forms 2 and 3) per approved village and movement."""
    flow_model = registry.get_model("reviews", "FlowSummary")
    ids = ids - set(flow_model.objects.filter(round_id__in=ids).values_list("round_id", flat=True))
    entry = registry.get_model("reviews", "SnapshotEntry").objects.filter(
        snapshot__round_id=OuterRef("round_id"), household_id=OuterRef("household_id")
    )
    village = Coalesce(
        Subquery(entry.values("village_id")[:1]),
        F("household__unit_id"),
        output_field=IntegerField(),
    )
    rows = (
        registry.get_model("reviews", "Outcome")
        .objects.filter(round_id__in=ids)
        .annotate(approved_village=village)
        .values("round_id", "approved_village", "start_class", "end_class", "flow")
        .annotate(households=Count("id"))
        .order_by()
    )
    flows = [
        flow_model(
            round_id=row["round_id"],
            village_id=row["approved_village"],
            start_class=row["start_class"],
            end_class=row["end_class"],
            flow=row["flow"],
            households=row["households"],
        )
        for row in rows
    ]
    flow_model.objects.bulk_create(flows, batch_size=2000)
    return len(flows)
