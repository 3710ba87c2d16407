"""Writing a checked import: new rows in bulk under one audited import, changed rows one by one.

New households and members (the bulk of a first import) go in with COPY on PostgreSQL and
`bulk_create` elsewhere, each pointing to the `RegistryImport` that records who imported them,
when and why (their "created" history row is written from it before their first change). Rows
that exist and differ are saved through the ORM so their history shows the change; rows that
exist and are equal are left alone, which makes a re-import a no-op.
"""

import datetime as dt
import io
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import polars as pl
from django.db import connection
from django.db.models import Model, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.geo.models import AdminUnit
from giamngheo.households.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from giamngheo.households.models import Household, HouseholdStatus, Member, RegistryImport
from giamngheo.households.services.common import stamp, sync_household
from giamngheo.households.text import search_text_series
from giamngheo.households.vocab import Relation

log = logging.getLogger(__name__)

CHUNK = 5000
# PostgreSQL takes a chunk as one array, so chunks there can be much larger.
PG_CHUNK = 100_000
# Rows per piece of CSV sent to COPY.
COPY_CHUNK = 200_000
# A load at least this large, and at least twice what the tables hold, rebuilds secondary
# indexes once at the end instead of updating them row by row.
BULK_MIN_ROWS = 100_000
# Memory for rebuilding each kind of index (one at a time, inside the import's transaction).
# 1 GB instead of 256 MB did not make the two GIN indexes of 1 M households cheaper (20.2 and
# 19.6 backend CPU-s against 21.5 and 23.1), so neither kind is given more.
INDEX_MEMORY = {"gin": "256MB", "btree": "256MB"}
HOUSEHOLD_FIELDS = [
    c.name for c in HOUSEHOLD_COLUMNS if c.name not in ("household_code", "village_code")
]
MEMBER_FIELDS = [c.name for c in MEMBER_COLUMNS if c.name not in ("household_code", "member_no")]

Progress = Callable[[int], None]


def chunks(values: list, size: int | None = None):
    size = size or (PG_CHUNK if connection.vendor == "postgresql" else CHUNK)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def among(field: str, values: list) -> Q:
    """`field IN values` for a chunk of thousands of codes or ids.

    PostgreSQL gets the values as one array: its planner estimates a literal IN list value by
    value, which made looking up a second province's 2.3 M citizen IDs in lists of 5,000 take
    minutes (≈ 0.1 s of planning a chunk) where arrays of 100,000 take seconds.
    """
    if connection.vendor != "postgresql" or not values:
        return Q(**{f"{field}__in": values})
    kind = "bigint" if isinstance(values[0], int) else "text"
    return Q(**{f"{field}__in": RawSQL(f"SELECT unnest(%s::{kind}[])", [list(values)])})


def _areas(unit_ids: list[int]) -> dict[int, str]:
    areas = {}
    for unit in AdminUnit.objects.filter(pk__in=unit_ids):
        commune = unit.commune()
        areas[unit.pk] = (commune.area if commune else "") or ""
    return areas


