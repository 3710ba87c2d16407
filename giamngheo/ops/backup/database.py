"""The database half of a backup: a consistent copy out, the archived copy back in."""

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from giamngheo.ops.backup.archive import BackupError, ExitCode, left_out_tables


def pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    """Connection parameters from settings; the password travels in the environment only."""
    db = connection.settings_dict
    args = [program]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if db.get("OPTIONS", {}).get(option):
            env[variable] = str(db["OPTIONS"][option])
    return args, env


def run_tool(args: list[str], env: dict[str, str]) -> None:
    """Turn a missing or failing PostgreSQL client into a message the operator can act on."""
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            _("%(program)s is not installed: install the PostgreSQL client (postgresql-client).")
            % {"program": args[0]},
            ExitCode.TOOL_FAILED,
        ) from None
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": args[0], "error": result.stderr.strip()},
            ExitCode.TOOL_FAILED,
        )


def dump_database(target: Path, vendor: str) -> None:
    """A consistent copy of the live database, without the rows a restore rebuilds."""
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            # The backup API copies one consistent snapshot even while other processes write (WAL).
            connection.connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            present = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
            for table in left_out_tables():
                if table in present:
                    copy.execute(f'DELETE FROM "{table}"')
            copy.commit()
            copy.execute("VACUUM")
        finally:
            copy.close()
        return
    args, env = pg_command("pg_dump")
    args += ["--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
    args += [f"--exclude-table-data={table}" for table in left_out_tables()]
    args += ["--dbname", str(connection.settings_dict["NAME"])]
    run_tool(args, env)


def applied_migrations() -> dict[str, list[str]]:
    """Recorded in the manifest, so a restore can refuse data from newer code."""
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def check_migrations(manifest: dict[str, Any]) -> int:
    """Refuse a backup made by newer code; return how many migrations the restored data lacks."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    # A squashed migration stands for the ones it replaces, even after their files are deleted.
    known |= {
        tuple(old) for migration in loader.disk_migrations.values() for old in migration.replaces
    }
    recorded = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(key for key in recorded - known if key[0] in loader.migrated_apps)
    if unknown:
        app, name = unknown[0]
        raise BackupError(
            _(
                "The backup comes from a newer version of GiảmNghèo (migration %(app)s.%(name)s "
                "is unknown here). Upgrade first, then restore."
            )
            % {"app": app, "name": name},
            ExitCode.NEWER_SCHEMA,
        )
    return sum(
        1
        for key, migration in loader.disk_migrations.items()
        if key not in recorded
        and not (migration.replaces and {tuple(old) for old in migration.replaces} <= recorded)
    )


def _drop_everything() -> None:
    """Empty the current schema of every object a restore could collide with."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT statement FROM (
                SELECT 1 AS rank, format('DROP %s IF EXISTS %I.%I CASCADE',
                    CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                        WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                    n.nspname, c.relname) AS statement
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                  WHERE d.objid = c.oid AND d.deptype IN ('e', 'i'))
                UNION ALL
                SELECT 2, format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure)
                FROM pg_proc p
                WHERE p.pronamespace = current_schema()::regnamespace
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                  WHERE d.objid = p.oid AND d.deptype = 'e')
                UNION ALL
                SELECT 3, format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname)
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd', 'r', 'm')
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                  WHERE d.objid = t.oid AND d.deptype = 'e')
            ) AS objects
            ORDER BY rank
            """
        )
        statements = [row[0] for row in cursor.fetchall()]
        for statement in statements:
            cursor.execute(statement)


def restore_database(staged: Path, vendor: str, force: bool) -> None:
    """Replace the database with the verified, staged copy."""
    if vendor == "sqlite":
        connection.close()
        name = Path(connection.settings_dict["NAME"])
        name.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(staged)
        target = sqlite3.connect(name, timeout=20)
        try:
            # Page by page into the live file: the result is the archived database, whole.
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    if force:
        with transaction.atomic():
            _drop_everything()
    connection.close()
    args, env = pg_command("pg_restore")
    args += ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    args += ["--dbname", str(connection.settings_dict["NAME"]), str(staged)]
    run_tool(args, env)
