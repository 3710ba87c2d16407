"""Reading the registry file (.xlsx with two sheets, or one or two .csv files) into string tables.

Every cell is read as text and typed later by the checks, so a wrong type becomes a message
naming its row and column instead of an exception.
"""

import datetime as dt
import io
from pathlib import Path
from typing import BinaryIO

import polars as pl
from django.utils.translation import gettext as _

from giamngheo.households.imports.columns import COLUMNS, HOUSEHOLDS, MEMBERS
from giamngheo.spreadsheets import ESCAPED_PATTERN, csv_reader

ROW = "_row"  # the spreadsheet row number (header = 1), kept for messages


class UnreadableFile(Exception):
    """The file cannot be read at all; the message says what to do."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _frame(
    table: str, header: list[str], rows: list[list[str]], numbers: list[int]
) -> pl.DataFrame:
    header = [h.strip().lower() for h in header]
    known = [c.name for c in COLUMNS[table]]
    missing = [c.name for c in COLUMNS[table] if c.required and c.name not in header]
    if missing:
        raise UnreadableFile(
            _(
                "The %(table)s sheet has no column %(columns)s; download the template and keep its header row."
            )
            % {"table": table, "columns": ", ".join(missing)}
        )
    data: dict[str, list[str]] = {}
    for name in known:
        if name in header:
            index = header.index(name)
            data[name] = [row[index] if index < len(row) else "" for row in rows]
        else:
            data[name] = [""] * len(rows)
    data[ROW] = numbers  # type: ignore[assignment]
    return pl.DataFrame(data, schema={**{n: pl.String for n in known}, ROW: pl.Int64})


def read_xlsx(source: BinaryIO | Path) -> dict[str, pl.DataFrame]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFile(
            _("This is not an Excel (.xlsx) file that can be read: %(error)s") % {"error": exc}
        ) from None
    tables = {}
    try:
        for table in (HOUSEHOLDS, MEMBERS):
            if table not in book.sheetnames:
                if table == HOUSEHOLDS:
                    raise UnreadableFile(
                        _("The workbook has no sheet named 'households'; use the template.")
                    )
                continue
            rows = book[table].iter_rows(values_only=True)
            header = [_cell(v) for v in next(rows, ())]
            body, numbers = [], []
            for number, values in enumerate(rows, start=2):
                cells = [_cell(v) for v in values]
                if any(cells):
                    body.append(cells)
                    numbers.append(number)
            tables[table] = _frame(table, header, body, numbers)
    finally:
        book.close()
    return tables


def read_csv(source: BinaryIO | Path, table: str) -> pl.DataFrame:
    raw = source.read_bytes() if isinstance(source, Path) else source.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            _("The CSV file is not UTF-8; save it as 'CSV UTF-8' and upload it again.")
        ) from None
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if len(raw) > 1_000_000:
        return _fast_csv(raw.removeprefix(b"\xef\xbb\xbf"), delimiter, table)
    reader = csv_reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    body, numbers = [], []
    for number, cells in enumerate(reader, start=2):
        cells = [c.strip() for c in cells]
        if any(cells):
            body.append(cells)
            numbers.append(number)
    return _frame(table, header, body, numbers)


def _fast_csv(data: bytes, delimiter: str, table: str) -> pl.DataFrame:
    """Large files: Polars reads them in a few seconds; blank lines are dropped and numbered."""
    frame = pl.read_csv(
        data,
        separator=delimiter,
        infer_schema=False,
        truncate_ragged_lines=True,
    )
    frame = frame.with_columns(pl.all().fill_null(""))
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    names = [c.name for c in COLUMNS[table]]
    missing = [c.name for c in COLUMNS[table] if c.required and c.name not in frame.columns]
    if missing:
        raise UnreadableFile(
            _(
                "The %(table)s sheet has no column %(columns)s; download the template and keep its header row."
            )
            % {"table": table, "columns": ", ".join(missing)}
        )
    frame = frame.with_columns(
        [
            pl.col(n).str.replace(ESCAPED_PATTERN, "$1").str.strip_chars()
            if n in frame.columns
            else pl.lit("").alias(n)
            for n in names
        ]
    ).select([*names, ROW])
    return frame.filter(pl.any_horizontal([pl.col(n) != "" for n in names]))


def read_upload(
    name: str,
    source: BinaryIO | Path,
    members: BinaryIO | Path | None = None,
    members_name: str = "",
) -> dict[str, pl.DataFrame]:
    """Tables by name from what the officer uploaded."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(source)
    if suffix != ".csv":
        raise UnreadableFile(_("Upload an .xlsx workbook or .csv files."))
    tables = {HOUSEHOLDS: read_csv(source, HOUSEHOLDS)}
    if members is not None:
        if Path(members_name or "members.csv").suffix.lower() != ".csv":
            raise UnreadableFile(_("The members file must be a .csv file too."))
        tables[MEMBERS] = read_csv(members, MEMBERS)
    return tables
