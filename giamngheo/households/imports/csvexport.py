"""The household export as CSV: a .zip of households.csv and members.csv, for any size.

The workbook (`export_write`) costs ~110 CPU-s for a province of 1 M households; this format
holds the same columns and the same cells for a fraction of that. Each file is one query read
in chunks of `CSV_ROWS` rows (constant memory whatever the size): on PostgreSQL a
``COPY (SELECT …) TO STDOUT`` on a connection of its own, whose rows are parsed by Polars a
chunk at a time; on SQLite (the small embedded default) a cursor's ``fetchmany``. One sorted
query per file costs the database one pass; pages of households by code would rescan the
members for every page. Cells are then typed, masked and escaped a column at a time
(`mask_citizen_ids`, `csv_text_column`: the rules of `mask_citizen_id` and `csv_text`), and
written by Polars; every file starts with a byte-order mark so that Excel reads the
Vietnamese text as UTF-8.

The cells are what the workbook holds: flags as 1/0, dates as yyyy-mm-dd, causes joined by
';', citizen IDs masked, text that could start a formula behind an apostrophe (the product's
CSV readers remove it again). Text keeps the characters a workbook cannot carry (a carriage
return, control characters), which CSV can.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import IO, Any

import polars as pl
from django.db import connections
from django.db.models import QuerySet

from giamngheo.households.imports.columns import COLUMNS, HOUSEHOLDS, MEMBERS
from giamngheo.households.imports.workbook import (
    HOUSEHOLD_FIELDS,
    Progress,
    export_members,
    progress_while_reading,
)
from giamngheo.households.models import Household, mask_citizen_ids
from giamngheo.spreadsheets import csv_text_column

# Rows per chunk: 5-7 MiB of text at a time (~80 MiB of memory), whatever the size of the export.
CSV_ROWS = 50_000
BOM = "\ufeff".encode()
COPY_WORK_MEM = "64MB"
FILES = {HOUSEHOLDS: "households.csv", MEMBERS: "members.csv"}
# Cells the workbook holds as numbers or dates: never text a person typed, never escaped.
UNTYPED_KINDS = ("bool", "int", "date")


def _headers() -> dict[str, list[str]]:
    return {
        HOUSEHOLDS: [c.name for c in COLUMNS[HOUSEHOLDS]] + ["status"],
        MEMBERS: [c.name for c in COLUMNS[MEMBERS]],
    }


def _kinds() -> dict[str, dict[str, str]]:
    kinds = {table: {c.name: c.kind for c in COLUMNS[table]} for table in (HOUSEHOLDS, MEMBERS)}
    kinds[HOUSEHOLDS]["status"] = "enum"
    return kinds


def _member_fields() -> list[str]:
    return ["household__code" if c.name == "household_code" else c.name for c in COLUMNS[MEMBERS]]


def _chunks(queryset: QuerySet[Any], names: Sequence[str]) -> Iterator[pl.DataFrame]:
    """The rows of `queryset` (a ``values_list``), `CSV_ROWS` at a time, as frames of text
    columns named `names`, on the queryset's own connection: one query, streamed, so memory
    stays that of a chunk."""
    sql, params = queryset.query.sql_with_params()
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        # Inside a transaction the rows it wrote are seen by this connection only: the COPY
        # stays here, and the caller waits for the file's end to query (`export_csv_write`).
        yield from _copied(connection, queryset, names)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CSV_ROWS):
            frame = pl.DataFrame(rows, schema=list(names), orient="row", infer_schema_length=None)
            yield frame.cast(pl.String)


@contextmanager
def _copy_aside(queryset: QuerySet[Any], names: Sequence[str]) -> Iterator[Iterator[pl.DataFrame]]:
    """The COPY of `queryset` sent at once on a PostgreSQL connection of its own; its rows are
    read from the iterator given, `CSV_ROWS` at a time.

    The database starts on the query as soon as it is sent, so the members' sort (most of its
    work) runs while the households are read on another connection. While the COPY streams,
    the caller may query between chunks (the job's progress bar), which the connection holding
    a COPY cannot do (psycopg would wait for itself). It reads what is committed, as the job's
    own connection does.
    """
    reader = connections[queryset.db].copy()
    try:
        with _copy_started(reader, queryset, names) as frames:
            yield frames
    finally:
        reader.close()


def _copies_aside(alias: str) -> bool:
    """Whether the PostgreSQL COPY streams on a connection of its own (outside a transaction)."""
    connection = connections[alias]
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _copied(reader: Any, queryset: QuerySet[Any], names: Sequence[str]) -> Iterator[pl.DataFrame]:
    with _copy_started(reader, queryset, names) as frames:
        yield from frames


@contextmanager
def _copy_started(
    reader: Any, queryset: QuerySet[Any], names: Sequence[str]
) -> Iterator[Iterator[pl.DataFrame]]:
    # The server sends one message per row (the protocol's rule for COPY TO), so a chunk of
    # messages ends where a row ends, even when a text holds line breaks. psycopg's own cursor:
    # Django's debug wrapper passes no parameters to COPY.
    sql, params = queryset.query.sql_with_params()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    schema = dict.fromkeys(names, pl.String)
    with reader.cursor() as cursor:
        # The members' sort by household code is most of the database's work: more memory for
        # it (this connection's own, bounded, whatever the size of the export) spills less.
        # Inside the caller's transaction the settings end with it.
        scope = "LOCAL " if reader.in_atomic_block else ""
        cursor.execute(f"SET {scope}work_mem = '{COPY_WORK_MEM}'")
        # Compiling the plan's expressions cost more than it saved: 6.7 of 24.5 s of the
        # members' query at 1 M households (EXPLAIN ANALYZE).
        cursor.execute(f"SET {scope}jit = off")
        with cursor.cursor.copy(statement, params) as copy:
            yield _frames(copy, schema)


def _frames(copy: Any, schema: dict[str, Any]) -> Iterator[pl.DataFrame]:
    buffer, count = io.BytesIO(), 0
    for row in copy:
        buffer.write(row)
        count += 1
        if count == CSV_ROWS:
            yield pl.read_csv(buffer.getvalue(), has_header=False, schema=schema)
            buffer, count = io.BytesIO(), 0
    if count:
        yield pl.read_csv(buffer.getvalue(), has_header=False, schema=schema)


def _cells(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """The workbook's cells of `frame`'s columns, as CSV text (masked, formula-safe)."""
    kinds = _kinds()[table]
    columns = []
    for name in frame.columns:
        column = pl.col(name)
        kind = kinds[name]
        if kind == "bool":
            # PostgreSQL's COPY writes t/f, SQLite 1/0: the workbook's 1/0 either way.
            column = column.replace({"t": "1", "f": "0", "true": "1", "false": "0"})
        elif kind == "causes":
            column = column.str.json_decode(pl.List(pl.String)).list.join(";")
        if kind not in UNTYPED_KINDS:
            column = csv_text_column(column)
        columns.append(column.alias(name))
    if "citizen_id" in frame.columns:
        frame = frame.with_columns(mask_citizen_ids(frame["citizen_id"]))
    return frame.select(columns)


def export_csv_write(
    households: QuerySet[Household], file: IO[bytes], progress: Progress | None = None
) -> tuple[int, int]:
    """Write the export of `households` (already scoped) into `file` as a .zip of two CSV files,
    in constant memory; returns the number of households and members written. `progress(rows)`
    hears after every chunk of either file."""
    headers = _headers()
    # Progress between chunks needs the caller's connection free while the rows are read: on
    # PostgreSQL when the COPY streams on a connection of its own, never on SQLite
    # (`progress_while_reading`); otherwise it is heard when each file ends.
    aside = _copies_aside(households.db)
    if connections[households.db].vendor == "postgresql":
        live = aside
    else:
        live = progress_while_reading(households.db)
    written = {HOUSEHOLDS: 0, MEMBERS: 0}
    member_rows = export_members(households).order_by("household__code", "member_no")
    rows = {
        HOUSEHOLDS: households.order_by("code").values_list(*HOUSEHOLD_FIELDS),
        MEMBERS: member_rows.values_list(*_member_fields()),
    }
    with ExitStack() as stack:
        if aside:
            # Both queries sent at once, each on a connection of its own: the database sorts
            # the members while the households are read and written.
            frames = {
                table: stack.enter_context(_copy_aside(rows[table], headers[table]))
                for table in (MEMBERS, HOUSEHOLDS)
            }
        else:
            frames = {table: _chunks(rows[table], headers[table]) for table in rows}
        archive = stack.enter_context(
            zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        )
        for table in (HOUSEHOLDS, MEMBERS):
            with archive.open(FILES[table], "w", force_zip64=True) as out:
                out.write(BOM + (",".join(headers[table]) + "\n").encode())
                for frame in frames[table]:
                    _cells(frame, table).write_csv(out, include_header=False)
                    written[table] += frame.height
                    if progress is not None and live:
                        progress(sum(written.values()))
                if progress is not None and not live:
                    progress(sum(written.values()))
    return written[HOUSEHOLDS], written[MEMBERS]


def export_csv(households: QuerySet[Household]) -> bytes:
    """`export_csv_write` into memory, for a commune's export written in the request."""
    out = io.BytesIO()
    export_csv_write(households, out)
    return out.getvalue()
