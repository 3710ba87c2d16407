"""One job page for every job: its state in words, its summary, its errors and their report."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UnitFactory, UserFactory
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.results import JobError, JobResult
from giamngheo.tests.pages import assert_not_found

ERROR = JobError(
    sheet="households",
    row=12,
    column="income_per_capita_month",
    value="mười triệu",
    message="not a whole number; write digits only, e.g. 1200000.",
)


@pytest.fixture(autouse=True)
def _english():
    """Assertions read the English source strings, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.COMMUNE_OFFICER, unit=UnitFactory())


def _job(owner, status=JobStatus.SUCCEEDED_WITH_ERRORS, **result) -> Job:
    return Job.objects.create(
        kind="import_households",
        title="Import",
        owner=owner,
        status=status,
        result=JobResult(**result).as_dict(),
    )


def _page(client, user, job, name="jobs:detail"):
    client.force_login(user)
    return client.get(reverse(name, args=[job.pk]))


def test_the_job_page_lists_each_error_with_sheet_row_column_and_value(client, officer):
    job = _job(officer, summary="1 problem found; nothing was imported.", errors=[ERROR])
    html = _page(client, officer, job).content.decode()
    assert 'class="message job-status warning"' in html
    assert "1 problem found; nothing was imported." in html
    row = (
        '<tr><td>households</td><td class="num">12</td><td>income_per_capita_month</td>'
        "<td>mười triệu</td><td>not a whole number; write digits only, e.g. 1200000.</td></tr>"
    )
    assert row in html
    assert reverse("jobs:errors", args=[job.pk]) in html


def test_the_job_page_shows_the_first_200_errors_and_says_how_many_more(client, officer):
    errors = [
        JobError(sheet="members", row=n, column="sex", message=f"row {n}") for n in range(250)
    ]
    html = _page(client, officer, _job(officer, summary="s", errors=errors)).content.decode()
    assert "<td>row 199</td>" in html and "<td>row 200</td>" not in html
    assert "50 more problems are not shown here." in html


@pytest.mark.parametrize(
    ("status", "css"),
    [
        (JobStatus.SUCCEEDED, "success"),
        (JobStatus.FAILED, "error"),
        (JobStatus.ABANDONED, "error"),
    ],
)
def test_every_finished_state_is_said_in_words_with_its_summary(client, officer, status, css):
    job = _job(officer, status=status, summary="Households: 3 new.")
    html = _page(client, officer, job, "jobs:progress").content.decode()
    assert f'class="message job-status {css}"' in html
    assert f"<strong>{job.get_status_display()}</strong>" in html
    assert "Households: 3 new." in html
    assert "<table" not in html


def test_the_error_report_is_a_workbook_of_text_with_one_row_per_error(client, officer):
    second = JobError(sheet="members", row=4, column="sex", value="=1+2", message="use male")
    job = _job(officer, summary="2 problems", errors=[ERROR, second])
    response = _page(client, officer, job, "jobs:errors")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="job-{job.pk}-errors.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2))
    assert [[c.value for c in row] for row in rows] == [
        ["households", "12", "income_per_capita_month", "mười triệu", ERROR.message],
        ["members", "4", "sex", "=1+2", "use male"],
    ]
    assert {c.data_type for row in sheet.iter_rows() for c in row} == {"s"}


def test_only_the_owner_gets_the_error_report(client, officer):
    job = _job(officer, summary="1 problem", errors=[ERROR])
    other = UserFactory(role=Role.COMMUNE_OFFICER, unit=officer.unit)
    refused = _page(client, other, job, "jobs:errors")
    assert_not_found(refused, "mười triệu", ERROR.message)
    assert "Content-Disposition" not in refused
    client.logout()
    response = client.get(reverse("jobs:errors", args=[job.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_household_import_job_has_the_one_job_page(client, officer):
    job = _job(officer, summary="1 problem", errors=[ERROR])
    response = _page(client, officer, job, "households:import_job")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])


def test_a_waiting_job_without_a_worker_says_how_to_start_one(client, officer):
    job = Job.objects.create(kind="import_households", title="Import", owner=officer)
    html = _page(client, officer, job, "jobs:progress").content.decode()
    for command in ("giamngheo worker", "giamngheo serve", "make demo"):
        assert f"<code>{command}</code>" in html
