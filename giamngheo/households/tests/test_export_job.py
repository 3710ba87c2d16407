"""The household export: a commune or less while the officer waits, more as a job whose private
file only its owner downloads; both stream the same workbook."""

import io

import openpyxl
import pytest
from django.urls import reverse

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.households import imports
from giamngheo.households.tests.factories import HouseholdFactory, MemberFactory
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.tests.pages import assert_not_found, page_text


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def registry(units):
    households = [
        HouseholdFactory(unit=units["A1"], code="31-11001-000002", head_name="=cmd|' /C calc'!A0"),
        HouseholdFactory(unit=units["A1"], code="31-11001-000001", phone="+84912345678"),
        HouseholdFactory(unit=units["B1"], code="31-11002-000001", head_name="Lò Văn Páo"),
    ]
    for number, household in enumerate(households, start=1):
        MemberFactory(household=household, member_no=1, citizen_id=f"03108000000{number}")
        MemberFactory(household=household, member_no=2, relation="child", citizen_id="")
    return households


@pytest.fixture
def inline_max(monkeypatch):
    monkeypatch.setattr(imports, "INLINE_EXPORT_MAX", 0)


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _start(client, django_capture_on_commit_callbacks, query: str = ""):
    url = reverse("households:export") + query
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url)


def test_a_communes_export_is_written_in_the_request_with_text_kept_as_text(
    client, commune_a_officer, registry
):
    client.force_login(commune_a_officer)
    response = client.get(reverse("households:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _sheets(response.content)
    codes = [row[0] for row in sheets["households"][1:]]
    assert codes == ["31-11001-000001", "31-11001-000002"]  # by code, own commune only
    assert "=cmd|' /C calc'!A0" in sheets["households"][2]
    assert [row[0] for row in sheets["members"][1:]] == [codes[0]] * 2 + [codes[1]] * 2
    ids = {row[6] for row in sheets["members"][1:]}
    assert "031080000001" not in ids and "•••••••••001" in ids


def test_an_empty_export_holds_the_header_rows_only(client, commune_a_officer, units):
    client.force_login(commune_a_officer)
    sheets = _sheets(client.get(reverse("households:export")).content)
    assert [len(rows) for rows in sheets.values()] == [1, 1]
    assert sheets["households"][0][0] == "household_code"


def test_an_export_larger_than_a_commune_asks_before_starting_a_job(
    client, province_officer, registry, inline_max
):
    client.force_login(province_officer)
    response = client.get(reverse("households:export"))
    assert response.status_code == 200
    assert "3 hộ" in page_text(response)
    assert not Job.objects.exists()


def test_an_export_larger_than_a_commune_runs_as_a_job_with_progress_and_a_private_file(
    client, province_officer, registry, inline_max, django_capture_on_commit_callbacks
):
    client.force_login(province_officer)
    response = _start(client, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=imports.EXPORT_JOB)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total) == (9, 9)  # 3 households and 6 members
    assert job.result["households"] == 3 and job.result["members"] == 6
    page = page_text(client.get(job.get_absolute_url()))
    assert "3 hộ" in page and "6 thành viên" in page
    download = client.get(reverse("jobs:file", args=[job.pk]))
    assert download.status_code == 200
    sheets = _sheets(b"".join(download.streaming_content))
    assert len(sheets["households"]) == 4 and len(sheets["members"]) == 7
    assert "=cmd|' /C calc'!A0" in [row[3] for row in sheets["households"]]


def test_the_export_jobs_file_is_only_for_the_officer_who_started_it(
    client, province_officer, units, registry, inline_max, django_capture_on_commit_callbacks
):
    client.force_login(province_officer)
    _start(client, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=imports.EXPORT_JOB)
    colleague = UserFactory(role=Role.PROVINCE_OFFICER, unit=units["P"])
    commune = UserFactory(role=Role.COMMUNE_OFFICER, unit=units["B"])
    for other in (colleague, commune):
        client.force_login(other)
        assert_not_found(client.get(reverse("jobs:file", args=[job.pk])), "Lò Văn Páo")
        assert_not_found(client.get(job.get_absolute_url()))


def test_the_export_job_keeps_the_lists_filters_and_the_owners_scope(
    client, units, registry, inline_max, django_capture_on_commit_callbacks
):
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"])
    client.force_login(officer)
    _start(client, django_capture_on_commit_callbacks, f"?unit={units['A1'].pk}&q=000002")
    job = Job.objects.get(kind=imports.EXPORT_JOB)
    assert job.params["filters"]["q"] == "000002"
    sheets = _sheets(b"".join(client.get(reverse("jobs:file", args=[job.pk])).streaming_content))
    assert [row[0] for row in sheets["households"][1:]] == ["31-11001-000002"]
