"""Reading an archive back: verify every byte first, then replace the database and the files."""

import hashlib
import json
import shutil
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from giamngheo.dbstats import analyze_now
from giamngheo.ops.backup.archive import (
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PRIVATE_PREFIX,
    BackupError,
    ExitCode,
    Summary,
    invalid,
    private_files,
    supported_vendor,
    vendor_label,
)
from giamngheo.ops.backup.database import check_migrations, restore_database


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _read_manifest(tar: tarfile.TarFile, source: Path) -> dict[str, Any]:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))  # type: ignore[arg-type]
    except (KeyError, ValueError):
        raise invalid(
            _("%(path)s is not a GiảmNghèo backup (no readable manifest.json).") % {"path": source}
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise invalid(_("%(path)s is not a GiảmNghèo backup.") % {"path": source})
    if manifest.get("format_version") != FORMAT_VERSION:
        raise invalid(
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
        raise invalid(
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
            raise invalid(
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
            raise invalid(
                _(
                    "%(name)s does not match its checksum: the backup is damaged. Nothing was changed."
                )
                % {"name": member.name}
            )
    missing = sorted(set(expected) - seen)
    if missing:
        raise invalid(
            _("The archive lacks %(name)s, which its manifest lists. Nothing was changed.")
            % {"name": missing[0]}
        )


def _private_root_has_files() -> bool:
    return any(True for _ in private_files())


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
    vendor = supported_vendor()
    if not source.is_file():
        raise invalid(_("%(path)s does not exist.") % {"path": source})
    try:
        with tarfile.open(source, "r:*") as tar:
            manifest, pending = _restore_from(tar, source, vendor, force)
    except (tarfile.TarError, EOFError, zlib.error):
        raise invalid(
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
    pending = check_migrations(manifest)
    parent = Path(settings.PRIVATE_ROOT).parent
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent, prefix=".giamngheo-restore-") as work:
        staging = Path(work)
        _verify_into(tar, manifest, staging)
        if not force:
            _require_empty_target()
        restore_database(staging / manifest["database"]["file"], vendor, force)
        # A dump carries no planner statistics (PostgreSQL before 18): gather them before use.
        analyze_now()
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
