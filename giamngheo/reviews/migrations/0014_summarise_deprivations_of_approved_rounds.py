"""Count the deprivations of periodic rounds approved (or reported) before these summaries existed,
from their snapshots: what approval would have written."""

from django.db import migrations

from giamngheo.reviews.services.summaries import deprivations_write


def summarise_deprivations(apps, schema_editor):
    review_round = apps.get_model("reviews", "ReviewRound")
    ids = (
        review_round.objects.filter(
            status__in=["approved", "reported"], round_type="periodic", snapshot__isnull=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    deprivations_write(set(ids), registry=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0013_deprivationsummary"),
    ]

    operations = [migrations.RunPython(summarise_deprivations, migrations.RunPython.noop)]
