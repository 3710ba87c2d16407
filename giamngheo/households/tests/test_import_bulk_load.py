"""A large first load sets the tables' secondary indexes aside and rebuilds them (PostgreSQL)."""

import pytest
from django.db import IntegrityError, connection

from giamngheo.households.imports import checks, writing
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
