"""An index of each household's searched fields (its code and every folded name and address,
`households.text`) as an array, on PostgreSQL: the exact-name tier of a search
(`households.selectors.search_tiers`) asks whether a field equals the query, which the array's GIN
index answers and whose statistics tell the planner how common the name is. With the trigram
index alone, "nguyen van an" rechecked 90 k rows at 1 M households to find its 10 k exact names.
"""

from django.db import migrations

from giamngheo.households.selectors import SEARCH_FIELDS_SQL


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS household_search_fields ON households_household "
            f"USING gin (({SEARCH_FIELDS_SQL % {'field': 'search_text'}}))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS household_search_fields")


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0006_registry_import"),
    ]

    operations = [migrations.RunPython(add_index, drop_index)]
