"""Every workbook and CSV file the product writes keeps hostile text as text (OWASP CSV injection).

WRITERS lists every export by hand. A new Excel or CSV writer must be added to it (and go
through `giamngheo.spreadsheets`): `test_every_writer_in_the_code_is_listed` fails until it is.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from giamngheo.accounts import onboarding_files
from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.api.openrosa import forms as odk_forms
from giamngheo.api.openrosa import questionnaire, questionnaire_a
from giamngheo.geo.models import AdminUnit
from giamngheo.geo.services import village_template
from giamngheo.households.imports import export_workbook, read_upload, registry_import
from giamngheo.households.imports.reading import _fast_csv, read_csv
from giamngheo.households.models import Household
from giamngheo.households.selectors import household_list
from giamngheo.households.tests.factories import MemberFactory
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.results import JobError, JobResult
from giamngheo.reports.exports.forms import FORM_TITLES
from giamngheo.reports.tests.fixtures import build_reports_province, freeze_rounds
from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus
from giamngheo.reviews.workbooks import parse
from giamngheo.spreadsheets import FORMULA_LEADS, csv_text, csv_unescape, csv_writer
from giamngheo.standards.fileio import Writer, read_tables

pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parents[1]
HYPERLINK = '=HYPERLINK("http://evil.example","Nguyen")'
HOSTILE = [HYPERLINK, "=1+2", "+84912345678", "@SUM(1)", "-1", "\t=1+2", "\r=1+2"]
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@pytest.fixture
def hostile():
    """The reports' small province with hostile names, phones and addresses everywhere."""
    u = build_reports_province(freeze=False)
    households = list(Household.objects.filter(unit__in=[u["A1"], u["A2"], u["B1"]]))
    for index, household in enumerate(households):
        value = HOSTILE[index % len(HOSTILE)]
        household.head_name = value
        household.phone = "=1+2" if index % 2 else "+84912345678"
        household.address = HOSTILE[(index + 1) % len(HOSTILE)]
        household.save(update_fields=["head_name", "phone", "address"])
        MemberFactory(household=household, full_name=value)
    AdminUnit.objects.filter(pk=u["A2"].pk).update(name=HYPERLINK)
    AdminUnit.objects.filter(pk=u["B"].pk).update(name="@SUM(1)")
    u["A2"].refresh_from_db()
    freeze_rounds(u)
    return u


def _login(client, user):
    client.force_login(user)
    return client


def _officer(client, u, unit="A", role=Role.COMMUNE_OFFICER):
    return _login(client, UserFactory(role=role, unit=u[unit]))


