from django.db import migrations, models

# Search matches every word anywhere in the folded text ("%nguyen%"); on PostgreSQL a trigram
# GIN index answers that on a million households. SQLite has no such index and scans.
TRIGRAM_SQL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS household_search_trgm "
    "ON households_household USING gin (search_text gin_trgm_ops)",
)


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in TRIGRAM_SQL:
        schema_editor.execute(sql)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS household_search_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0001_initial_registry'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['date_of_birth'], name='member_date_of_birth'),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
