"""Load the real units once for the geo tests: a full load takes a few seconds.

The rows are committed outside the per-test transactions and deleted when the geo tests are
done, so tests of other apps start from an empty unit table.
"""

import pytest
from django.db import connection
from django.utils import translation

from giamngheo.geo.models import AdminUnit, Succession
from giamngheo.geo.services.unit_sources import Sources, read_sources
from giamngheo.geo.services.units import LoadReport, units_load
from giamngheo.geo.version import units_changed


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English source strings; the Vietnamese catalogue is tested elsewhere."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def sources() -> Sources:
    return read_sources()


@pytest.fixture(scope="package")
def full_load(django_db_setup, django_db_blocker, sources) -> LoadReport:
    with django_db_blocker.unblock():
        report = units_load(sources=sources)
    yield report
    with django_db_blocker.unblock():
        delete_units()


@pytest.fixture
def units(full_load, db) -> LoadReport:
    """The full load's report, inside a test transaction: changes are rolled back after the test."""
    return full_load


@pytest.fixture
def no_units(db) -> None:
    """An empty unit table for one test; the deletion is rolled back with the test."""
    delete_units()


def delete_units() -> None:
    # One statement per table: the ORM's cascade collector takes seconds on 14,000 rows.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Succession._meta.db_table}")
        cursor.execute(f"DELETE FROM {AdminUnit._meta.db_table}")
    units_changed()
