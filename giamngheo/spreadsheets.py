"""Cells of every workbook and CSV file the product writes: what a person typed stays data.

A name such as ``=HYPERLINK("http://evil.example","Nguyen")`` must reach the officer who opens
the export as that text, never as a live formula (OWASP, "CSV Injection").

- Workbooks (openpyxl): a ``str`` is stored as a string cell whatever it starts with, so it
  shows exactly as typed, with no visible prefix; numbers and dates keep their type, so figures
  in report tables stay figures. XlsxWriter is always opened with ``XLSXWRITER_OPTIONS`` (it
  turns ``=…`` into formulas otherwise).
- Large exports (`XlsxStream`): the same rule through XlsxWriter in constant_memory mode, row
  by row, so memory stays constant whatever the number of rows; a ``str`` is always written
  with ``write_string`` (an inline string cell), never as a formula.
- Province-scale exports (`write_xlsx`): the same cells through rust_xlsxwriter (compiled, its
  constant-memory mode; 5× less CPU than XlsxWriter), which writes every ``str`` as an inline
  string cell; `xlsx_cell` types the values first as `XlsxSheet.append` does, and the tests
  check that both writers' workbooks read back alike.
- CSV files hold no types, so OWASP's rule applies: a text cell that begins with
  ``= + - @``, a tab or a carriage return gets a leading apostrophe. The product's CSV readers
  remove it again (``csv_unescape``), so an export read back keeps ``+84912345678`` intact.
  `csv_text_column` applies the same rule to a whole Polars column at once (the province-wide
  CSV export); the tests check that both give the same cells.

This module imports neither Django nor Polars: the rule engine's file formats use it too.
Every new writer must go through it, and be added to ``giamngheo/tests/test_exports.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import os
import re
import shutil
import tempfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import xlsxwriter
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from rustpy_xlsxwriter import Format, write_worksheets
from xlsxwriter.worksheet import Worksheet as XlsxWorksheet

if TYPE_CHECKING:
    import polars as pl

# OWASP's list: what spreadsheet programs read as the start of a formula.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# Text that already begins with apostrophes before such a character gets one more, so reading
# back removes exactly one and every value survives the round trip.
# For Polars' `str.replace` (Rust regex syntax): the escaped form, and the text to escape.
ESCAPED_PATTERN = r"^'('*[=+\-@\t\r])"
UNESCAPED_PATTERN = r"^('*[=+\-@\t\r])"
_ESCAPED = re.compile(ESCAPED_PATTERN)
_UNESCAPED = re.compile(UNESCAPED_PATTERN)

XLSXWRITER_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def put(cell: Cell, value: Any) -> Cell:
    """Set `cell` to `value`; text is typed as a string, never as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def set_cell(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """``sheet.cell(row, column, value)`` for text a formula must never come from."""
    return put(sheet.cell(row=row, column=column), value)


def text_cell(sheet: Any, value: Any) -> Cell:
    """A detached cell for ``sheet.append`` (also for write-only sheets)."""
    return put(Cell(sheet, row=1, column=1), value)


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` with every text cell typed as a string (any sheet mode)."""
    sheet.append([text_cell(sheet, value) for value in values])


class _RowWriter(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


def csv_text(value: Any) -> Any:
    """`value` as it may go into a CSV cell: text that looks like a formula gets an apostrophe.

    Numbers the product computed are not text a person typed and are written as they are.
    """
    if isinstance(value, str) and _UNESCAPED.match(value):
        return ESCAPE + value
    return value


def csv_text_column(column: pl.Expr) -> pl.Expr:
    """`csv_text` over a whole text column at once (Polars, compiled): the same apostrophe before
    the same formula-like starts, so a large export escapes millions of cells without a Python
    call per cell; null stays null (an empty cell, as `csv_text(None)` writes)."""
    import polars as pl

    # Testing first costs 5 times less than replacing in every cell: few cells need it.
    risky = column.str.contains(UNESCAPED_PATTERN)
    return (
        pl.when(risky)
        .then(column.str.replace(UNESCAPED_PATTERN, ESCAPE + "${1}"))
        .otherwise(column)
    )


def csv_unescape(text: str) -> str:
    """Undo `csv_text` on a cell read from a CSV file."""
    return _ESCAPED.sub(r"\1", text) if text.startswith(ESCAPE) else text


class SafeWriter:
    """A ``csv.writer`` whose text cells cannot start a formula."""

    def __init__(self, writer: _RowWriter) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_text(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file: Any, **options: Any) -> SafeWriter:
    """``csv.writer(file, **options)`` that neutralises formula-like text."""
    return SafeWriter(csv.writer(file, **options))


def csv_reader(lines: Iterable[str], *args: Any, **options: Any) -> Iterator[list[str]]:
    """``csv.reader`` that removes the apostrophe `csv_writer` put before formula-like text."""
    for row in csv.reader(lines, *args, **options):
        yield [csv_unescape(cell) for cell in row]


# Excel refuses a list validation written inline beyond 255 characters, and a label with a comma
# would split in two; every dropdown's values therefore sit in a column of one hidden sheet.
DROPDOWN_LAST_ROW = 5000


class Dropdowns:
    """Dropdown lists (data validation of type "list") whose values live on a hidden sheet.

    ``add`` writes the values once per list name into the next column of the lists sheet and
    puts a validation over `column` of `sheet`, rows 2 to `last_row`; a value typed by hand
    that is not on the list is refused by Excel with `error`.
    """

    def __init__(self, book: Any, title: str) -> None:
        self.sheet = book.create_sheet(title)
        self.sheet.sheet_state = "hidden"
        self._ranges: dict[str, str] = {}

    def range_for(self, name: str, values: list[str]) -> str:
        """The absolute range holding `values` (written under the heading `name` the first time)."""
        if name not in self._ranges:
            index = len(self._ranges) + 1
            set_cell(self.sheet, 1, index, name)
            for row, value in enumerate(values, start=2):
                set_cell(self.sheet, row, index, value)
            letter = get_column_letter(index)
            title = self.sheet.title.replace("'", "''")
            self._ranges[name] = f"'{title}'!${letter}$2:${letter}${len(values) + 1}"
        return self._ranges[name]

    def add(
        self,
        sheet: Worksheet,
        column: int,
        name: str,
        values: list[str],
        *,
        error: str = "",
        last_row: int = DROPDOWN_LAST_ROW,
    ) -> DataValidation:
        letter = get_column_letter(column)
        validation = DataValidation(
            type="list",
            formula1=self.range_for(name, values),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=name[:32],
            error=error[:255] or None,
        )
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)
        return validation


def dropdown_values(book: Any, validation: DataValidation) -> list[str]:
    """The values a list validation offers: inline (``"a,b"``) or a range of another sheet."""
    formula = validation.formula1 or ""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    title, _sep, cells = formula.rpartition("!")
    sheet = book[title.strip("'").replace("''", "'")]
    return [
        "" if cell.value is None else str(cell.value)
        for row in sheet[cells.replace("$", "")]
        for cell in row
    ]


# Streamed workbooks: XlsxWriter in constant_memory mode keeps one row in memory and writes it to a
# temporary file as soon as the next row starts; the sheets are zipped into the workbook at the end.
STREAM_OPTIONS = {**XLSXWRITER_OPTIONS, "constant_memory": True, "remove_timezone": True}

# Characters XML 1.0 cannot carry are dropped (XlsxWriter would write them as ``_xHHHH_``, which
# Excel decodes but openpyxl, the product's own reader, does not); a carriage return becomes the
# line feed an XML parser would have made of it.
_XML_ILLEGAL: dict[str, str | None] = {
    **{chr(c): None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)},
    "\ufffe": None,
    "\uffff": None,
}
_CLEAN_TEXT = str.maketrans(_XML_ILLEGAL)
_CLEAN_NAME = str.maketrans({**_XML_ILLEGAL, "\r": None, "\n": None, "\t": None})
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_DATE_FORMAT, _DATETIME_FORMAT = 14, 22  # Excel's built-in date and date-and-time formats
_DATETIME = "m/d/yy h:mm"  # format 22 written out, for rust_xlsxwriter's `datetime_format`


def sheet_title(name: str, taken: set[str]) -> str:
    """`name` as Excel accepts it, distinct (whatever the case) from the titles in `taken`, to
    which it is added: at most 31 characters, none of []:*?/\\, no apostrophe at either end."""
    title = _SHEET_NAME_BAD.sub("_", name.translate(_CLEAN_NAME))[:31].strip("'")
    title = title or f"Sheet{len(taken) + 1}"
    base, n = title, 1
    while title.casefold() in taken or title.casefold() == "history":
        n += 1
        title = f"{base[: 31 - len(str(n)) - 3]} ({n})"
    taken.add(title.casefold())
    return title


def _clean_text(value: str) -> str:
    # Most text is printable; checking for that costs less than cleaning every string.
    if value.isprintable():
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_CLEAN_TEXT)


class XlsxSheet:
    """One sheet being written, a row at a time (XlsxWriter holds only the current row)."""

    def __init__(self, book: XlsxStream, worksheet: XlsxWorksheet) -> None:
        self._book = book
        self._sheet = worksheet
        self.rows = 0

    def append(self, values: Iterable[Any]) -> None:
        row = self.rows
        write_string = self._sheet.write_string
        write_number = self._sheet.write_number
        for column, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if value:
                    value = _clean_text(value)
                    if value.startswith("<r>") and value.endswith("</r>"):
                        # XlsxWriter copies such text into the sheet as rich-text XML, unescaped
                        # (constant_memory mode); as three plain runs it is escaped like any text.
                        self._sheet.write_rich_string(row, column, "<", "r>", value[3:])
                    else:
                        write_string(row, column, value)
            elif value is None:
                continue
            elif kind is bool:
                write_number(row, column, int(value))  # 1/0, as the importers read flags
            elif (
                kind is int
                or (kind is float and math.isfinite(value))
                or kind is Decimal
                and value.is_finite()
            ):
                write_number(row, column, value)
            elif kind is dt.date:
                self._sheet.write_datetime(row, column, value, self._book.date_format)
            elif kind is dt.datetime:
                self._sheet.write_datetime(row, column, value, self._book.datetime_format)
            else:
                text = str(value)
                if text:
                    write_string(row, column, _clean_text(text))
        self.rows += 1

    def extend(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.append(values)


class XlsxStream:
    """A workbook written sheet by sheet, row by row, into `file` (a path or a binary file).

    ``with XlsxStream(out) as book: sheet = book.sheet("households"); sheet.append([...])``.
    Rows go in order; sheets are written one after the other. Text is always a string cell
    (``write_string``), never a formula; numbers and dates keep their type; booleans are 1/0.
    """

    def __init__(self, file: Any) -> None:
        self._book = xlsxwriter.Workbook(file, STREAM_OPTIONS)
        self.date_format = self._book.add_format({"num_format": _DATE_FORMAT})
        self.datetime_format = self._book.add_format({"num_format": _DATETIME_FORMAT})
        self._names: set[str] = set()

    def sheet(self, name: str) -> XlsxSheet:
        return XlsxSheet(self, self._book.add_worksheet(sheet_title(name, self._names)))

    def close(self) -> None:
        self._book.close()

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Large exports at province scale: rust_xlsxwriter (through its Python binding) writes the cells'
# XML and zips it in compiled code, row by row from a generator in its constant-memory mode; the
# cells are typed here first by the same rules as `XlsxSheet.append`, so both writers give the
# same workbook. XlsxWriter's per-cell Python XML was 85 % of the export's time.
@dataclass(frozen=True)
class SheetRows:
    """One sheet for `write_xlsx`: its `header` (distinct names, the first row), its `rows` (read
    once, lazily, in order) and the header names of the columns holding dates.

    A column with dates is formatted as dates as a whole (rust_xlsxwriter puts the date format
    on the column): it holds dates, empty cells or text, never numbers, which would show as dates.
    """

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    dates: Collection[str] = ()


def xlsx_cell(value: Any) -> Any:
    """`value` as `write_xlsx` hands it to the compiled writer: text cleaned for XML (always
    written as a string cell, never a formula), flags as 1/0, an empty string or a number that
    is not finite as what `XlsxSheet.append` writes for it."""
    kind = type(value)
    if kind is str:
        return _clean_text(value) if value else None
    if value is None or kind is int or kind is dt.date or kind is dt.datetime:
        return value
    if kind is bool:
        return int(value)
    if kind is float or kind is Decimal:
        finite = value.is_finite() if kind is Decimal else math.isfinite(value)
        return value if finite else str(value)
    text = str(value)
    return _clean_text(text) if text else None


def _records(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[dict[str, Any]]:
    cell = xlsx_cell
    for row in rows:
        yield dict(zip(header, map(cell, row), strict=False))


def write_xlsx(file: Any, sheets: Iterable[SheetRows]) -> None:
    """Write `sheets` into `file` (a path or a binary file) as one workbook, in constant memory.

    Text is always a string cell whatever it starts with (``=``, ``+``, ``-``, ``@``: never a
    formula); numbers and dates keep their type (dates in Excel's built-in date format, as
    `XlsxStream` writes them); booleans are 1/0; a sheet with no rows still has its header.
    """
    entries: list[tuple[str, Any]] = []
    formats: dict[str, dict[str, Format] | list[Format]] = {}
    taken: set[str] = set()
    for sheet in sheets:
        header = [_clean_text(str(name)) for name in sheet.header]
        if len(set(header)) != len(header) or not all(header):
            raise ValueError(f"a sheet's header names must be distinct and non-empty: {header}")
        title = sheet_title(sheet.name, taken)
        rows = iter(sheet.rows)
        first = next(rows, None)
        if first is None:
            # A generator with no rows would give a sheet without its header row.
            import polars as pl

            data: Any = pl.DataFrame(schema={name: pl.String for name in header})
        else:
            data = _records(header, itertools.chain([first], rows))
        entries.append((title, data))
        dates = [header[list(sheet.header).index(name)] for name in sheet.dates]
        if dates:
            formats[title] = {name: Format().set_num_format_index(_DATE_FORMAT) for name in dates}
    if not entries:
        entries.append(("Sheet1", iter(())))
    if isinstance(file, str | os.PathLike):
        write_worksheets(entries, file, datetime_format=_DATETIME, column_formats=formats or None)
        return
    # Given a file object, rust_xlsxwriter assembles the whole workbook in memory first (98 MiB
    # more at 1 M rows); given a path it streams to disk: a temporary file keeps memory constant.
    with tempfile.TemporaryDirectory(prefix="giamngheo-xlsx-") as folder:
        path = os.path.join(folder, "book.xlsx")
        write_worksheets(entries, path, datetime_format=_DATETIME, column_formats=formats or None)
        with open(path, "rb") as written:
            shutil.copyfileobj(written, file, 1 << 20)
