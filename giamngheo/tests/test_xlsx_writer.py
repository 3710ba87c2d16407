"""The compiled workbook writer (`spreadsheets.write_xlsx`, rust_xlsxwriter) keeps text as text
and reads back, through openpyxl (the product's own reader), as `XlsxStream` wrote the same rows."""

import datetime as dt
import io
import warnings
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giamngheo.spreadsheets import SheetRows, XlsxStream, write_xlsx

HEADER = ["code", "name", "count", "share", "born", "seen", "empty", "flag", "note"]
ROWS = [
    ["HH-1", "Nguyễn Văn An", 3, 0.25, dt.date(1980, 5, 1), dt.datetime(2025, 1, 2, 3, 4, 5)]
    + [None, True, "Hộ nghèo; thiếu đất sản xuất"],
    ["HH-2", "=cmd|' /C calc'!A0", 0, -1.5, dt.date(2024, 2, 29), None, "", False, "-"],
    ["HH-3", '=HYPERLINK("http://evil.example","Nguyen")', 12, 100, None, None, None, 1, "+"],
    ["HH-4", "+84912345678", -7, 1e-3, None, None, None, 0, "@"],
    ["HH-5", "@SUM(1)", 1, 2.0, None, None, None, 0, "-1+2"],
    ["HH-6", "\t=1+2", 1, Decimal("12.50"), None, None, None, 0, "\r=1+2"],
    ["HH-7", "=1+2 <b>&amp;</b> \"quoted\" 'single'", 1, float("nan"), None, None, None, 0]
    + ["a\r\nb"],
    ["HH-8", "   leading and trailing spaces   ", 1, float("inf"), None, None, None, 0, "a\rb"],
    ["HH-9", "line one\nline two", 10**15, -0.0, None, None, None, 0, "a\x00b\x1bc\x0b"],
    ["HH-10", "<r><t>x</t></r>", 1, 2.0, None, None, None, 0, "Đắk Lắk · Hà Giang ✓ 😀"],
    ["HH-11", "_x0041_", None, None, None, None, None, None, "a\ufffeb\uffff"],
    ["HH-12", "x" * 5000, 2, 3.5, dt.date(1900, 3, 1), None, None, 1, "'=quoted"],
    ["HH-13"],  # a short row: the cells it lacks stay empty
]


def _old(sheets) -> bytes:
    out = io.BytesIO()
    with XlsxStream(out) as book:
        for name, header, rows in sheets:
            sheet = book.sheet(name)
            sheet.append(header)
            sheet.extend(rows)
    return out.getvalue()


def _new(sheets, dates=()) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, [SheetRows(name, header, iter(rows), dates) for name, header, rows in sheets])
    return out.getvalue()


def _read(content: bytes):
    """Each sheet's filled cells as (value, type). An empty string cell, which XlsxStream writes
    for a text of only characters XML cannot hold, counts as empty, as the importers read it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a workbook openpyxl has to repair fails here
        book = openpyxl.load_workbook(io.BytesIO(content))
    read = {}
    for sheet in book.worksheets:
        rows = [
            [(c.value, c.data_type) for c in row if c.value not in (None, "")]
            for row in sheet.iter_rows()
        ]
        while rows and not rows[-1]:  # trailing empty rows: no more rows at all
            rows.pop()
        read[sheet.title] = rows
    return read


def test_compiled_workbook_reads_back_as_xlsxstream_wrote_the_same_rows():
    sheets = [("households", HEADER, ROWS), ("members", ["a", "b"], [["x", 1], [None, "=1"]])]
    assert _read(_new(sheets)) == _read(_old(sheets))


def test_compiled_workbook_writes_no_formula_whatever_the_text_starts_with():
    leads = ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://e.x")']
    content = _new([("households", ["text"], [[lead] for lead in leads])])
    cells = _read(content)["households"]
    assert [kind for row in cells[1:] for _value, kind in row] == ["s"] * len(leads)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet


def test_compiled_workbook_keeps_an_empty_sheet_s_header():
    sheets = [("households", ["code", "name"], []), ("members", ["x"], [])]
    assert _read(_new(sheets)) == _read(_old(sheets))
    assert _read(_new(sheets))["households"] == [[("code", "s"), ("name", "s")]]


def test_compiled_workbook_leaves_a_cell_of_only_characters_xml_cannot_hold_empty():
    # XlsxStream wrote an empty string cell there; nothing at all reads back the same way.
    cells = _read(_new([("households", ["a", "b"], [["\x00\ufffe", "ok"]])]))["households"]
    assert cells[1] == [("ok", "s")]


def test_compiled_workbook_keeps_every_digit_of_a_float():
    # XlsxWriter writes numbers with 16 significant digits, rust_xlsxwriter with all of them.
    value = 2.8936223854658236e16
    assert _read(_new([("households", ["a"], [[value]])]))["households"][1] == [(value, "n")]


def test_compiled_workbook_with_no_sheet_opens():
    out = io.BytesIO()
    write_xlsx(out, [])
    assert list(_read(out.getvalue())) == ["Sheet1"]


def test_compiled_workbook_writes_dates_in_excel_s_built_in_date_format_as_xlsxstream_does():
    sheets = [("members", ["no", "born"], [[1, dt.date(1980, 5, 1)], [2, None]])]
    old = openpyxl.load_workbook(io.BytesIO(_old(sheets)))["members"]["B2"]
    new = openpyxl.load_workbook(io.BytesIO(_new(sheets, dates=["born"])))["members"]["B2"]
    assert (new.value, new.number_format) == (old.value, old.number_format)
    assert new.number_format == "mm-dd-yy"  # built-in format 14: the reader's short date


def test_compiled_workbook_names_sheets_as_xlsxstream_does():
    names = ["households", "Households", "'quoted'", "History", "a/b:c" + "y" * 40]
    sheets = [(name, ["a"], [[name]]) for name in names]
    assert list(_read(_new(sheets))) == list(_read(_old(sheets)))


@pytest.mark.parametrize("header", [["a", "a"], ["a", ""]])
def test_compiled_workbook_refuses_a_header_it_could_not_write(header):
    with pytest.raises(ValueError):
        write_xlsx(io.BytesIO(), [SheetRows("households", header, [])])


cells = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'"]).flatmap(
        lambda lead: st.text(max_size=10).map(lambda text: lead + text)
    ),
    st.integers(min_value=-(2**40), max_value=2**40),
    # 15 significant digits: XlsxWriter (the reference) rounds to 16, see the test above.
    st.floats(allow_nan=True, allow_infinity=True).map(lambda x: float(f"{x:.15g}")),
    st.booleans(),
)
# A column that holds dates is formatted as dates as a whole (rust_xlsxwriter's date format goes
# on the column): numbers must not share it, as in every export, where a date column holds
# dates, empty cells or (an unreadable value) text.
date_cells = st.one_of(st.none(), st.dates(min_value=dt.date(1900, 3, 1)), st.text(max_size=5))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(cells, cells, date_cells), max_size=8))
def test_compiled_workbook_reads_back_as_xlsxstream_on_any_rows(rows):
    sheets = [("households", ["a", "b", "born"], rows)]
    assert _read(_new(sheets, dates=["born"])) == _read(_old(sheets))


def test_compiled_workbook_writes_to_a_path_as_to_a_file(tmp_path):
    sheets = [("households", HEADER, ROWS)]
    write_xlsx(tmp_path / "book.xlsx", [SheetRows(n, h, iter(r)) for n, h, r in sheets])
    assert _read((tmp_path / "book.xlsx").read_bytes()) == _read(_new(sheets))
