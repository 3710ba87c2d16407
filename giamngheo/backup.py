"""One archive holds everything an installation cannot rebuild: the database and the private files.

Layout of the archive (tar, gzip-compressed when the name ends in .gz or .tgz):

    database/sqlite3.db or database/postgresql.dump   consistent copy taken while the site runs
    private/<path>                                    every file under PRIVATE_ROOT
    manifest.json                                     format, origin, migration state, SHA-256 of each file

Rows of sessions and of database cache tables are left out (their tables are kept, empty): a
restored site logs everyone out and rebuilds its cache, and nothing else is lost.
"""

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal

import django
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

import giamngheo

FORMAT = "giamngheo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database/sqlite3.db", "postgresql": "database/postgresql.dump"}
PRIVATE_PREFIX = "private/"
CHUNK = 1024 * 1024


class ExitCode:
    """Exit codes of `backup` and `restore`, so a script can tell failures apart."""

    ARCHIVE_INVALID = 3
    TARGET_NOT_EMPTY = 4
    WRONG_DATABASE = 5
    NEWER_SCHEMA = 6
    TOOL_FAILED = 7


class BackupError(Exception):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Summary:
    path: Path
    vendor: str
    files: int
    bytes: int
    created_at: str
    pending_migrations: int = 0


class _HashingReader:
    """Hashes exactly the bytes tar copies, so the manifest describes what the archive holds."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def left_out_tables() -> list[str]:
    """Tables whose rows a backup does not keep: sessions and every database cache table."""
    tables = ["django_session"]
    for cache in getattr(settings, "CACHES", {}).values():
        if cache.get("BACKEND", "").endswith("DatabaseCache") and cache.get("LOCATION"):
            tables.append(cache["LOCATION"])
    return tables


def vendor_label(vendor: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)


def _supported_vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
            % {"vendor": connection.vendor},
            ExitCode.WRONG_DATABASE,
        )
    return connection.vendor


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
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


def _run_tool(args: list[str], env: dict[str, str]) -> None:
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


def _dump_database(target: Path, vendor: str) -> None:
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
    args, env = _pg_command("pg_dump")
    args += ["--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
    args += [f"--exclude-table-data={table}" for table in left_out_tables()]
    args += ["--dbname", str(connection.settings_dict["NAME"])]
    _run_tool(args, env)


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _private_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.PRIVATE_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, PRIVATE_PREFIX + path.relative_to(root).as_posix()


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> dict[str, Any]:
    info = tar.gettarinfo(str(path), arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as raw:
        reader = _HashingReader(raw)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    return {"path": arcname, "sha256": reader.sha256.hexdigest(), "size": info.size}


def _write_mode(path: Path) -> Literal["w:gz", "w"]:
    return "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"


def backup_create(*, destination: Path, replace: bool = False) -> Summary:
    """Write the archive beside its final name first, so a failed run never leaves half a backup."""
    vendor = _supported_vendor()
    destination = destination.absolute()
    if destination.exists() and not replace:
        raise BackupError(
            _("%(path)s already exists: choose another name or add --force to replace it.")
            % {"path": destination},
            ExitCode.TARGET_NOT_EMPTY,
        )
    if destination.is_relative_to(Path(settings.PRIVATE_ROOT).absolute()):
        raise BackupError(
            _("Write the backup outside %(path)s: the archive cannot hold itself.")
            % {"path": settings.PRIVATE_ROOT},
            ExitCode.TARGET_NOT_EMPTY,
        )
    destination.parent.mkdir(parents=True, exist_ok=True)
    created_at = timezone.now().isoformat()
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".giamngheo-backup-") as work:
        database = Path(work) / "database"
        _dump_database(database, vendor)
        # mkstemp creates the file readable by its owner only: the archive holds personal data.
        handle, partial = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.")
        os.close(handle)
        try:
            with tarfile.open(partial, _write_mode(destination)) as tar:
                files = [_add_file(tar, database, DATABASE_FILES[vendor])]
                files += [_add_file(tar, path, arcname) for path, arcname in _private_files()]
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": created_at,
                    "giamngheo_version": giamngheo.__version__,
                    "django_version": django.get_version(),
                    "database": {
                        "vendor": vendor,
                        "file": DATABASE_FILES[vendor],
                        "rows_left_out": left_out_tables(),
                    },
                    "migrations": _applied_migrations(),
                    "files": files,
                }
                body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                info.mtime = int(timezone.now().timestamp())
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(body))
            os.replace(partial, destination)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return Summary(
        path=destination,
        vendor=vendor,
        files=len(files) - 1,
        bytes=sum(entry["size"] for entry in files),
        created_at=created_at,
    )


def _invalid(message: str) -> BackupError:
    return BackupError(message, ExitCode.ARCHIVE_INVALID)


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _read_manifest(tar: tarfile.TarFile, source: Path) -> dict[str, Any]:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))  # type: ignore[arg-type]
    except (KeyError, ValueError):
        raise _invalid(
            _("%(path)s is not a GiảmNghèo backup (no readable manifest.json).") % {"path": source}
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _invalid(_("%(path)s is not a GiảmNghèo backup.") % {"path": source})
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _invalid(
            _(
                "This backup uses format %(found)s; this version of GiảmNghèo reads format "
                "%(expected)s."
            )
            % {"found": manifest.get("format_version"), "expected": FORMAT_VERSION}
        )
    try:
        files = {entry["path"]: entry for entry in manifest["files"]}
        database = manifest["database"]
        known = {database["file"]} | {p for p in files if p.startswith(PRIVATE_PREFIX)}
        if set(files) != known or not all(_safe_member(p) for p in files):
            raise ValueError
        for entry in files.values():
            if len(str(entry["sha256"])) != 64 or int(entry["size"]) < 0:
                raise ValueError
        if not isinstance(manifest["migrations"], dict):
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise _invalid(
            _("The manifest of %(path)s is damaged: the backup cannot be trusted.")
            % {"path": source}
        ) from None
    return manifest


def _verify_into(tar: tarfile.TarFile, manifest: dict[str, Any], staging: Path) -> None:
    """Every byte is checked before anything is touched: a damaged archive changes nothing."""
    expected = {entry["path"]: entry for entry in manifest["files"]}
    seen: set[str] = set()
    for member in tar:
        if member.name == MANIFEST:
            continue
        if member.name not in expected or member.name in seen or not member.isfile():
            raise _invalid(
                _("The archive holds %(name)s, which its manifest does not list.")
                % {"name": member.name}
            )
        seen.add(member.name)
        target = staging / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        source = tar.extractfile(member)
        assert source is not None
        with target.open("wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        entry = expected[member.name]
        if digest.hexdigest() != entry["sha256"] or size != entry["size"]:
            raise _invalid(
                _(
                    "%(name)s does not match its checksum: the backup is damaged. Nothing was changed."
                )
                % {"name": member.name}
            )
    missing = sorted(set(expected) - seen)
    if missing:
        raise _invalid(
            _("The archive lacks %(name)s, which its manifest lists. Nothing was changed.")
            % {"name": missing[0]}
        )


def _check_migrations(manifest: dict[str, Any]) -> int:
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


def _private_root_has_files() -> bool:
    return any(True for _ in _private_files())


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


def _restore_database(staged: Path, vendor: str, force: bool) -> None:
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
    args, env = _pg_command("pg_restore")
    args += ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    args += ["--dbname", str(connection.settings_dict["NAME"]), str(staged)]
    _run_tool(args, env)


def _replace_private_files(staging: Path, manifest: dict[str, Any], force: bool) -> None:
    root = Path(settings.PRIVATE_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    if force:
        # The folder itself stays: it may be a mount point.
        for child in root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    for entry in manifest["files"]:
        if not entry["path"].startswith(PRIVATE_PREFIX):
            continue
        target = root / entry["path"].removeprefix(PRIVATE_PREFIX)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staging / entry["path"], target)


def backup_restore(*, source: Path, force: bool = False) -> Summary:
    """Only into an empty database and private folder, unless `force` replaces everything."""
    vendor = _supported_vendor()
    if not source.is_file():
        raise _invalid(_("%(path)s does not exist.") % {"path": source})
    try:
        with tarfile.open(source, "r:*") as tar:
            manifest, pending = _restore_from(tar, source, vendor, force)
    except (tarfile.TarError, EOFError, zlib.error):
        raise _invalid(
            _("%(path)s is not a complete tar archive: the backup is damaged.") % {"path": source}
        ) from None
    files = [entry for entry in manifest["files"] if entry["path"].startswith(PRIVATE_PREFIX)]
    return Summary(
        path=source,
        vendor=vendor,
        files=len(files),
        bytes=sum(entry["size"] for entry in manifest["files"]),
        created_at=str(manifest["created_at"]),
        pending_migrations=pending,
    )


def _restore_from(
    tar: tarfile.TarFile, source: Path, vendor: str, force: bool
) -> tuple[dict[str, Any], int]:
    manifest = _read_manifest(tar, source)
    archived = manifest["database"]["vendor"]
    if archived != vendor:
        raise BackupError(
            _(
                "This backup holds a %(archived)s database and this installation uses "
                "%(vendor)s: restore it into %(archived)s (set DATABASE_URL)."
            )
            % {"archived": vendor_label(archived), "vendor": vendor_label(vendor)},
            ExitCode.WRONG_DATABASE,
        )
    pending = _check_migrations(manifest)
    parent = Path(settings.PRIVATE_ROOT).parent
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent, prefix=".giamngheo-restore-") as work:
        staging = Path(work)
        _verify_into(tar, manifest, staging)
        if not force:
            _require_empty_target()
        _restore_database(staging / manifest["database"]["file"], vendor, force)
        _replace_private_files(staging, manifest, force)
    return manifest, pending


def _require_empty_target() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            _(
                "The database already holds %(count)d tables. Restore into an empty "
                "database, or add --force to replace everything in it."
            )
            % {"count": len(tables)},
            ExitCode.TARGET_NOT_EMPTY,
        )
    if _private_root_has_files():
        raise BackupError(
            _(
                "%(path)s already holds files. Restore into an empty folder, or add "
                "--force to replace them."
            )
            % {"path": settings.PRIVATE_ROOT},
            ExitCode.TARGET_NOT_EMPTY,
        )


def expand_date(path: str, now: dt.datetime | None = None) -> Path:
    """`/var/backups/giamngheo/%Y%m%d.tar.gz` names tonight's archive (local time)."""
    if "%" not in path:
        return Path(path)
    return Path((now or timezone.localtime()).strftime(path))