def _get(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content


def households_export(client, u, tmp_path=None):
    return _get(_officer(client, u), reverse("households:export"))


def households_export_csv(client, u, tmp_path=None):
    """The CSV format of the same export: the .zip's two files."""
    content = _get(_officer(client, u), reverse("households:export") + "?format=csv")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [archive.read(name) for name in archive.namelist()]


def households_template(client, u, tmp_path=None):
    return _get(_officer(client, u), reverse("households:template"))


def posting_list(client, u, tmp_path=None):
    review_round = u["round_A"]  # approved and frozen by the fixture, as approval does
    assert review_round.status == RoundStatus.APPROVED
    return _get(_officer(client, u), reverse("reviews:posting_xlsx", args=[review_round.pk]))


def review_import_template(client, u, tmp_path=None):
    url = reverse("reviews:import_template", args=[u["round_A"].pk])
    return _get(_officer(client, u), url)


def report_forms(client, u, tmp_path=None):
    """Every form, for the province and for a commune (some forms exist for communes only)."""
    officer = _officer(client, u, "P", Role.PROVINCE_OFFICER)
    out = []
    for form in FORM_TITLES:
        url = reverse("reports:form_xlsx", args=[form])
        responses = [officer.get(url + f"?unit={u[unit].pk}&year=2025") for unit in ("P", "A")]
        assert {r.status_code for r in responses} <= {200, 400}
        assert responses[1].status_code == 200, form
        out += [r.content for r in responses if r.status_code == 200]
    return out


def villages_template(client, u, tmp_path=None):
    return village_template()


def classify_results_xlsx(client, u, tmp_path):
    return _classify_results(tmp_path / "results.xlsx")


def questionnaire_xlsform(client, u, tmp_path):
    return questionnaire.write_xlsx(tmp_path / "form.xlsx").read_bytes()


def questionnaire_a_xlsform(client, u, tmp_path):
    return questionnaire_a.write_xlsx(tmp_path / "form_a.xlsx").read_bytes()


def portal_statistics(client, u, tmp_path=None):
    return _get(client, reverse("portal:statistics_csv") + f"?unit={u['P'].pk}")


def classify_results_csv(client, u, tmp_path):
    return _classify_results(tmp_path / "results.csv")


def national_simulation_csv(client, u, tmp_path):
    """The national what-if's CSVs name provinces and communes as the registry does."""
    from dask.distributed import Client, LocalCluster

    from giamngheo.reports.facts_export import facts_export
    from giamngheo.reports.national import simulate, write_outputs
    from giamngheo.standards import load_standard

    admin = UserFactory(role=Role.SYSTEM_ADMIN, unit=None)
    facts_export(actor=admin, output=tmp_path / "facts", province=u["P"].code)
    with (
        LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as dask,
    ):
        national = simulate(tmp_path / "facts", load_standard("vn-2022"), client=dask)
    return [path.read_bytes() for path in write_outputs(national, tmp_path / "out")]


def job_error_report(client, u, tmp_path=None):
    """A refused import's errors, with what the person typed as each value and sheet name."""
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=u["A"])
    errors = [
        JobError(sheet=value, row=n, column="head_name", value=value, message="fix it")
        for n, value in enumerate(HOSTILE, start=2)
    ]
    job = Job.objects.create(
        kind="import_households",
        title=HYPERLINK,
        owner=officer,
        status=JobStatus.SUCCEEDED_WITH_ERRORS,
        result=JobResult(summary="@SUM(1)", errors=errors).as_dict(),
    )
    return _get(_login(client, officer), reverse("jobs:errors", args=[job.pk]))


def users_template(client, u, tmp_path=None):
    """The onboarding template lists the province's communes by name."""
    officer = _officer(client, u, "P", Role.PROVINCE_OFFICER)
    return _get(officer, reverse("user_import_template"))


def users_passwords(client, u, tmp_path=None):
    users = [
        UserFactory(role=Role.COMMUNE_OFFICER, unit=u["A"], username=f"hostile{n}", last_name=v)
        for n, v in enumerate(HOSTILE)
    ]
    passwords = {user.pk: value for user, value in zip(users, HOSTILE, strict=True)}
    return onboarding_files.passwords_workbook(users, passwords)


def _classify_results(path: Path) -> bytes:
    writer = Writer(path)
    for value in HOSTILE:
        writer.write({"household_id": value, "poverty_class": "poor"})
    writer.close()
    return path.read_bytes()


