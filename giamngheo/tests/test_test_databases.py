"""Parallel test workers (pytest-xdist) each get a test database of their own."""

from pathlib import Path

import pytest
from django.db import connection


@pytest.mark.django_db
def test_each_worker_uses_its_own_test_database(request):
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        expected = f"test_{worker}.sqlite3" if worker else "test.sqlite3"
        assert Path(name).name == expected
    else:
        assert name.startswith("test_")
        assert name.endswith(f"_{worker}") if worker else not name.endswith("_gw0")
