"""Cells of every workbook and CSV file the product writes: what a person typed stays data.

A name such as ``=HYPERLINK("http://evil.example","Nguyen")`` must reach the officer who opens
the export as that text, never as a live formula (OWASP, "CSV Injection").

- Workbooks (openpyxl): a ``str`` is stored as a string cell whatever it starts with, so it
  shows exactly as typed, with no visible prefix; numbers and dates keep their type, so figures
  in report tables stay figures. XlsxWriter, if it is ever used, must be opened with
  ``XLSXWRITER_OPTIONS`` (it turns ``=…`` into formulas otherwise).
- Large exports (`XlsxStream`): the same rule, written row by row straight into the zip file,
  so memory stays constant whatever the number of rows; a ``str`` is always an inline string
  cell, never a formula.
- CSV files hold no types, so OWASP's rule applies: a text cell that begins with
  ``= + - @``, a tab or a carriage return gets a leading apostrophe. The product's CSV readers
  remove it again (``csv_unescape``), so an export read back keeps ``+84912345678`` intact.

This module imports neither Django nor Polars: the rule engine's file formats use it too.
Every new writer must go through it, and be added to ``giamngheo/tests/test_exports.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any, Protocol
from xml.sax.saxutils import quoteattr

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

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


# Streamed workbooks. XlsxWriter's constant_memory mode writes about 8,000 rows of twelve cells a
# second on this project's machines (~100,000 cells/s); an export of a province's households and
# members needs millions of cells a second, so the sheet XML is written here directly: one
# string per row, inline strings (no shared-string table to hold in memory), deflated in a
# streamed zip entry. Only what the product's exports need: text, numbers, dates, empty cells.

# Characters XML 1.0 cannot carry are dropped; a carriage return is kept as a character
# reference (a parser would turn a literal one into a line feed).
_XML_ILLEGAL: dict[str, str | None] = {
    **{chr(c): None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)},
    "\ufffe": None,
    "\uffff": None,
}
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;", **_XML_ILLEGAL})
_XML_NAME = str.maketrans({**_XML_ILLEGAL, "\r": None, "\n": None, "\t": None})
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Styles (cellXfs) the writer declares: 0 plain, 1 date (numFmt 14), 2 date and time (numFmt 22).
_DATE, _DATETIME = 1, 2
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"
_FLUSH_ROWS = 2000


_TEXT_OPEN = '<c t="inlineStr"><is><t xml:space="preserve">'
_TEXT_CLOSE = "</t></is></c>"


def _xml_text(value: str) -> str:
    # Most text needs no escaping; checking for it costs less than translating every string.
    if value.isprintable() and "&" not in value and "<" not in value and ">" not in value:
        return value
    return value.translate(_XML_TEXT)


def xlsx_cell(value: Any) -> str:
    """One cell's XML: text always as an inline string (never a formula); numbers and dates typed;
    booleans as 1/0, as the importers read them."""
    kind = type(value)
    if kind is str:
        return _TEXT_OPEN + _xml_text(value) + _TEXT_CLOSE if value else "<c/>"
    if value is None:
        return "<c/>"
    if kind is bool:
        return f"<c><v>{int(value)}</v></c>"
    if kind is int or kind is Decimal or (kind is float and math.isfinite(value)):
        return f"<c><v>{value}</v></c>"
    if kind is dt.date:
        return f'<c s="{_DATE}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    if kind is dt.datetime:
        serial = (value.replace(tzinfo=None) - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c s="{_DATETIME}"><v>{serial!r}</v></c>'
    return xlsx_cell(str(value))


def xlsx_row(values: Iterable[Any]) -> str:
    parts = ["<row>"]
    append = parts.append
    for value in values:
        # Text inline (the common case), everything else through `xlsx_cell`.
        if type(value) is str and value:
            append(_TEXT_OPEN + _xml_text(value) + _TEXT_CLOSE)
        else:
            append(xlsx_cell(value))
    append("</row>")
    return "".join(parts)


class XlsxSheet:
    """One sheet being written: rows are buffered a few thousand at a time, never all of them."""

    def __init__(self, entry: IO[bytes]) -> None:
        self._entry = entry
        self._buffer: list[str] = [_SHEET_START]
        self.rows = 0

    def append(self, values: Iterable[Any]) -> None:
        self._buffer.append(xlsx_row(values))
        self.rows += 1
        if len(self._buffer) >= _FLUSH_ROWS:
            self._flush()

    def extend(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.append(values)

    def _flush(self) -> None:
        self._entry.write("".join(self._buffer).encode())
        self._buffer = []

    def close(self) -> None:
        self._buffer.append(_SHEET_END)
        self._flush()
        self._entry.close()


class XlsxStream:
    """A workbook written sheet by sheet, row by row, into `file` (a path or a binary file).

    ``with XlsxStream(out) as book: sheet = book.sheet("households"); sheet.append([...])``.
    Sheets are written one after the other (a new `sheet` closes the previous one).
    """

    def __init__(self, file: Any, *, compresslevel: int = 1) -> None:
        self._zip = zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._names: list[str] = []
        self._current: XlsxSheet | None = None

    def sheet(self, name: str) -> XlsxSheet:
        if self._current is not None:
            self._current.close()
        # Excel's limits on a sheet name: 31 characters, none of []:*?/\.
        title = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or f"Sheet{len(self._names) + 1}"
        self._names.append(title)
        entry = self._zip.open(f"xl/worksheets/sheet{len(self._names)}.xml", "w", force_zip64=True)
        self._current = XlsxSheet(entry)
        return self._current

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        if not self._names:
            self.sheet("Sheet1").close()
            self._current = None
        sheets = "".join(
            f'<sheet name={quoteattr(name.translate(_XML_NAME))} sheetId="{n}" r:id="rId{n}"/>'
            for n, name in enumerate(self._names, start=1)
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(self._names) + 1)
        )
        count = len(self._names)
        rels += f'<Relationship Id="rId{count + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        self._zip.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(
                sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, count + 1))
            ),
        )
        self._zip.writestr("_rels/.rels", _ROOT_RELS)
        self._zip.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{sheets}</sheets></workbook>",
        )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        self._zip.writestr("xl/styles.xml", _STYLES)
        self._zip.close()

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