def _reserve_ids(model: type[Model], count: int) -> int:
    """First of `count` consecutive ids; the table is locked against other writers until commit."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
            return first
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')
        return cursor.fetchone()[0]


def _insert(model: type[Model], frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    started = time.perf_counter()
    _insert_rows(model, frame)
    log.info(
        "%s: %s rows in %.1f s", model._meta.db_table, frame.height, time.perf_counter() - started
    )


def _csv(frame: pl.DataFrame, start: int) -> bytes:
    buffer = io.BytesIO()
    frame.slice(start, COPY_CHUNK).write_csv(buffer, include_header=False, null_value="\\N")
    return buffer.getvalue()


def _insert_rows(model: type[Model], frame: pl.DataFrame) -> None:
    if connection.vendor == "postgresql":
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        sql = (
            f"COPY \"{model._meta.db_table}\" ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        )
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(sql) as copy,
            ThreadPoolExecutor(1) as pool,
        ):
            # The next chunk is written as CSV (Polars, without the GIL) while the database
            # takes in this one.
            pending = pool.submit(_csv, frame, 0)
            for start in range(0, frame.height, COPY_CHUNK):
                data = pending.result()
                if start + COPY_CHUNK < frame.height:
                    pending = pool.submit(_csv, frame, start + COPY_CHUNK)
                copy.write(data)
        return
    objects = [model(**row) for row in frame.iter_rows(named=True)]
    model._default_manager.bulk_create(objects, batch_size=500)


def _build_index(cursor, name: str, definition: str) -> None:
    """Build one dropped index with the memory its kind needs, and log how long it took."""
    kind = "gin" if " USING gin " in definition else "btree"
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_MEMORY[kind]}'")
    started = time.perf_counter()
    cursor.execute(definition)
    log.info("index %s (%s) rebuilt in %.1f s", name, kind, time.perf_counter() - started)


@contextmanager
def bulk_load(models: list[type[Model]], rows: int, *, exclusive: bool = False) -> Iterator[None]:
    """On PostgreSQL, drop the loaded tables' secondary indexes and rebuild them after the load:
    one sort per index instead of millions of single-row inserts.

    With `exclusive`, their foreign keys are dropped too and added back after the load, which
    checks each key with one join instead of one query per row, also when the tables already
    hold more than the load (a second province) and their indexes stay. Adding them back locks the
    referenced tables (units, users) until commit, so this is for a province's first load from
    the command line, not for an upload made while others work.

    Unique constraints stay, and a rebuilt unique index fails on a duplicate. DDL is transactional in PostgreSQL: a failed
    import brings everything back as it was.
    """
    tables = [m._meta.db_table for m in models]
    if connection.vendor != "postgresql" or rows < BULK_MIN_ROWS:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(GREATEST(reltuples, 0)), 0) FROM pg_class WHERE relname = ANY(%s)",
            [tables],
        )
        indexes = []
        # A second province as large as the first kept its indexes in 93 s of COPY (load 1–4)
        # and rebuilt them over both provinces in 171 s (load 2–4.5): a rebuild pays for what
        # the tables already hold, so it is for loads at least twice as large.
        if cursor.fetchone()[0] * 2 <= rows:
            # Unique indexes that back no constraint (the partial one on citizen IDs) go too:
            # the checks have already refused duplicates, the dropped indexes keep others from
            # writing until commit, and rebuilding one checks uniqueness again. Keys and unique
            # constraints stay.
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                "WHERE c.relname = ANY(%s) AND NOT i.indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
                [tables],
            )
            indexes = cursor.fetchall()
        keys = []
        if exclusive:
            # Whatever the tables already hold: checked at commit one row at a time, the keys of
            # a second province's 4.5 M rows took 90 s; added back, one join checks them all.
            cursor.execute(
                "SELECT k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid) "
                "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
                "WHERE k.contype = 'f' AND c.relname = ANY(%s)",
                [tables],
            )
            keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    if not indexes and not keys:
        yield
        return
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit; an index cannot be built with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        log.info("foreign keys checked in %.1f s", time.perf_counter() - started)
        for name, definition in indexes:
            _build_index(cursor, name, definition)
        log.info("%s indexes rebuilt in %.1f s", len(indexes), time.perf_counter() - started)
        keys_started = time.perf_counter()
        for table, name, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        log.info("%s keys checked in %.1f s", len(keys), time.perf_counter() - keys_started)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    log.info("secondary indexes and keys back in %.1f s", time.perf_counter() - started)


def _json_list(column: str) -> pl.Expr:
    """A list of codes as JSON text for COPY (codes never contain quotes)."""
    return pl.concat_str(
        [
            pl.lit("["),
            pl.col(column).list.eval(pl.lit('"') + pl.element() + pl.lit('"')).list.join(","),
            pl.lit("]"),
        ]
    )


IDS_SCHEMA = {"household_code": pl.String, "household_id": pl.Int64}


def create_households(
    new: pl.DataFrame, member_names: pl.DataFrame, event: RegistryImport
) -> pl.DataFrame:
    """Insert new households; returns their household_code and household_id. `member_names`
    has household_code and names."""
    if new.is_empty():
        return pl.DataFrame(schema=IDS_SCHEMA)
    started = time.perf_counter()
    first = _reserve_ids(Household, new.height)
    areas = _areas(new["unit_id"].unique().to_list())
    new = new.with_columns(
        pl.int_range(first, first + new.height, eager=True).alias("id"),
        pl.when(pl.col("area") == "")
        .then(pl.col("unit_id").replace_strict(areas, default="", return_dtype=pl.String))
        .otherwise(pl.col("area"))
        .alias("area"),
    )
    text = new.select("household_code", "head_name", "address").join(
        member_names, on="household_code", how="left", maintain_order="left"
    )
    search = search_text_series(
        text["household_code"],
        text.select(
            pl.concat_list(
                pl.col("head_name"),
                pl.col("names").fill_null([]),
                pl.col("address"),
            )
        ).to_series(),
    )
    rows = new.select(
        "id",
        pl.col("household_code").alias("code"),
        "unit_id",
        "address",
        "head_name",
        "area",
        "head_ethnicity",
        "phone",
        "has_merit_person",
        "social_protection",
        "no_working_capacity",
        "causes",
        pl.lit(HouseholdStatus.ACTIVE).alias("status"),
        pl.lit(event.imported_at).alias("created_at"),
        pl.lit(event.imported_at).alias("updated_at"),
        pl.lit(event.pk).alias("imported_in_id"),
    ).with_columns(search.alias("search_text"))
    if connection.vendor == "postgresql":
        rows = rows.with_columns(_json_list("causes").alias("causes"))
    log.info("households' rows built in %.1f s", time.perf_counter() - started)
    _insert(Household, rows)
    # A frame, not a dict: members find their household by a join (a dict of a million codes
    # took seconds to build and to hand back to Polars).
    return rows.select(pl.col("code").alias("household_code"), pl.col("id").alias("household_id"))


def create_members(new: pl.DataFrame, event: RegistryImport) -> int:
    """Insert new members; `new` carries household_id."""
    if new.is_empty():
        return 0
    first = _reserve_ids(Member, new.height)
    rows = new.select(
        pl.int_range(first, first + new.height, eager=True).alias("id"),
        "household_id",
        "member_no",
        *MEMBER_FIELDS,
        pl.lit(None, dtype=pl.Date).alias("left_on"),
        pl.lit(event.pk).alias("imported_in_id"),
    )
    _insert(Member, rows)
    return rows.height


def _comparable(value: object) -> object:
    return list(value) if isinstance(value, (list, tuple, pl.Series)) else value


def update_households(changed: list[dict], actor: User, reason: str) -> set[int]:
    """Save households whose values differ from the file's; returns their ids."""
    touched = set()
    by_code = {
        h.code: h for h in Household.objects.filter(code__in=[r["household_code"] for r in changed])
    }
    for row in changed:
        household = by_code[row["household_code"]]
        household.unit_id = row["unit_id"]
        for name in HOUSEHOLD_FIELDS:
            if name == "area" and not row[name]:
                continue
            if name == "head_name" and not row[name]:
                continue
            setattr(household, name, _comparable(row[name]))
        stamp(household, actor, reason)
        household.save()
        touched.add(household.pk)
    return touched


def update_members(changed: list[dict], actor: User, reason: str) -> set[int]:
    touched = set()
    for row in changed:
        member = Member.objects.get(household_id=row["household_id"], member_no=row["member_no"])
        for name in MEMBER_FIELDS:
            setattr(member, name, row[name])
        stamp(member, actor, reason)
        member.save()
        touched.add(member.household_id)
    return touched


def resync(household_ids: set[int], actor: User, reason: str) -> None:
    for household in Household.objects.filter(pk__in=household_ids):
        sync_household(household, actor, reason)


def head_names(members: pl.DataFrame) -> pl.DataFrame:
    """household_code → the head's name and everyone's names, for new households."""
    heads = (
        members.filter(pl.col("relation") == Relation.HEAD)
        .group_by("household_code")
        .agg(pl.col("full_name").first().alias("_head"))
    )
    names = members.group_by("household_code", maintain_order=True).agg(
        pl.col("full_name").alias("names")
    )
    return names.join(heads, on="household_code", how="left")


def now() -> dt.datetime:
    return timezone.now()
