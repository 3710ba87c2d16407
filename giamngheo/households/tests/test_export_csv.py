"""The household export as CSV files in a .zip: the workbook's cells (masked, formula-safe),
escaped and masked a column at a time by the same rules as the per-cell functions."""

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import polars as pl
import pytest
from django.db import connection
from django.urls import reverse

from giamngheo.households import imports
from giamngheo.households.imports.csvexport import BOM, FILES
from giamngheo.households.models import mask_citizen_id, mask_citizen_ids
from giamngheo.households.selectors import household_list
from giamngheo.households.tests.factories import HouseholdFactory, MemberFactory
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.spreadsheets import csv_text, csv_text_column, csv_unescape

TRICKY = [
    "=1+1",
    "+84912345678",
    "-",
    "-1",
    "@x",
    "@SUM(1)",
    "\tx",
    "\rx",
    "\r\n=2",
    "'=1",
    "''+x",
    "a=1",
    " =1",
    "",
    None,
    "Lò Văn Páo",
    "Đặng Thị Ánh",
    "'",
    "x\n=y",
    '"=q"',
    "a,b",
    "ab",
    "abc",
    "031080000001",
    "😀=",
]


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_column_escaping_equals_csv_text_cell_by_cell():
    frame = pl.DataFrame({"text": TRICKY}, schema={"text": pl.String})
    escaped = frame.select(csv_text_column(pl.col("text")))["text"].to_list()
    assert escaped == [csv_text(value) for value in TRICKY]
    assert [None if v is None else csv_unescape(v) for v in escaped] == TRICKY


def test_the_column_masking_equals_mask_citizen_id_cell_by_cell():
    values = pl.Series("citizen_id", TRICKY, dtype=pl.String)
    assert mask_citizen_ids(values).to_list() == [mask_citizen_id(v) for v in TRICKY]
    assert mask_citizen_ids(pl.Series("citizen_id", [], dtype=pl.String)).to_list() == []


@pytest.fixture
def registry(units):
    households = [
        HouseholdFactory(
            unit=units["A1"],
            code="31-11001-000002",
            head_name="=cmd|' /C calc'!A0",
            address="@SUM(1), thôn 3",
            causes=["land", "capital"],
            social_protection=True,
        ),
        HouseholdFactory(unit=units["A1"], code="31-11001-000001", phone="+84912345678"),
        HouseholdFactory(unit=units["B1"], code="31-11002-000001", head_name="Lò Văn Páo"),
    ]
    for number, household in enumerate(households, start=1):
        MemberFactory(household=household, member_no=1, citizen_id=f"03108000000{number}")
        MemberFactory(
            household=household,
            member_no=2,
            relation="child",
            citizen_id="",
            full_name='-Út "Bé"\nhai',
            date_of_birth=dt.date(2015, 6, 1),
        )
    return households


