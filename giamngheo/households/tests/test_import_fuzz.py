"""Whatever an officer uploads, the registry import either imports it or lists what is wrong:
never an unhandled exception (and never a database error from text PostgreSQL refuses)."""

import csv
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giamngheo.households.imports import ImportInvalid, UnreadableFile, read_upload, registry_import
from giamngheo.households.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

pytestmark = pytest.mark.django_db

H = [c.name for c in HOUSEHOLD_COLUMNS]
M = [c.name for c in MEMBER_COLUMNS]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Cells an officer's spreadsheet really holds, and the hostile ones.
cells = st.one_of(
    st.sampled_from(
        [
            "",
            "HH-1",
            "11001-A1",
            "11002-B1",
            "1",
            "0",
            "male",
            "Nữ",
            "head",
            "child",
            "1980-05-01",
            "02/03/2010",
            "0001-01-01",
            "9999-12-31",
            "31/02/2024",
            "031080000001",
            '=HYPERLINK("http://x")',
            "+84912345678",
            "illness;lack_land",
            "\x00",
            "a\x1bb",
            "1e309",
            "-1",
            "999999999999999999999",
        ]
    ),
    st.text(max_size=30),
)
rows = st.lists(st.fixed_dictionaries({}, optional=dict.fromkeys(H, cells)), max_size=4)
member_rows = st.lists(st.fixed_dictionaries({}, optional=dict.fromkeys(M, cells)), max_size=6)


def _csv(columns: list[str], table: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in table:
        writer.writerow([row.get(name, "") for name in columns])
    return out.getvalue().encode("utf-8")


def _xlsx(households: list[dict], members: list[dict]) -> bytes:
    book = openpyxl.Workbook()
    for sheet, columns, table in (
        (book.active, H, households),
        (book.create_sheet("members"), M, members),
    ):
        sheet.title = "households" if columns is H else "members"
        sheet.append(columns)
        for row in table:
            # openpyxl cannot write control characters; the CSV path carries those.
            sheet.append(
                [openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", row.get(n, "")) for n in columns]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(actor, *upload) -> None:
    try:
        registry_import(actor=actor, tables=read_upload(*upload), reason="fuzz")
    except UnreadableFile as exc:
        assert str(exc)
    except ImportInvalid as exc:
        assert exc.errors and all(e.message and e.field for e in exc.errors)


@FUZZ
@given(households=rows, members=member_rows)
def test_csv_import_of_any_cells_imports_or_lists_errors(commune_a_officer, households, members):
    _import(
        commune_a_officer,
        "h.csv",
        io.BytesIO(_csv(H, households)),
        io.BytesIO(_csv(M, members)),
        "m.csv",
    )


@FUZZ
@given(households=rows, members=member_rows)
def test_xlsx_import_of_any_cells_imports_or_lists_errors(commune_a_officer, households, members):
    _import(commune_a_officer, "h.xlsx", io.BytesIO(_xlsx(households, members)))


@FUZZ
@given(data=st.binary(max_size=300), name=st.sampled_from(["h.csv", "h.xlsx", "h.txt"]))
def test_any_bytes_are_read_or_refused_with_a_message(commune_a_officer, data, name):
    _import(commune_a_officer, name, io.BytesIO(data))


def test_a_nul_byte_in_a_cell_is_an_error_naming_the_cell(commune_a_officer):
    households = [{"household_code": "HH-1", "village_code": "11001-A1", "address": "X\x00"}]
    with pytest.raises(ImportInvalid) as invalid:
        registry_import(
            actor=commune_a_officer,
            tables=read_upload("h.csv", io.BytesIO(_csv(H, households))),
        )
    assert [(e.row, e.field) for e in invalid.value.errors] == [(2, "address")]
