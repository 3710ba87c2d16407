"""The progress a job reports while it writes in one transaction (an import)."""

import pytest
from django.db import connection, transaction

from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.jobs.models import Job
from giamngheo.jobs.running import JobReporter


def _seen_elsewhere(job: Job) -> tuple[int, int]:
    """(done, total) as another session (the page polling the bar) reads them now."""
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT done, total FROM jobs_job WHERE id = %s", [job.pk])
            return cursor.fetchone()
    finally:
        other.close()


def second_session(test):
    """PostgreSQL only, committed for real: another session must see (or not) what it writes."""
    for mark in (
        pytest.mark.django_db(transaction=True),
        pytest.mark.skipif(
            connection.vendor != "postgresql",
            reason="A second session is PostgreSQL's; CI runs it there.",
        ),
        pytest.mark.postgres,
    ):
        test = mark(test)
    return test


def _job() -> Job:
    return Job.objects.create(owner=UserFactory(), kind="test_count", title="count")


@second_session
def test_progress_inside_the_jobs_transaction_is_seen_before_it_commits():
    job = _job()
    reporter = JobReporter(job)
    try:
        with transaction.atomic():
            reporter.total(40)
            reporter.progress(10)
            assert _seen_elsewhere(job) == (10, 40)
            reporter.progress(20)
            assert _seen_elsewhere(job) == (20, 40)
    finally:
        reporter.close()
    job.refresh_from_db()
    assert (job.done, job.total) == (20, 40)


@second_session
def test_progress_on_a_row_the_job_has_locked_waits_for_its_commit_instead_of_hanging():
    job = _job()
    reporter = JobReporter(job)
    try:
        with transaction.atomic():
            Job.objects.filter(pk=job.pk).update(message="working")  # the row is now locked
            reporter.progress(5)  # must not wait for this very transaction
            assert _seen_elsewhere(job) == (0, 0)
    finally:
        reporter.close()
    job.refresh_from_db()
    assert (job.done, job.message) == (5, "working")


def test_progress_of_a_job_created_in_the_same_transaction_is_written_there(db):
    """Tests (and any caller) that create the job in their transaction keep seeing it."""
    job = _job()
    reporter = JobReporter(job)
    try:
        reporter.total(3)
        reporter.progress(2, "two")
    finally:
        reporter.close()
    job.refresh_from_db()
    assert (job.done, job.total, job.message) == (2, 3, "two")
