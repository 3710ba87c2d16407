import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# What every test runs under; a fixture that builds rows for a whole module applies them too.
TEST_SETTINGS = {
    # Jobs run inline (no worker needed to see their result); password hashing is cheap.
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    "PASSWORD_HASHERS": [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "giamngheo.accounts.hashers.TemporaryPasswordHasher",
    ],
}


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


# Rows the migrations seed, by app: (migration module, function).
SEEDS = {
    "programs": ("giamngheo.programs.migrations.0002_default_content_categories", "add_categories"),
    "reviews": ("giamngheo.reviews.migrations.0003_seed_fixed_public_holidays", "seed"),
}


def _seeds_back(sender: Any, **_kwargs: Any) -> None:
    """Put back what the migrations seeded, as a new database holds it.

    A transactional test ends with a flush, which empties every table, the seeded ones too, and
    then sends `post_migrate`. The tests run after it on the same worker would otherwise
    see no default content categories or public holidays.
    """
    import importlib

    from django.apps import apps

    if sender.label in SEEDS:
        module, function = SEEDS[sender.label]
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True, scope="session")
def _seeds_survive_flushes() -> None:
    from django.db.models.signals import post_migrate

    post_migrate.connect(_seeds_back, dispatch_uid="giamngheo-test-seeds")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)


@dataclass(frozen=True)
class DemoProvince:
    households: int
    output: str  # what `giamngheo demo` printed (the logins)


@pytest.fixture(scope="module")
def demo_province(django_db_setup, django_db_blocker) -> Iterator[DemoProvince]:
    """The demo province (`giamngheo demo`), built once for a module and rolled back after it.

    Building it takes most of a minute, so the module's tests share one build; each test still runs
    in its own savepoint (the `db` fixture), so what one test writes the next does not see. The
    scope is the module, not the session: a transaction held open across the session would wrap
    the tests that need real commits (live server, browser).
    """
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(**TEST_SETTINGS):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out, households = io.StringIO(), 1500
            call_command("demo", households=households, stdout=out)
            yield DemoProvince(households=households, output=out.getvalue())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def pytest_configure(config):
    """Compile missing or outdated `.mo` catalogues, so plain `pytest` works without `make messages`."""
    from giamngheo.tests.catalogs import compile_stale_catalogs, forget_loaded_translations

    if compile_stale_catalogs():
        # Django may already have read the catalogues while it was set up.
        forget_loaded_translations()
