"""The streamed workbook writer (`spreadsheets.XlsxStream`) keeps text as text and reads back as
openpyxl's writer would have written the same rows."""

import datetime as dt
import io
import warnings
from decimal import Decimal

import openpyxl
import pytest

from giamngheo.spreadsheets import XlsxStream, append_row

ROWS = [
    ["code", "name", "count", "share", "born", "seen", "empty", "flag"],
    [
        "HH-1",
        "Nguyễn Văn An",
        3,
        0.25,
        dt.date(1980, 5, 1),
        dt.datetime(2025, 1, 2, 3, 4, 5),
        None,
        1,
    ],
    ["HH-2", "=cmd|' /C calc'!A0", 0, -1.5, dt.date(2024, 2, 29), None, None, 0],
    ["HH-3", '=HYPERLINK("http://evil.example","Nguyen")', 12, 100, None, None, None, 1],
    ["HH-4", "+84912345678", -7, 1e-3, None, None, None, 0],
    ["HH-5", "@SUM(1)", 1, 2.0, None, None, None, 0],
    ["HH-6", "\t=1+2", 1, 2.0, None, None, None, 0],
    ["HH-7", "=1+2 <b>&amp;</b> \"quoted\" 'single'", 1, 2.0, None, None, None, 0],
    ["HH-8", "   leading and trailing spaces   ", 1, 2.0, None, None, None, 0],
    ["HH-9", "line one\nline two", 1, 2.0, None, None, None, 0],
]


def _streamed(rows, name="households") -> bytes:
    out = io.BytesIO()
    with XlsxStream(out) as book:
        book.sheet(name).extend(rows)
    return out.getvalue()


def _openpyxl(rows, name="households") -> bytes:
    """The writer every export used before: openpyxl, write-only, text through `append_row`."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(name)
    for row in rows:
        append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read(content: bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a workbook openpyxl has to repair fails here
        book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def test_streamed_workbook_keeps_a_formula_like_cell_as_text():
    cells = _read(_streamed(ROWS))["households"]
    name = cells[2][1]
    assert name == ("=cmd|' /C calc'!A0", "s")
    assert [c for row in cells for c in row if c[1] == "f"] == []


def test_streamed_workbook_reads_back_as_openpyxl_wrote_the_same_rows():
    assert _read(_streamed(ROWS)) == _read(_openpyxl(ROWS))


def test_streamed_workbook_turns_a_carriage_return_into_a_line_feed_as_openpyxl_does():
    row = [["\r=1+2", "a\r\nb", "a\rb"]]
    expected = ["\n=1+2", "a\nb", "a\nb"]
    assert [v for v, _k in _read(_streamed(row))["households"][0]] == expected
    assert [v for v, _k in _read(_openpyxl(row))["households"][0]] == expected


def test_streamed_workbook_drops_characters_xml_cannot_hold():
    cells = _read(_streamed([["a\x00b\x1bc", "ok"]]))["households"]
    assert [value for value, _kind in cells[0]] == ["abc", "ok"]


@pytest.mark.parametrize("sheets", [[], ["households"], ["households", "members"]])
def test_streamed_workbook_with_no_rows_opens(sheets):
    out = io.BytesIO()
    with XlsxStream(out) as book:
        for name in sheets:
            book.sheet(name)
    read = _read(out.getvalue())
    assert list(read) == (sheets or ["Sheet1"])
    assert all(rows in ([], [[(None, "n")]]) for rows in read.values())


def test_streamed_workbook_keeps_sheets_in_order_and_names_them_safely():
    out = io.BytesIO()
    with XlsxStream(out) as book:
        book.sheet("households").append(["a"])
        book.sheet('members & "others"').append(["b"])
        book.sheet("a/b:c" + "x" * 40).append(["c"])
    read = _read(out.getvalue())
    assert list(read) == ["households", 'members & "others"', "a_b_c" + "x" * 26]
    assert [rows[0][0][0] for rows in read.values()] == ["a", "b", "c"]


def test_streamed_workbook_keeps_text_shaped_like_rich_text_xml_as_text():
    # XlsxWriter's constant_memory mode copies a string that starts with <r> and ends with </r>
    # into the sheet unescaped; this one would close the cell and open a formula.
    hostile = '<r><t>x</t></r></is></c><c r="B1"><f>HYPERLINK("http://evil.example")</f></c><c r="C1" t="inlineStr"><is><r><t>y</t></r>'
    cells = _read(_streamed([[hostile, "<r>", "<r></r>"]]))["households"]
    assert cells == [[(hostile, "s"), ("<r>", "s"), ("<r></r>", "s")]]


def test_streamed_workbook_types_flags_decimals_and_odd_values():
    aware = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    row = [True, False, Decimal("12.50"), float("nan"), float("inf"), aware, "", 7]
    cells = _read(_streamed([row]))["households"][0]
    assert cells == [
        (1, "n"),
        (0, "n"),
        (12.5, "n"),
        ("nan", "s"),
        ("inf", "s"),
        (dt.datetime(2025, 1, 2, 3, 4, 5), "d"),
        (None, "n"),
        (7, "n"),
    ]


def test_streamed_workbook_gives_sheets_of_the_same_name_distinct_names():
    out = io.BytesIO()
    with XlsxStream(out) as book:
        for name in ["households", "Households", "'quoted'", "History", "y" * 40, "y" * 31]:
            book.sheet(name).append([name])
    assert list(_read(out.getvalue())) == [
        "households",
        "Households (2)",
        "quoted",
        "History (2)",
        "y" * 31,
        "y" * 27 + " (2)",
    ]
