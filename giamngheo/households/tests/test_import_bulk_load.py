"""A large first load sets the tables' secondary indexes aside and rebuilds them; a load from the
command line sets the foreign keys aside too and adds them back (PostgreSQL)."""

import io

import polars as pl
import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from giamngheo.households.imports import checks, read_upload, registry_import, writing
from giamngheo.households.models import Household, Member
from giamngheo.households.tests.test_import_statistics import many
from giamngheo.households.tests.test_imports import run, workbook

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def index_definitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname = ANY(%s)",
            [["households_household", "households_member"]],
        )
        return {row[0] for row in cursor.fetchall()}


def test_a_bulk_load_rebuilds_every_index_it_set_aside(units, commune_a_officer, monkeypatch):
    monkeypatch.setattr(writing, "BULK_MIN_ROWS", 10)
    before = index_definitions()
    assert any("unique_citizen_id" in d for d in before)
    result = run(commune_a_officer, many(30))
    assert result.households_created == 30
    assert index_definitions() == before


def test_a_duplicate_citizen_id_the_checks_missed_fails_the_rebuild_and_writes_nothing(
    units, commune_a_officer, monkeypatch
):
    monkeypatch.setattr(writing, "BULK_MIN_ROWS", 10)
    monkeypatch.setattr(checks, "_check_citizen_ids", lambda *args: None)
    before = index_definitions()
    households = [{"household_code": f"HH-{i}", "village_code": "11001-A1"} for i in range(12)]
    members = [
        {
            "household_code": f"HH-{i}",
            "member_no": 1,
            "full_name": f"Lò Văn {i}",
            "sex": "male",
            "date_of_birth": "1980-05-01",
            "relation": "head",
            "citizen_id": "001080000001" if i < 2 else "",
        }
        for i in range(12)
    ]
    with pytest.raises(IntegrityError):
        run(commune_a_officer, workbook(households, members))
    assert not Household.objects.exists()
    assert not Member.objects.exists()
    assert index_definitions() == before


def key_definitions() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid WHERE k.contype = 'f' AND c.relname = ANY(%s)",
            [["households_household", "households_member"]],
        )
        return set(cursor.fetchall())


def second_load(actor, households: int = 12):
    data = workbook(
        [{"household_code": f"HHB-{i}", "village_code": "11001-A1"} for i in range(households)],
        [
            {
                "household_code": f"HHB-{i}",
                "member_no": 1,
                "full_name": f"Lò Văn {i}",
                "sex": "male",
                "date_of_birth": "1980-05-01",
                "relation": "head",
            }
            for i in range(households)
        ],
    )
    return registry_import(
        actor=actor, tables=read_upload("f.xlsx", io.BytesIO(data)), exclusive=True
    )


def test_an_exclusive_load_into_fuller_tables_keeps_the_indexes_and_adds_the_keys_back(
    units, commune_a_officer, monkeypatch
):
    monkeypatch.setattr(writing, "BULK_MIN_ROWS", 10)
    run(commune_a_officer, many(40))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE households_household, households_member")
    indexes, keys = index_definitions(), key_definitions()
    assert len(keys) >= 4
    # As many rows as the tables hold: a rebuild would pay for both loads.
    with CaptureQueriesContext(connection) as queries:
        result = second_load(commune_a_officer, 40)
    assert result.households_created == 40
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any(s.startswith("DROP INDEX") for s in sql)
    assert sum("DROP CONSTRAINT" in s for s in sql) == len(keys)
    assert index_definitions() == indexes
    assert key_definitions() == keys


def test_a_broken_key_fails_when_the_keys_are_added_back_and_writes_nothing(
    units, commune_a_officer, monkeypatch
):
    monkeypatch.setattr(writing, "BULK_MIN_ROWS", 10)
    run(commune_a_officer, many(40))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE households_household, households_member")
    keys = key_definitions()
    create_members = writing.create_members
    monkeypatch.setattr(
        writing,
        "create_members",
        lambda new, event: create_members(new.with_columns(pl.col("household_id") + 10**9), event),
    )
    with pytest.raises(IntegrityError):
        second_load(commune_a_officer)
    assert Household.objects.count() == 40
    assert Member.objects.count() == 40
    assert key_definitions() == keys