def _csv_files(content: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == sorted(FILES.values())
        files = {}
        for table, name in FILES.items():
            data = archive.read(name)
            assert data.startswith(BOM)
            files[table] = list(csv.reader(io.StringIO(data[len(BOM) :].decode(), newline="")))
    return files


def _workbook_rows(content: bytes) -> dict[str, list[list[str]]]:
    """The workbook's cells as the CSV holds them: csv_text of the value, dates as ISO."""

    def cell(value):
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # flags and member numbers, stored as numbers
        return str(csv_text(value))

    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def test_the_csv_export_holds_the_workbooks_cells(registry, province_officer):
    households = household_list(actor=province_officer)
    files = _csv_files(imports.export_csv(households))
    workbook = _workbook_rows(imports.export_workbook(households))
    for table in FILES:
        assert len(files[table]) == len(workbook[table])
        for got, expected in zip(files[table], workbook[table], strict=True):
            assert got == expected
    households_file, members = files["households"], files["members"]
    assert households_file[0][:2] == ["household_code", "village_code"]
    row = households_file[[r[0] for r in households_file].index("31-11001-000002")]
    assert row[3] == "'=cmd|' /C calc'!A0" and row[2] == "'@SUM(1), thôn 3"
    assert row[10] == "land;capital" and row[8] == "1"
    assert "'+84912345678" in [r[6] for r in households_file]
    ids = [r[6] for r in members[1:]]
    assert "031080000001" not in ids and "•••••••••001" in ids
    assert members[2][2] == '\'-Út "Bé"\nhai' and members[2][4] == "2015-06-01"


def test_a_commune_officer_exports_only_their_commune_as_csv(client, commune_a_officer, registry):
    client.force_login(commune_a_officer)
    response = client.get(reverse("households:export") + "?format=csv")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('.zip"')
    files = _csv_files(response.content)
    assert [r[0] for r in files["households"][1:]] == ["31-11001-000001", "31-11001-000002"]
    assert {r[0] for r in files["members"][1:]} == {"31-11001-000001", "31-11001-000002"}
    assert "Lò Văn Páo" not in str(files)


def test_an_unknown_export_format_is_refused(client, commune_a_officer, registry):
    client.force_login(commune_a_officer)
    response = client.get(reverse("households:export") + "?format=pdf")
    assert response.status_code == 400
    assert "xlsx" in response.content.decode() and not Job.objects.exists()


def test_the_csv_export_in_chunks_keeps_every_household_once(
    registry, province_officer, monkeypatch
):
    from giamngheo.households.imports import csvexport

    monkeypatch.setattr(csvexport, "CSV_ROWS", 2)
    heard: list[int] = []
    out = io.BytesIO()
    counts = imports.export_csv_write(
        household_list(actor=province_officer), out, progress=heard.append
    )
    files = _csv_files(out.getvalue())
    # At each file's end: a PostgreSQL COPY inside the test's transaction holds the connection
    # until then, and SQLite cannot write while it reads (the worker's path is tested below).
    assert counts == (3, 6) and heard == [3, 9]
    codes = [r[0] for r in files["households"][1:]]
    assert codes == sorted(codes) and len(set(codes)) == 3
    assert [(r[0], r[1]) for r in files["members"][1:]] == [(c, n) for c in codes for n in "12"]


def test_a_csv_export_larger_than_a_commune_runs_as_a_job_with_a_private_zip(
    client, province_officer, registry, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "INLINE_EXPORT_MAX", 0)
    client.force_login(province_officer)
    page = client.get(reverse("households:export") + "?format=csv")
    assert b'value="csv" checked' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("households:export"), {"format": "csv"})
    job = Job.objects.get(kind=imports.EXPORT_JOB)
    assert response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.SUCCEEDED and (job.done, job.total) == (9, 9)
    assert job.output.name.endswith(".zip")
    download = client.get(reverse("jobs:file", args=[job.pk]))
    files = _csv_files(b"".join(download.streaming_content))
    assert len(files["households"]) == 4 and len(files["members"]) == 7
    assert files == _workbook_rows(imports.export_workbook(household_list(actor=province_officer)))


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's; CI runs it in that pass."
)
@pytest.mark.django_db(transaction=True)
def test_the_jobs_csv_export_streams_on_a_connection_of_its_own(
    registry, province_officer, monkeypatch
):
    """Outside a transaction (the worker) the COPY leaves the caller's connection free, so the
    progress bar is written after every chunk while the rows stream."""
    import psycopg

    from giamngheo.households.imports import csvexport
    from giamngheo.households.models import Household

    monkeypatch.setattr(csvexport, "CSV_ROWS", 2)
    heard: list[tuple[int, int]] = []

    def progress(rows: int) -> None:
        # A COPY in progress on this connection would leave it busy (and the query below waiting).
        assert connection.connection.info.transaction_status != psycopg.pq.TransactionStatus.ACTIVE
        heard.append((rows, Household.objects.count()))

    out = io.BytesIO()
    counts = imports.export_csv_write(household_list(actor=province_officer), out, progress)
    assert counts == (3, 6) and heard == [(2, 3), (3, 3), (5, 3), (7, 3), (9, 3)]
    assert len(_csv_files(out.getvalue())["members"]) == 7
