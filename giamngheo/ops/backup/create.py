"""Writing an archive: the database copy, every private file and a manifest of their checksums."""

import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path
from typing import IO, Any, Literal

import django
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

import giamngheo
from giamngheo.ops.backup.archive import (
    DATABASE_FILES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    ExitCode,
    Summary,
    left_out_tables,
    private_files,
    supported_vendor,
)
from giamngheo.ops.backup.database import applied_migrations, dump_database


class _HashingReader:
    """Hashes exactly the bytes tar copies, so the manifest describes what the archive holds."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


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
    vendor = supported_vendor()
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
        dump_database(database, vendor)
        # mkstemp creates the file readable by its owner only: the archive holds personal data.
        handle, partial = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.")
        os.close(handle)
        try:
            with tarfile.open(partial, _write_mode(destination)) as tar:
                files = [_add_file(tar, database, DATABASE_FILES[vendor])]
                files += [_add_file(tar, path, arcname) for path, arcname in private_files()]
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
                    "migrations": applied_migrations(),
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