# (writer, kind, the module that writes it). A new export goes here.
WRITERS: list[tuple[Callable, str, str]] = [
    (households_export, "xlsx", "households/imports/workbook.py"),
    (households_export_csv, "csv", "households/imports/csvexport.py"),
    (households_template, "xlsx", "households/imports/workbook.py"),
    (posting_list, "xlsx", "reviews/documents.py"),
    (review_import_template, "xlsx", "reviews/imports/template.py"),
    (report_forms, "xlsx", "reports/exports/excel.py"),
    (villages_template, "xlsx", "geo/services/villages.py"),
    (classify_results_xlsx, "xlsx", "standards/fileio.py"),
    (questionnaire_xlsform, "xlsx", "api/openrosa/questionnaire.py"),
    (job_error_report, "xlsx", "jobs/error_report.py"),
    (questionnaire_a_xlsform, "xlsx", "api/openrosa/questionnaire_a.py"),
    (users_template, "xlsx", "accounts/onboarding_files.py"),
    (users_passwords, "xlsx", "accounts/onboarding_files.py"),
    (portal_statistics, "csv", "portal/views.py"),
    (classify_results_csv, "csv", "standards/fileio.py"),
    (national_simulation_csv, "csv", "reports/national.py"),
]
# ODK Collect reads these CSVs for choices and pulldata, never a spreadsheet program: they are
# written as they are (see `api/openrosa/forms.py`), checked below.
EXEMPT = {"api/openrosa/forms.py", "api/openrosa/views.py"}
# Modules whose CSV only feeds PostgreSQL's COPY.
COPY_FEEDERS = {"households/imports/writing.py", "reviews/services/classification.py"}
# Templates the product ships: no user text reaches them, but they go through the helper too.
FIXED_CONTENT = {
    "households_template",
    "villages_template",
    "questionnaire_xlsform",
    "questionnaire_a_xlsform",
}
# Text that shows a module writes a workbook or a CSV file.
WRITER_MARKS = re.compile(
    r"import Workbook|Workbook\(|csv\.writer|DictWriter|csv_writer|write_csv|xlsxwriter"
    r"|write_excel|to_excel|text/csv"
)


def _produce(writer: Callable, client, u, tmp_path) -> list[bytes]:
    out = writer(client, u, tmp_path)
    return out if isinstance(out, list) else [out]


def _xlsx_cells(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _csv_cells(content: bytes):
    text = content.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        yield from row


@pytest.mark.parametrize(
    ("writer", "kind"), [(w, k) for w, k, _m in WRITERS], ids=[w.__name__ for w, _k, _m in WRITERS]
)
def test_no_export_writes_a_formula_or_a_formula_like_csv_cell(
    writer, kind, hostile, client, tmp_path
):
    strings: set[str] = set()
    for content in _produce(writer, client, hostile, tmp_path):
        if kind == "xlsx":
            cells = list(_xlsx_cells(content))
            formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
            assert formulas == []
            strings |= {c.value for c in cells if isinstance(c.value, str)}
        else:
            values = list(_csv_cells(content))
            risky = [v for v in values if v.startswith(FORMULA_LEADS) and not NUMBER.match(v)]
            assert risky == []
            strings |= {csv_unescape(v) for v in values}
    if writer.__name__ not in FIXED_CONTENT:
        assert strings & set(HOSTILE), "the export never met the hostile text"


def test_posting_list_shows_a_hostile_name_exactly_as_typed(hostile, client):
    book = openpyxl.load_workbook(io.BytesIO(posting_list(client, hostile)))
    names = [row[1] for row in book.active.iter_rows(values_only=True)]
    assert HYPERLINK in names


def test_every_writer_in_the_code_is_listed():
    """A module that writes a workbook or a CSV file without being listed in WRITERS fails here."""
    listed = {module for _w, _k, module in WRITERS} | EXEMPT | {"spreadsheets.py"}
    found = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and WRITER_MARKS.search(path.read_text(encoding="utf-8"))
    }
    # Bulk loading and a round's re-classification hand PostgreSQL a CSV stream through COPY;
    # no person ever opens it.
    found -= COPY_FEEDERS
    assert found <= listed, f"add these writers to WRITERS: {sorted(found - listed)}"


@pytest.mark.parametrize("step", [RoundStatus.SCREENING, RoundStatus.SURVEY])
def test_odk_media_csvs_keep_values_as_collect_reads_them(hostile, step):
    """The pick-lists hold the households listed in a round collecting answers."""
    current = ReviewRound.objects.create(
        unit=hostile["A"],
        year=2030,
        review_date=dt.date(2030, 10, 15),
        standard="vn-2022",
        status=step,
    )
    for household in Household.objects.filter(unit__in=hostile["A"].subtree()):
        Assessment.objects.create(round=current, household=household)
    form_id = odk_forms.FORM_ID_A if step == RoundStatus.SCREENING else odk_forms.FORM_ID
    content = odk_forms.form_media_file(hostile["A"], form_id, "households.csv").decode()
    assert "'=" not in content and "'+" not in content
    assert f"· {HYPERLINK} ·".replace('"', '""') in content


