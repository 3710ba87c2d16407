"""The seed's snapshot copy stores what `snapshots_take` stores for the same rounds."""

import io

import pytest
from django.core.management import call_command

from giamngheo.demo.households import SNAPSHOT_NOTE
from giamngheo.reviews.models import (
    DeprivationSummary,
    FlowSummary,
    ReviewRound,
    RoundSnapshot,
    RoundSummary,
    SnapshotEntry,
)
from giamngheo.reviews.services.snapshots import snapshots_take

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
SUMMARIES = (RoundSummary, FlowSummary, DeprivationSummary)


def _frozen() -> tuple[list[dict], list[dict], dict[str, list[dict]]]:
    """Every stored column of the snapshots, entries and summaries, but their own ids."""
    snapshots = list(
        RoundSnapshot.objects.order_by("round_id").values(
            "round_id", "taken_from", "note", "commune_code", "commune_name"
        )
    )
    fields = [
        f.attname
        for f in SnapshotEntry._meta.concrete_fields
        if f.attname not in ("id", "snapshot_id")
    ]
    entries = list(
        SnapshotEntry.objects.order_by("assessment_id").values("snapshot__round_id", *fields)
    )
    summaries = {
        model.__name__: sorted(
            ({k: v for k, v in row.items() if k != "id"} for row in model.objects.values()),
            key=repr,
        )
        for model in SUMMARIES
    }
    return snapshots, entries, summaries


def test_the_seeds_snapshot_copy_stores_what_snapshots_take_stores():
    call_command("demo", households=300, stdout=io.StringIO())
    copied = _frozen()
    snapshots, entries, summaries = copied
    # The copy is not trivially empty: listed, moved and child-counted households are in it.
    assert len(snapshots) == ReviewRound.objects.count() > 0
    assert len(entries) > 500
    assert {e["category_printed"] for e in entries} >= {"", "Nghèo mới"}
    assert any(e["escape_printed"] for e in entries)
    assert any(e["children"] for e in entries) and any(e["members"] for e in entries)
    assert all(summaries.values())

    for model in SUMMARIES:
        model.objects.all().delete()
    SnapshotEntry.objects.all().delete()
    RoundSnapshot.objects.all().delete()
    snapshots_take(
        ReviewRound.objects.order_by("pk"),
        taken_from=RoundSnapshot.Source.SEEDED,
        note=SNAPSHOT_NOTE,
    )
    taken = _frozen()
    assert taken[0] == snapshots
    assert len(taken[1]) == len(entries)
    for mine, theirs in zip(entries, taken[1], strict=True):
        assert mine == theirs
    assert taken[2] == summaries
