"""Freeze rounds approved before snapshots existed, from the registry as it stands today.

The snapshot records that it was taken at the upgrade, not at approval: a name changed between
the approval and the upgrade shows as changed. Files are not generated here (too slow for a
province); the first download generates each from the snapshot, never from live rows.
"""

from django.db import migrations

from giamngheo.reviews.services.snapshots import snapshots_take

NOTE = (
    "Taken by the upgrade from the registry as it stood then, not at approval; "
    "changes made between the approval and the upgrade are included."
)


def snapshot_approved_rounds(apps, schema_editor):
    review_round = apps.get_model("reviews", "ReviewRound")
    rounds = (
        review_round.objects.filter(status__in=["approved", "reported"], snapshot__isnull=True)
        .select_related("unit")
        .order_by("pk")
    )
    snapshots_take(list(rounds), taken_from="migration", note=NOTE, registry=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_add_round_snapshots_and_stored_documents"),
    ]

    operations = [migrations.RunPython(snapshot_approved_rounds, migrations.RunPython.noop)]
