"""What every part of a backup shares: the archive's format, its errors and its file list."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

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
    """A refusal or failure the operator can act on; `exit_code` tells scripts which one."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Summary:
    """What a backup or restore did, for the command's closing lines."""

    path: Path
    vendor: str
    files: int
    bytes: int
    created_at: str
    pending_migrations: int = 0


def left_out_tables() -> list[str]:
    """Tables whose rows a backup does not keep: sessions and every database cache table."""
    tables = ["django_session"]
    for cache in getattr(settings, "CACHES", {}).values():
        if cache.get("BACKEND", "").endswith("DatabaseCache") and cache.get("LOCATION"):
            tables.append(cache["LOCATION"])
    return tables


def vendor_label(vendor: str) -> str:
    """The database's name as an operator writes it."""
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)


def supported_vendor() -> str:
    """Refuse early on a database whose copy we cannot take consistently."""
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
            % {"vendor": connection.vendor},
            ExitCode.WRONG_DATABASE,
        )
    return connection.vendor


def invalid(message: str) -> BackupError:
    """Every problem with the archive itself shares one exit code."""
    return BackupError(message, ExitCode.ARCHIVE_INVALID)


def private_files() -> Iterator[tuple[Path, str]]:
    """Regular files only: a symlink could point outside PRIVATE_ROOT."""
    root = Path(settings.PRIVATE_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, PRIVATE_PREFIX + path.relative_to(root).as_posix()


def expand_date(path: str, now: dt.datetime | None = None) -> Path:
    """`/var/backups/giamngheo/%Y%m%d.tar.gz` names tonight's archive (local time)."""
    if "%" not in path:
        return Path(path)
    return Path((now or timezone.localtime()).strftime(path))
