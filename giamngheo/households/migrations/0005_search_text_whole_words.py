from django.db import migrations

from giamngheo.households.text import search_text

BATCH = 2000


def recompute_search_text(apps, schema_editor):
    """Whole-word search needs the code between hashes and each word between spaces
    (households.text); households saved before hold one run of folded words."""
    Household = apps.get_model("households", "Household")
    Member = apps.get_model("households", "Member")
    last = 0
    while True:
        batch = list(
            Household.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "code", "head_name", "address", "search_text")[:BATCH]
        )
        if not batch:
            return
        names: dict[int, list[str]] = {}
        rows = Member.objects.filter(household_id__in=[h.pk for h in batch]).order_by(
            "household_id", "member_no", "pk"
        )
        for household_id, full_name in rows.values_list("household_id", "full_name"):
            names.setdefault(household_id, []).append(full_name)
        changed = []
        for household in batch:
            fields = [household.head_name, *names.get(household.pk, []), household.address]
            text = search_text(household.code, fields)
            if text != household.search_text:
                household.search_text = text
                changed.append(household)
        Household.objects.bulk_update(changed, ["search_text"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0004_member_life_event_kinds"),
    ]

    operations = [
        migrations.RunPython(recompute_search_text, migrations.RunPython.noop),
    ]
