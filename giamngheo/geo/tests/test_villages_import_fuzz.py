"""Any villages file is imported or answered with a list of row errors, never an exception."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from giamngheo.geo.services import villages_import
from giamngheo.geo.services.villages import COLUMNS
from giamngheo.geo.tests.factories import NAM_SACH

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
cells = st.one_of(
    st.sampled_from(
        [
            "",
            NAM_SACH,
            "10606",
            "4",
            "01",
            "Thôn Đông",
            "thôn",
            "tổ dân phố",
            "2025-07-01",
            "0001-01-01",
            "9999-12-31",
            "31/02/2024",
            "\x00",
            "=1+2",
        ]
    ),
    st.text(max_size=25),
    st.integers(),
)
tables = st.lists(st.lists(cells, max_size=len(COLUMNS) + 1), max_size=5)


def _check(report) -> None:
    if not report.ok:
        assert report.errors and all(e.message for e in report.errors)
        assert report.created == 0


@pytest.mark.django_db
@FUZZ
@given(table=tables, header=st.sampled_from([COLUMNS, COLUMNS[:3], ["x"]]))
def test_any_csv_is_imported_or_listed_as_errors(units, table, header):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(table)
    _check(villages_import(actor=None, file=out.getvalue().encode(), filename="v.csv"))


@pytest.mark.django_db
@FUZZ
@given(table=tables)
def test_any_xlsx_is_imported_or_listed_as_errors(units, table):
    book = Workbook()
    book.active.append(COLUMNS)
    for row in table:
        book.active.append(
            [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
        )
    out = io.BytesIO()
    book.save(out)
    _check(villages_import(actor=None, file=out.getvalue(), filename="v.xlsx"))


@pytest.mark.django_db
@FUZZ
@given(data=st.binary(max_size=300), name=st.sampled_from(["v.csv", "v.xlsx"]))
def test_any_bytes_are_imported_or_listed_as_errors(units, data, name):
    _check(villages_import(actor=None, file=data, filename=name))


@pytest.mark.django_db
def test_a_nul_in_the_commune_code_is_a_row_error(units):
    data = f"{','.join(COLUMNS)}\n{NAM_SACH}\x00,01,Thôn Đông,thôn,\n".encode()
    report = villages_import(actor=None, file=data, filename="v.csv")
    assert [(e.row, e.field) for e in report.errors] == [(2, "commune_code")]


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_valid_from_outside_1900_2100_is_a_row_error(units, day):
    data = f"{','.join(COLUMNS)}\n{NAM_SACH},01,Thôn Đông,thôn,{day}\n".encode()
    report = villages_import(actor=None, file=data, filename="v.csv")
    assert [(e.row, e.field) for e in report.errors] == [(2, "valid_from")]
    assert "1900-01-01" in report.errors[0].message


@pytest.mark.django_db
def test_a_csv_the_reader_cannot_split_is_a_file_error(units):
    content = b"commune_code\n" + b"x" * 200_000  # over the csv module's field limit
    report = villages_import(actor=None, file=content, filename="v.csv")
    assert report.errors and report.errors[0].row == 1
