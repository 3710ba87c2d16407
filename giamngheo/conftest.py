from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """An SQLite test database in a file, as installations run it, one file per xdist worker.

    Django shares one in-memory connection between the test and every thread of the live server;
    browser pages and ODK Collect send requests in parallel, and each writes (sessions, throttle
    counters), so threads would interleave transactions on that one connection. With a file each
    thread has its own connection, and SQLite's locking (WAL) serialises writes as in production.
    pytest-django suffixes PostgreSQL's test database per worker itself (test_giamngheo_gw0) but
    leaves an SQLite name alone, so two workers would share, and each destroy, one file.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        worker = getattr(request.config, "workerinput", {}).get("workerid")
        name = f"test_{worker}.sqlite3" if worker else "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(Path(settings.VAR_DIR) / name)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Jobs run inline (no worker needed to see their result); password hashing is cheap."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    """Compile missing or outdated `.mo` catalogues, so plain `pytest` works without `make messages`."""
    from giamngheo.tests.catalogs import compile_stale_catalogs, forget_loaded_translations

    if compile_stale_catalogs():
        # Django may already have read the catalogues while it was set up.
        forget_loaded_translations()
