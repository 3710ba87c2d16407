"""Planner statistics after bulk writes.

The database chooses its plans from statistics about each table. After a bulk load they describe
the table as it was (often empty), so the first pages after an import read whole tables: a
province's household list took 9.6 s and a search 17.3 s on PostgreSQL right after a 1 M import,
0.1–0.3 s once the tables were analysed. Autovacuum catches up only a minute or more later, so
every bulk write path refreshes the statistics of what it wrote as soon as it commits.
"""

import logging
import time

from django.db import connection, transaction
from django.db.models import Model

log = logging.getLogger(__name__)

# Below this many rows written, the statistics stay close enough (and autovacuum's own threshold
# of 10 % of a table soon follows); a form save never pays for an ANALYZE.
MIN_ROWS = 1000
# SQLite: rows read per index while analysing (`PRAGMA analysis_limit`); its planner needs
# proportions, not exact counts, and this keeps an ANALYZE of a million rows under a second.
SQLITE_ANALYSIS_LIMIT = 1000


def _tables(models: list[type[Model]]) -> list[str]:
    tables = []
    for model in models:
        tables.append(model._meta.db_table)
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            tables.append(history.model._meta.db_table)
    return sorted(set(tables))


def analyze_now(models: list[type[Model]] | None = None) -> None:
    """Refresh the statistics of these models' tables (and their history tables); all when None."""
    started = time.perf_counter()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        if models is None:
            cursor.execute("ANALYZE")
        else:
            for table in _tables(models):
                cursor.execute(f"ANALYZE {quote(table)}")
    log.info("statistics refreshed in %.2f s", time.perf_counter() - started)


def analyze_after_commit(models: list[type[Model]] | None, rows: int) -> None:
    """Refresh statistics once the current transaction commits, if `rows` is a bulk write.

    After the commit, so the statistics see the rows and a rolled-back import leaves nothing
    to do; outside any transaction this runs at once.
    """
    if rows < MIN_ROWS:
        return
    transaction.on_commit(lambda: analyze_now(models), robust=True)
