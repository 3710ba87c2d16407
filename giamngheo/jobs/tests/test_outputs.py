"""Job outputs: stored privately under the job, sent to its owner, removed after 30 days."""

import datetime as dt
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UnitFactory, UserFactory
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.outputs import job_output_save, job_outputs_expire


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.COMMUNE_OFFICER, unit=UnitFactory())


def _finished_job(owner, days_ago: int) -> Job:
    return Job.objects.create(
        kind="export",
        title="Export",
        owner=owner,
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def test_a_saved_output_replaces_the_previous_one(officer, django_capture_on_commit_callbacks):
    job = _finished_job(officer, 0)
    with django_capture_on_commit_callbacks(execute=True):
        first = job_output_save(job=job, name="a.xlsx", content=b"one")
        second = job_output_save(job=job, name="../../etc/passwd", content=b"two")
    assert second.startswith(f"jobs/{job.pk}/") and second.endswith("/passwd")
    assert not default_storage.exists(first)
    job.refresh_from_db()
    assert job.output.name == second and job.output.read() == b"two"


def test_the_job_page_links_its_output_for_the_owner(client, officer):
    job = _finished_job(officer, 0)
    job_output_save(job=job, name="ket-qua.csv", content=b"a,b\n")
    client.force_login(officer)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:file", args=[job.pk]) in page
    other = UserFactory(role=Role.COMMUNE_OFFICER, unit=officer.unit)
    client.force_login(other)
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404


def test_outputs_older_than_30_days_are_deleted_and_unlinked(officer):
    old, recent = _finished_job(officer, 31), _finished_job(officer, 29)
    old_path = job_output_save(job=old, name="old.xlsx", content=b"old")
    recent_path = job_output_save(job=recent, name="recent.xlsx", content=b"recent")
    assert job_outputs_expire() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.output and not default_storage.exists(old_path)
    assert recent.output.name == recent_path and default_storage.exists(recent_path)


def test_the_command_removes_outputs_and_abandoned_import_uploads(officer, settings):
    job = _finished_job(officer, 40)
    path = job_output_save(job=job, name="old.xlsx", content=b"old")
    stale = settings.MEDIA_ROOT / "imports" / "0123abcd" / "members.csv"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"personal data")
    month_ago = time.time() - 31 * 86400
    os.utime(stale, (month_ago, month_ago))
    fresh = settings.MEDIA_ROOT / "imports" / "4567ef01" / "members.csv"
    fresh.parent.mkdir(parents=True)
    fresh.write_bytes(b"being imported")
    call_command("expire_job_outputs")
    assert not default_storage.exists(path)
    assert not stale.parent.exists() and fresh.exists()
