"""Count the periodic rounds approved (or reported) before summaries existed, from their snapshots.

The snapshot is what the round approved, so the summary is the one approval would have written.
"""

from django.db import migrations

from giamngheo.reviews.services.summaries import summaries_write


def summarise_approved_rounds(apps, schema_editor):
    review_round = apps.get_model("reviews", "ReviewRound")
    rounds = review_round.objects.filter(
        status__in=["approved", "reported"],
        round_type="periodic",
        snapshot__isnull=False,
        summaries__isnull=True,
    ).order_by("pk")
    summaries_write(list(rounds), registry=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0011_round_summaries"),
    ]

    operations = [migrations.RunPython(summarise_approved_rounds, migrations.RunPython.noop)]
