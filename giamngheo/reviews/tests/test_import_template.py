"""A round's answers workbook in Vietnamese: dropdowns, instructions, labels read back as codes."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from giamngheo.jobs.models import Job, JobStatus
from giamngheo.reviews import services
from giamngheo.reviews.imports.reading import (
    FACTS,
    HOUSEHOLD_COLUMNS,
    LISTED_KINDS,
    MEMBER_COLUMNS,
    header,
    labels,
)
from giamngheo.reviews.models import RoundType
from giamngheo.reviews.tests.conftest import on_day
from giamngheo.reviews.tests.test_imports import column
from giamngheo.spreadsheets import dropdown_values

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 10, 1)
ANSWERS = {
    "income_per_capita_month": "1200000",
    "nlnn": True,
    "housing_type": "simple",
    "floor_area_m2": "6",
    "domestic_water": "unsafe",
    "hygienic_latrine": False,
    "uses_telecom": True,
    "info_devices": ["smartphone", "tv"],
    "hears_loudspeaker": True,
}


@pytest.fixture
def survey_round(people, province, households_a):
    officer = people["commune_a_officer"]
    with on_day(DAY):
        r = services.round_create(
            actor=officer, unit=province["A"], round_type=RoundType.PERIODIC, review_date=DAY
        )
        services.round_list_households(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
        for a in r.assessments.all():
            services.assessment_screen(actor=officer, assessment=a, markers=[])
        services.round_advance(actor=officer, review_round=r)
    return r


@pytest.fixture
def vietnamese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    with translation.override("vi"):
        yield client


def _download(client, r):
    response = client.get(reverse("reviews:import_template", args=[r.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _typed(name: str, value, *, codes: bool) -> str:
    """A cell as the officer fills it: the Vietnamese label from the dropdown, or the code."""
    fact = FACTS[name]
    if isinstance(value, bool):
        return ("1" if value else "0") if codes else labels(fact)[0 if value else 1]
    found = dict(fact.choices)
    if isinstance(value, list):
        return ";".join(value if codes else (str(found[v]) for v in value))
    return value if codes or not fact.choices else str(found[value])


def _upload(client, r, book):
    out = io.BytesIO()
    book.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "phieu-b.xlsx"
    with on_day(DAY), TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("reviews:import_answers", args=[r.pk]), {"file": upload})
    return Job.objects.latest("pk")


@pytest.mark.parametrize("codes", [False, True], ids=["labels", "codes"])
def test_answers_filled_in_vietnamese_labels_or_codes_are_stored_as_codes(
    vietnamese, people, survey_round, codes
):
    vietnamese.force_login(people["commune_a_officer"])
    book = _download(vietnamese, survey_round)
    sheet = book["Hộ gia đình"]
    assert [c.value for c in sheet[1]][:3] == ["Mã hộ", "Họ và tên chủ hộ", "Chỉ báo Phiếu A"]
    for row in sheet.iter_rows(min_row=2):
        for name, value in ANSWERS.items():
            row[column(sheet, name)].value = _typed(name, value, codes=codes)
    members = book["Thành viên"]
    diploma = column(members, "diploma")
    for row in members.iter_rows(min_row=2):
        row[diploma].value = "university" if codes else "Đại học"
    job = _upload(vietnamese, survey_round, book)
    assert job.status == JobStatus.SUCCEEDED, job.result
    for a in survey_round.assessments.all():
        assert {k: a.facts[k] for k in ("housing_type", "domestic_water", "info_devices")} == {
            "housing_type": "simple",
            "domestic_water": "unsafe",
            "info_devices": ["smartphone", "tv"],
        }
        assert (a.facts["nlnn"], a.facts["hygienic_latrine"]) == (True, False)
        assert {m["diploma"] for m in a.members} == {"university"}
        assert a.poverty_class == "poor"


def test_a_value_off_the_list_names_row_header_and_allowed_values_and_saves_nothing(
    vietnamese, people, survey_round
):
    vietnamese.force_login(people["commune_a_officer"])
    book = _download(vietnamese, survey_round)
    sheet = book["Hộ gia đình"]
    for row in sheet.iter_rows(min_row=2):
        for name, value in ANSWERS.items():
            row[column(sheet, name)].value = _typed(name, value, codes=False)
    sheet.cell(3, column(sheet, "housing_type") + 1, "Lâu đài")
    job = _upload(vietnamese, survey_round, book)
    [error] = job.result["errors"]
    assert (error["sheet"], error["row"], error["column"], error["value"]) == (
        "Hộ gia đình",
        3,
        "Loại nhà ở",
        "Lâu đài",
    )
    for label in labels(FACTS["housing_type"]):
        assert label in error["message"]
    assert not survey_round.assessments.exclude(sections_done=[]).exists()


def test_every_coded_column_has_a_dropdown_of_its_labels(vietnamese, people, survey_round):
    vietnamese.force_login(people["commune_a_officer"])
    book = _download(vietnamese, survey_round)
    assert book.sheetnames == ["Hướng dẫn", "Hộ gia đình", "Thành viên", "Danh mục"]
    assert book["Danh mục"].sheet_state == "hidden"
    for title, names in (("Hộ gia đình", HOUSEHOLD_COLUMNS), ("Thành viên", MEMBER_COLUMNS)):
        sheet = book[title]
        validations = {}
        for validation in sheet.data_validations.dataValidation:
            for cell_range in validation.sqref.ranges:
                assert cell_range.min_row == 2 and cell_range.max_row >= 5000
                validations[get_column_letter(cell_range.min_col)] = validation
        coded = [n for n in names if n in FACTS and FACTS[n].kind in LISTED_KINDS]
        assert len(validations) == len(coded)
        for name in coded:
            letter = get_column_letter(names.index(name) + 1)
            assert dropdown_values(book, validations[letter]) == labels(FACTS[name]), name
    # Prefilled cells are text, dates as dd/mm/yyyy, coded values as their labels.
    members = book["Thành viên"]
    row = [c.value for c in members[2]]
    assert all(isinstance(v, str) for v in row if v is not None)
    born = row[MEMBER_COLUMNS.index("date_of_birth")]
    assert dt.datetime.strptime(born, "%d/%m/%Y")
    assert row[MEMBER_COLUMNS.index("sex")] in labels(FACTS["sex"])


def test_instructions_sheet_lists_every_column(vietnamese, people, survey_round):
    vietnamese.force_login(people["commune_a_officer"])
    book = _download(vietnamese, survey_round)
    guide = book.worksheets[0]
    assert guide.title == "Hướng dẫn"
    described = {(row[0], row[1]) for row in guide.iter_rows(values_only=True)}
    for title, names in (("Hộ gia đình", HOUSEHOLD_COLUMNS), ("Thành viên", MEMBER_COLUMNS)):
        for name in names:
            assert (title, header(name)) in described, name
    text = " ".join(str(v) for row in guide.iter_rows(values_only=True) for v in row if v)
    assert "Danh mục" in text and "dấu ';'" in text
