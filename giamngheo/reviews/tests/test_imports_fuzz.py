"""Any answers file is imported or refused with the list of its problems, never an exception."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from giamngheo.reviews import services
from giamngheo.reviews.imports import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, import_answers, reading
from giamngheo.reviews.models import RoundType
from giamngheo.reviews.tests.conftest import on_day

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 10, 1)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
cells = st.one_of(
    st.sampled_from(
        [
            "",
            "31-11001-000001",
            "31-11001-000002",
            "có",
            "không",
            "1",
            "0",
            "simple",
            "smartphone;tv",
            "1200000",
            "-5",
            "1e400",
            "nan",
            "1980-05-01",
            "0001-01-01",
            "9999-12-31",
            "\x00",
        ]
    ),
    st.text(max_size=20),
    st.integers(),
    st.floats(),
)
rows = st.lists(st.lists(cells, max_size=len(HOUSEHOLD_COLUMNS)), max_size=4)


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


def _import(people, survey_round, name: str, content: bytes) -> None:
    try:
        with on_day(DAY):
            import_answers(
                actor=people["commune_a_officer"],
                review_round=survey_round,
                name=name,
                content=content,
            )
    except ValidationError as exc:
        assert exc.messages and all(exc.messages)


@FUZZ
@given(households=rows)
def test_any_csv_of_answers_is_imported_or_refused_with_problems(people, survey_round, households):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HOUSEHOLD_COLUMNS)
    writer.writerows(households)
    _import(people, survey_round, "answers.csv", out.getvalue().encode())


@FUZZ
@given(households=rows, members=rows)
def test_any_workbook_of_answers_is_imported_or_refused_with_problems(
    people, survey_round, households, members
):
    book = Workbook()
    for sheet, header, table in (
        (book.active, HOUSEHOLD_COLUMNS, households),
        (book.create_sheet("members"), MEMBER_COLUMNS, members),
    ):
        sheet.title = "households" if header is HOUSEHOLD_COLUMNS else "members"
        sheet.append(header)
        for row in table:
            sheet.append(
                [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
            )
    out = io.BytesIO()
    book.save(out)
    _import(people, survey_round, "answers.xlsx", out.getvalue())


@FUZZ
@given(data=st.binary(max_size=300), name=st.sampled_from(["a.csv", "a.xlsx", "a.ods"]))
def test_any_bytes_are_imported_or_refused_with_problems(people, survey_round, data, name):
    _import(people, survey_round, name, data)


def test_a_nul_in_a_household_code_is_a_problem_naming_the_cell(people, survey_round):
    content = b"household_code,income_per_capita_month\n31-11001-000001\x00,1000\n"
    with pytest.raises(ValidationError) as refused:
        _raw_import(people, survey_round, content)
    assert reading.header("household_code") in refused.value.messages[0]
    assert "U+0000" in refused.value.messages[0]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_birth_date_outside_1900_2100_is_a_problem(people, survey_round, day):
    book = Workbook()
    book.active.title = "households"
    book.active.append(["household_code"])
    book.active.append(["31-11001-000001"])
    members = book.create_sheet("members")
    members.append(["household_code", "member_id", "date_of_birth"])
    member = survey_round.assessments.first().household.members.first()
    members.append([member.household.code, str(member.pk), day])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationError) as refused, on_day(DAY):
        import_answers(
            actor=people["commune_a_officer"],
            review_round=survey_round,
            name="a.xlsx",
            content=out.getvalue(),
        )
    assert any("1900-01-01" in m for m in refused.value.messages), refused.value.messages


def _raw_import(people, survey_round, content: bytes) -> None:
    with on_day(DAY):
        import_answers(
            actor=people["commune_a_officer"],
            review_round=survey_round,
            name="answers.csv",
            content=content,
        )