@pytest.mark.parametrize("value", [*HOSTILE, "'=1", "Nguyễn Văn An", "0912345678", "'plain"])
def test_csv_escaping_round_trips(value):
    assert csv_unescape(csv_text(value)) == value
    assert not csv_text(value).startswith(FORMULA_LEADS)


# Registry round trip: what the export wrote, imported again, changes nothing.


def _registry_with_hostile_text(officer):
    households = [
        {
            "household_code": "HH-1",
            "village_code": "11001-A1",
            "address": "@SUM(1)",
            "phone": "+84912345678",
        },
        {"household_code": "HH-2", "village_code": "11001-A1", "address": "-1", "phone": "=1+2"},
    ]
    members = [
        {
            "household_code": code,
            "member_no": 1,
            "full_name": name,
            "sex": "male",
            "date_of_birth": "1980-05-01",
            "relation": "head",
        }
        for code, name in (("HH-1", HYPERLINK), ("HH-2", "=1+2"))
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "households"
    names = list(households[0])
    sheet.append(names)
    for row in households:
        sheet.append([row[n] for n in names])
    for cell in sheet["D"]:
        cell.data_type = "s"
    sheet = book.create_sheet("members")
    names = list(members[0])
    sheet.append(names)
    for row in members:
        sheet.append([row[n] for n in names])
    for cell in sheet["C"]:
        cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    registry_import(actor=officer, tables=read_upload("f.xlsx", io.BytesIO(out.getvalue())))


@pytest.fixture
def registry(units):
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"])
    _registry_with_hostile_text(officer)
    return officer


@pytest.fixture
def units():
    return build_small_province()


def _snapshot():
    return sorted(Household.objects.values_list("code", "head_name", "phone", "address"))


def test_households_export_then_import_changes_nothing(registry):
    before = _snapshot()
    assert ("HH-1", HYPERLINK, "+84912345678", "@SUM(1)") in before
    data = export_workbook(household_list(actor=registry))
    result = registry_import(actor=registry, tables=read_upload("export.xlsx", io.BytesIO(data)))
    assert (result.households_created, result.households_updated) == (0, 0)
    assert _snapshot() == before


def test_households_export_saved_as_csv_reads_back_intact(registry):
    """The export's households sheet written as CSV (apostrophes added) reads back as it was."""
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(household_list(actor=registry))))
    rows = [list(r) for r in book["households"].iter_rows(values_only=True)]
    out = io.StringIO()
    csv_writer(out).writerows([["" if v is None else v for v in row] for row in rows])
    text = out.getvalue()
    assert "'+84912345678" in text and "'=1+2" in text
    for frame in (
        read_csv(io.BytesIO(text.encode()), "households"),
        _fast_csv(text.encode(), ",", "households"),
    ):
        phones = dict(zip(frame["household_code"], frame["phone"], strict=True))
        addresses = dict(zip(frame["household_code"], frame["address"], strict=True))
        assert phones == {"HH-1": "+84912345678", "HH-2": "=1+2"}
        assert addresses == {"HH-1": "@SUM(1)", "HH-2": "-1"}


def test_round_import_csv_strips_the_apostrophe():
    out = io.StringIO()
    csv_writer(out).writerows([["household_code", "head_name"], ["HH-1", "=1+2"]])
    parsed = parse("answers.csv", out.getvalue().encode())
    assert parsed.households == [(2, {"household_code": "HH-1", "head_name": "=1+2"})]


def test_classify_results_csv_reads_back_intact(tmp_path):
    path = tmp_path / "results.csv"
    _classify_results(path)
    households, _members = read_tables(path, None)
    assert households["household_id"].to_list() == HOSTILE
