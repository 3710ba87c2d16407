"""The database cache's table, so that every install (SQLite or PostgreSQL, tests, CI) has it.

Created whatever CACHES says today: switching CACHE_URL back to empty must not need a command.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "giamngheo_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial_users_organisations")]

    operations = [migrations.RunPython(create, drop)]
