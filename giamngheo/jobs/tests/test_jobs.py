import pytest
from django.urls import reverse

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UnitFactory, UserFactory
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.services import job_kind, job_start
from giamngheo.tests.pages import assert_not_found, page_text


@job_kind("test_count")
def _count(reporter, params):
    reporter.total(params["n"])
    for i in range(1, params["n"] + 1):
        reporter.progress(i)
    return {"summary": f"counted {params['n']}"}


@job_kind("test_fail")
def _fail(reporter, params):
    raise ValueError("row 3, field income: not a number")


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.COMMUNE_OFFICER, unit=UnitFactory())


def test_job_runs_and_records_progress(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=officer, kind="test_count", title="Count", params={"n": 5})
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total, job.percent) == (5, 5, 100)
    assert job.result == {"summary": "counted 5", "errors": [], "error_count": 0, "file": ""}


def test_failed_job_keeps_the_reason(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=officer, kind="test_fail", title="Fail")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "row 3, field income" in job.message
    # The page's summary says what happened; the details stay in the message.
    assert job.result["summary"] and "row 3" not in job.result["summary"]


def test_unknown_job_kind_is_refused(officer):
    with pytest.raises(ValueError, match="Unknown job kind"):
        job_start(actor=officer, kind="nope", title="x")


def test_progress_partial_polls_until_finished(client, officer):
    job = Job.objects.create(
        kind="test_count", title="Import", owner=officer, total=10, done=4, status=JobStatus.RUNNING
    )
    client.force_login(officer)
    html = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="40"' in html
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    html = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in html and 'value="100"' in html


def test_other_users_job_is_not_visible(client, officer):
    job = Job.objects.create(kind="test_count", title="Nhập sổ hộ thôn Đông", owner=officer)
    other = UserFactory(role=Role.COMMUNE_OFFICER, unit=UnitFactory())
    client.force_login(other)
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    assert_not_found(response, "Nhập sổ hộ thôn Đông")
    listing = client.get(reverse("jobs:list"))
    assert listing.status_code == 200 and "Nhập sổ hộ thôn Đông" not in page_text(listing)
    client.force_login(officer)
    assert "Nhập sổ hộ thôn Đông" in page_text(client.get(reverse("jobs:detail", args=[job.pk])))
