"""Every job ends with one result shape, and errors in it end the job as "finished with errors"."""

import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UnitFactory, UserFactory
from giamngheo.jobs.models import JobStatus
from giamngheo.jobs.outputs import job_output_save
from giamngheo.jobs.results import ERRORS_KEPT, JobError, JobResult, JobResultInvalid
from giamngheo.jobs.services import job_kind, job_start

BAD_ROW = {
    "sheet": "households",
    "row": 7,
    "column": "income",
    "value": "abc",
    "message": "not a number; write digits only.",
}


@job_kind("test_refused_rows")
def _refused_rows(reporter, params):
    return JobResult(summary="1 problem found; nothing was imported.", errors=[JobError(**BAD_ROW)])


@job_kind("test_dict_result")
def _dict_result(reporter, params):
    return {"summary": "3 rows read", "rows": 3}


@job_kind("test_bad_result")
def _bad_result(reporter, params):
    return {"summary": "x", "errors": [{"line": 3, "message": "?"}]}


@job_kind("test_with_output")
def _with_output(reporter, params):
    job_output_save(job=reporter.job, name="report.xlsx", content=b"PK")
    return JobResult(summary="written")


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.COMMUNE_OFFICER, unit=UnitFactory())


def _run(officer, kind, capture):
    with capture(execute=True):
        job = job_start(actor=officer, kind=kind, title=kind)
    job.refresh_from_db()
    return job


def test_a_result_has_the_same_keys_whatever_the_job_returned():
    result = JobResult.from_value({"summary": "done", "rows": 3}).as_dict()
    assert result == {"summary": "done", "errors": [], "error_count": 0, "file": "", "rows": 3}
    assert JobResult.from_value(None).as_dict() == {
        "summary": "",
        "errors": [],
        "error_count": 0,
        "file": "",
    }


def test_an_error_is_stored_with_sheet_row_column_value_and_message():
    error = JobError(sheet="members", row=3, column="sex", value=None, message="use male or female")
    assert error.as_dict() == {
        "sheet": "members",
        "row": 3,
        "column": "sex",
        "value": "",
        "message": "use male or female",
    }
    assert JobError.from_value(BAD_ROW).as_dict() == BAD_ROW


@pytest.mark.parametrize(
    "value",
    [
        {"errors": [{"line": 3, "message": "x"}]},  # a key the contract does not have
        {"errors": [{"row": 3}]},  # no message
        {"errors": [{"row": "three", "message": "x"}]},
        {"summary": ["not", "text"]},
        {"file": 3},
        ["not a result"],
    ],
)
def test_a_result_outside_the_contract_is_refused(value):
    with pytest.raises(JobResultInvalid):
        JobResult.from_value(value)


def test_only_the_first_errors_are_kept_but_all_are_counted():
    errors = [JobError(row=i, message="bad") for i in range(ERRORS_KEPT + 10)]
    result = JobResult(summary="s", errors=errors).as_dict()
    assert len(result["errors"]) == ERRORS_KEPT and result["error_count"] == ERRORS_KEPT + 10
    counted = JobResult(errors=errors[:2], error_count=40).as_dict()
    assert (len(counted["errors"]), counted["error_count"]) == (2, 40)


def test_a_job_whose_result_has_errors_finishes_with_errors(
    officer, django_capture_on_commit_callbacks
):
    job = _run(officer, "test_refused_rows", django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED_WITH_ERRORS
    assert job.status_class == "warning"
    assert job.result["errors"] == [BAD_ROW] and job.result["error_count"] == 1
    assert job.result["summary"] == "1 problem found; nothing was imported."


def test_a_job_without_errors_succeeds_with_its_extra_keys(
    officer, django_capture_on_commit_callbacks
):
    job = _run(officer, "test_dict_result", django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED and job.status_class == "success"
    assert job.result == {
        "summary": "3 rows read",
        "errors": [],
        "error_count": 0,
        "file": "",
        "rows": 3,
    }


def test_a_job_returning_a_malformed_result_fails_and_says_why(
    officer, django_capture_on_commit_callbacks
):
    job = _run(officer, "test_bad_result", django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and job.status_class == "error"
    assert "unknown keys ['line']" in job.message


def test_the_result_names_the_jobs_output_file(
    officer, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    job = _run(officer, "test_with_output", django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["file"] == "report.xlsx" and job.output.name.endswith("/report.xlsx")
