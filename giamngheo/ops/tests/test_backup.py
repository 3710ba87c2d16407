"""`giamngheo backup` and `giamngheo restore`, run as an operator runs them: separate processes, each
installation with its own DATABASE_URL and GIAMNGHEO_VAR_DIR."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command

from giamngheo.ops.backup import ExitCode, left_out_tables

pytestmark = pytest.mark.backup

PROJECT_DIR = Path(__file__).resolve().parents[3]
POSTGRES = "postgresql://postgres@127.0.0.1:5432"


def _postgres_answers() -> bool:
    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


@dataclass
class Site:
    """One installation: a database and a var folder (SQLite file, private files)."""

    vendor: str
    var_dir: Path
    database_url: str

    @property
    def private(self) -> Path:
        return self.var_dir / "private"

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "GIAMNGHEO_PRIVATE_ROOT", "CACHE_URL"}
        }
        env.update(
            DATABASE_URL=self.database_url,
            GIAMNGHEO_VAR_DIR=str(self.var_dir),
            LANGUAGE_CODE="en",
            PYTHONPATH=str(PROJECT_DIR),
        )
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "giamngheo", *args],
            env=self.env(),
            cwd=self.var_dir.parent,
            capture_output=True,
            text=True,
            check=False,
        )

    def script(self, verb: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "giamngheo.ops.tests.backup_site", verb],
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def rows(self) -> dict[str, list[list[str]]]:
        return json.loads(self.script("rows"))

    def files(self) -> dict[str, str]:
        return {
            path.relative_to(self.private).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.private.rglob("*"))
            if path.is_file()
        }


class Sites:
    """Makes empty installations and removes their PostgreSQL databases afterwards."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.databases: list[str] = []

    def new(self, vendor: str) -> Site:
        name = f"gn_backup_{uuid.uuid4().hex[:10]}"
        var_dir = self.root / name
        if vendor == "sqlite":
            return Site(vendor, var_dir, f"sqlite:///{var_dir / 'giamngheo.sqlite3'}")
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return Site(vendor, var_dir, f"{POSTGRES}/{name}")

    def drop_all(self) -> None:
        if not self.databases:
            return
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            for name in self.databases:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    made = Sites(tmp_path_factory.mktemp("sites"))
    yield made
    made.drop_all()


def _require(vendor: str) -> None:
    if vendor == "postgresql" and not _postgres_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL does not answer on 127.0.0.1:5432 and CI=true.")
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432.")


