"""Fast inserts for seed data: one executemany a batch, primary keys assigned up front.

`bulk_create` builds and logs one statement per batch of objects; generating a province's worth
of demo households spends most of its time there. Seed rows are plain tuples instead.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

BATCH = 10_000


def next_ids(model: type[models.Model], count: int) -> range:
    start = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    return range(start, start + count)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (tuples in the order of `fields`, values already in database form).

    Every other column gets its field's default, so a field added later needs no change here.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    given = [meta.get_field(name) for name in fields]
    rest = [
        f
        for f in meta.concrete_fields
        if f not in given
        and not f.primary_key
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    columns = ", ".join(quote(f.column) for f in [*given, *rest])
    marks = ", ".join(["%s"] * (len(given) + len(rest)))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"
    done = 0
    batch: list[Sequence] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append((*row, *defaults))
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                done += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            done += len(batch)
    return done


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """After explicit ids, PostgreSQL's sequences must move past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@contextmanager
def indexes_deferred(*model_classes: type[models.Model]) -> Iterator[None]:
    """On SQLite, the tables' secondary indexes dropped for a bulk load and built again after it.

    Building an index once, sorted, costs far less than keeping it up to date row by row when its
    keys arrive in random order (citizen IDs, birth dates, villages), which makes SQLite read and
    rewrite index pages all through the load. Only inside a transaction (the seed's), so that a
    failure rolls the drop back with the rows; elsewhere, and on PostgreSQL, nothing changes.
    """
    if connection.vendor != "sqlite" or not connection.in_atomic_block:
        yield
        return
    tables = [m._meta.db_table for m in model_classes]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join(['%s'] * len(tables))}) ORDER BY name",
            tables,
        )
        saved = cursor.fetchall()
        for name, _ in saved:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _, sql in saved:
            cursor.execute(sql)


@contextmanager
def page_cache(megabytes: int) -> Iterator[None]:
    """A larger SQLite page cache for a bulk load (the default 2 MB rereads index pages)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
