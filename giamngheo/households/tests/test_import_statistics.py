"""A bulk import refreshes the planner's statistics of what it wrote, once it commits."""

import pytest
from django.db import connection

from giamngheo import dbstats
from giamngheo.households.imports import ImportInvalid
from giamngheo.households.tests.test_imports import run, workbook

pytestmark = pytest.mark.django_db


def many(n: int, village: str = "11001-A1") -> bytes:
    households = [
        {"household_code": f"HH-{i}", "village_code": village, "address": f"Số {i}"}
        for i in range(n)
    ]
    members = [
        {
            "household_code": f"HH-{i}",
            "member_no": 1,
            "full_name": f"Nguyễn Văn {i}",
            "sex": "male",
            "date_of_birth": "1980-05-01",
            "relation": "head",
        }
        for i in range(n)
    ]
    return workbook(households, members)


def analysed_rows(table: str) -> int | None:
    """Rows the planner believes `table` holds, or None when it was never analysed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            rows = cursor.fetchone()[0]
            return None if rows < 0 else int(rows)
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        row = cursor.fetchone()
        return None if row is None else int(row[0].split()[0])


def test_a_bulk_import_analyses_its_tables_after_commit(
    units, commune_a_officer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(dbstats, "MIN_ROWS", 20)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = run(commune_a_officer, many(30))
    assert result.households_created == 30
    assert len(callbacks) == 1
    assert analysed_rows("households_household") == 30
    assert analysed_rows("households_member") == 30


def test_a_small_import_leaves_the_statistics_to_the_database(
    units, commune_a_officer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(dbstats, "MIN_ROWS", 100)
    with django_capture_on_commit_callbacks() as callbacks:
        run(commune_a_officer, many(30))
    assert callbacks == []


def test_a_refused_import_schedules_nothing(
    units, commune_a_officer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(dbstats, "MIN_ROWS", 1)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ImportInvalid):
        run(commune_a_officer, many(30, village="NO-SUCH-VILLAGE"))
    assert callbacks == []


def test_analyze_now_without_models_analyses_the_whole_database(units):
    dbstats.analyze_now()
    assert analysed_rows("geo_adminunit") is not None
