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

from giamngheo.households.imports.columns import (
    COLUMNS,
    HOUSEHOLDS,
    MEMBERS,
    SHEET_TITLES,
    header_names,
    table_of_sheet,
)
from giamngheo.households.text import fold
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


def _names(table: str, header: list[str]) -> list[str]:
    """Each header cell as its column's code: the Vietnamese header, the English one and the
    code itself are all accepted, whatever their accents, case and spaces."""
    by_header: dict[str, str] = {}
    for column in COLUMNS[table]:
        for name in header_names(column):
            by_header.setdefault(name, column.name)
    return [by_header.get(fold(h), fold(h)) for h in header]


def _missing(table: str, header: list[str]) -> None:
    missing = [str(c.header) for c in COLUMNS[table] if c.required and c.name not in header]
    if missing:
        raise UnreadableFile(
            _(
                "The %(table)s sheet has no column %(columns)s; download the template and keep its header row."
            )
            % {"table": SHEET_TITLES[table], "columns": ", ".join(missing)}
        )


def _frame(
    table: str, header: list[str], rows: list[list[str]], numbers: list[int]
) -> pl.DataFrame:
    header = _names(table, header)
    known = [c.name for c in COLUMNS[table]]
    _missing(table, header)
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
        sheets: dict[str, str] = {}
        for title in book.sheetnames:
            table = table_of_sheet(title)
            if table is not None:
                sheets.setdefault(table, title)
        for table in (HOUSEHOLDS, MEMBERS):
            if table not in sheets:
                if table == HOUSEHOLDS:
                    raise UnreadableFile(
                        _("The workbook has no sheet named '%(sheet)s'; use the template.")
                        % {"sheet": SHEET_TITLES[HOUSEHOLDS]}
                    )
                continue
            rows = book[sheets[table]].iter_rows(values_only=True)
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
    keep, taken = [], set()
    for original, name in zip(frame.columns, _names(table, frame.columns), strict=True):
        if name not in taken:  # a second column with the same meaning is not read
            keep.append(pl.col(original).alias(name))
            taken.add(name)
    frame = frame.select(keep)
    frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    names = [c.name for c in COLUMNS[table]]
    _missing(table, frame.columns)
    # Only a cell starting with a quote can be an escaped formula: the regular expression runs on
    # those alone (over every cell it took 3.3 of the 9.5 CPU-s of reading 3.5 M members).
    frame = frame.with_columns(
        [
            pl.when(pl.col(n).str.starts_with("'"))
            .then(pl.col(n).str.replace(ESCAPED_PATTERN, "$1"))
            .otherwise(pl.col(n))
            .str.strip_chars()
            .alias(n)
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