@dataclass
class BackedUp:
    site: Site
    archive: Path
    rows: dict[str, list[list[str]]]
    files: dict[str, str]

    @property
    def left_out(self) -> set[str]:
        with tarfile.open(self.archive) as tar:
            return set(json.load(tar.extractfile("manifest.json"))["database"]["rows_left_out"])

    def kept(self, rows: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
        return {table: values for table, values in rows.items() if table not in self.left_out}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backed_up(request, sites) -> BackedUp:
    """A seeded installation and its backup, with the rows and files it held at that moment."""
    _require(request.param)
    site = sites.new(request.param)
    for args in (("migrate", "--noinput", "-v", "0"),):
        result = site.run(*args)
        assert result.returncode == 0, result.stderr
    site.script("seed")
    archive = sites.root / f"{request.param}.tar.gz"
    result = site.run("backup", str(archive))
    assert result.returncode == 0, result.stderr
    return BackedUp(site, archive, site.rows(), site.files())


def test_the_backed_up_site_holds_what_the_comparison_relies_on(backed_up):
    assert len(backed_up.rows["households_household"]) == 3
    assert len(backed_up.rows["households_member"]) == 6
    assert len(backed_up.rows["support_ledgerentry"]) == 2
    assert len(backed_up.rows["django_session"]) == 1
    assert len(backed_up.rows) > 50
    assert [path.split("/")[0] for path in backed_up.files] == ["programs"]


def test_restore_into_an_empty_database_reproduces_every_row_and_file(backed_up, sites):
    target = sites.new(backed_up.site.vendor)

    result = target.run("restore", str(backed_up.archive))

    assert result.returncode == 0, result.stderr
    restored = target.rows()
    assert backed_up.kept(restored) == backed_up.kept(backed_up.rows)
    assert "django_session" in backed_up.left_out
    assert all(restored[table] == [] for table in backed_up.left_out if table in restored)
    assert target.files() == backed_up.files


def test_restore_refuses_a_database_with_tables_and_force_replaces_everything(backed_up, sites):
    target = sites.new(backed_up.site.vendor)
    assert target.run("restore", str(backed_up.archive)).returncode == 0
    target.script("change")
    changed_rows, changed_files = target.rows(), target.files()

    refused = target.run("restore", str(backed_up.archive))

    assert refused.returncode == ExitCode.TARGET_NOT_EMPTY
    assert "already holds" in refused.stderr and "--force" in refused.stderr
    assert target.rows() == changed_rows
    assert target.files() == changed_files

    forced = target.run("restore", "--force", str(backed_up.archive))

    assert forced.returncode == 0, forced.stderr
    assert backed_up.kept(target.rows()) == backed_up.kept(backed_up.rows)
    assert target.files() == backed_up.files


def test_restore_refuses_a_damaged_archive_before_touching_anything(backed_up, sites, tmp_path):
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(backed_up.archive) as source, tarfile.open(damaged, "w") as out:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.startswith("private/"):
                data = data.replace(b"signed", b"forged")
            out.addfile(member, io.BytesIO(data))
    target = sites.new(backed_up.site.vendor)

    result = target.run("restore", str(damaged))

    assert result.returncode == ExitCode.ARCHIVE_INVALID
    assert "does not match its checksum" in result.stderr
    assert target.rows() == {}
    assert target.files() == {}


def test_restore_refuses_a_backup_made_by_newer_code(backed_up, sites, tmp_path):
    newer = tmp_path / "newer.tar"
    with tarfile.open(backed_up.archive) as source, tarfile.open(newer, "w") as out:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"]["households"].append("9999_from_a_later_version")
                data = json.dumps(manifest).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    target = sites.new(backed_up.site.vendor)

    result = target.run("restore", str(newer))

    assert result.returncode == ExitCode.NEWER_SCHEMA
    assert "households.9999_from_a_later_version" in result.stderr
    assert target.rows() == {}


def test_restore_refuses_a_truncated_archive(backed_up, sites, tmp_path):
    truncated = tmp_path / "truncated.tar.gz"
    whole = backed_up.archive.read_bytes()
    truncated.write_bytes(whole[: len(whole) * 2 // 3])
    target = sites.new(backed_up.site.vendor)

    result = target.run("restore", str(truncated))

    assert result.returncode == ExitCode.ARCHIVE_INVALID
    assert "damaged" in result.stderr
    assert target.rows() == {}


def test_restore_refuses_a_backup_of_the_other_database_vendor(backed_up, sites):
    other = "postgresql" if backed_up.site.vendor == "sqlite" else "sqlite"
    _require(other)
    target = sites.new(other)

    result = target.run("restore", str(backed_up.archive))

    assert result.returncode == ExitCode.WRONG_DATABASE
    assert "restore it into" in result.stderr
    assert target.rows() == {}


def test_backup_does_not_overwrite_an_existing_archive(backed_up):
    before = backed_up.archive.read_bytes()

    result = backed_up.site.run("backup", str(backed_up.archive))

    assert result.returncode == ExitCode.TARGET_NOT_EMPTY
    assert backed_up.archive.read_bytes() == before


def test_backup_refuses_to_write_inside_the_private_folder(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    (tmp_path / "private").mkdir()

    with pytest.raises(CommandError) as refused:
        call_command("backup", str(tmp_path / "private" / "x.tar"))

    assert refused.value.returncode == ExitCode.TARGET_NOT_EMPTY
    assert list((tmp_path / "private").iterdir()) == []


def test_rows_of_database_cache_tables_are_left_out(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "giamngheo_cache",
        }
    }
    assert left_out_tables() == ["django_session", "giamngheo_cache"]
