"""A job whose worker died is marked abandoned by the next worker, and pages know no worker runs."""

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UnitFactory, UserFactory
from giamngheo.jobs.models import Job, JobStatus, WorkerHeartbeat
from giamngheo.jobs.selectors import worker_alive
from giamngheo.jobs.tasks import run_job
from giamngheo.tests.server import manage, scratch_installation

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.COMMUNE_OFFICER, unit=UnitFactory())


def _running_job(officer, worker_id: str) -> tuple[Job, DBTaskResult]:
    job = Job.objects.create(
        kind="test_count", title="Import", owner=officer, total=4, done=1, status=JobStatus.RUNNING
    )
    task = DBTaskResult.objects.get(pk=run_job.enqueue(job.pk).id)
    task.claim(worker_id)
    job.task_result_id = str(task.pk)
    job.save()
    return job, task


# The worker closes old connections between tasks, as in production: no wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_starting_worker_marks_job_of_dead_worker_abandoned(settings, officer):
    settings.TASKS = DB_TASKS
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    WorkerHeartbeat.objects.create(
        worker_id="killed", pid=1, host="other-machine", started_at=long_ago, last_seen=long_ago
    )
    job, task = _running_job(officer, "killed")

    call_command("worker", "--batch")

    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == JobStatus.ABANDONED and job.is_finished
    assert "stopped before the job finished" in job.message or "dừng" in job.message
    assert job.result["summary"] == job.message and job.result["errors"] == []
    assert task.status == TaskResultStatus.FAILED
    assert not WorkerHeartbeat.objects.exists()


# The worker closes old connections between tasks, as in production: no wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_job_of_live_worker_elsewhere_is_left_running(settings, officer):
    settings.TASKS = DB_TASKS
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="busy", pid=1, host="other-machine", started_at=now, last_seen=now
    )
    job, task = _running_job(officer, "busy")

    call_command("worker", "--batch")

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert WorkerHeartbeat.objects.filter(worker_id="busy").exists()


def test_job_page_says_no_worker_is_running(client, officer):
    job = Job.objects.create(kind="test_count", title="Import", owner=officer)
    client.force_login(officer)
    url = reverse("jobs:progress", args=[job.pk])
    assert not worker_alive()
    assert "giamngheo worker" in client.get(url).content.decode()

    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w", pid=1, host="other-machine", started_at=now, last_seen=now
    )
    assert worker_alive()
    assert "giamngheo worker" not in client.get(url).content.decode()


def test_abandoned_job_page_stops_polling(client, officer):
    job = Job.objects.create(
        kind="test_count", title="Import", owner=officer, status=JobStatus.ABANDONED
    )
    client.force_login(officer)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "hx-trigger" not in html
    assert str(JobStatus.ABANDONED.label) in html or "Bỏ dở" in html


def _wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.server
def test_killed_worker_process_leaves_an_abandoned_job(tmp_path):
    env, db_path = scratch_installation(tmp_path)

    def query(sql: str, *args):
        with sqlite3.connect(db_path, timeout=20) as conn:
            return conn.execute(sql, args).fetchall()

    command = [sys.executable, "-m", "giamngheo", "worker"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        worker_id, pid = _wait_for(
            lambda: query("SELECT worker_id, pid FROM jobs_workerheartbeat")[0:1]
        )[0]
        assert pid == first.pid
        # A job the first worker has claimed and is running, at 25 %.
        manage(
            env,
            "shell",
            "-c",
            "from django.db import transaction\n"
            "from django_tasks_db.models import DBTaskResult\n"
            "from giamngheo.jobs.models import Job, JobStatus\n"
            "from giamngheo.jobs.tasks import run_job\n"
            "with transaction.atomic():\n"
            "    job = Job.objects.create(kind='import', title='Import', status=JobStatus.RUNNING,"
            " total=4, done=1)\n"
            "    task = DBTaskResult.objects.get(pk=run_job.enqueue(job.pk).id)\n"
            f"    task.claim('{worker_id}')\n"
            "    Job.objects.filter(pk=job.pk).update(task_result_id=str(task.pk))\n",
        )
        assert query("SELECT status, done, total FROM jobs_job") == [("running", 1, 4)]
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()

    second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        status = _wait_for(
            lambda: [r for r in query("SELECT status FROM jobs_job ") if r[0] != "running"]
        )
        assert status == [("abandoned",)]
        assert query("SELECT status FROM django_tasks_database_dbtaskresult") == [("FAILED",)]
        beats = query("SELECT pid FROM jobs_workerheartbeat")
        assert beats == [(second.pid,)]
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=20)
    # A clean stop takes the worker's heartbeat with it.
    assert query("SELECT count(*) FROM jobs_workerheartbeat") == [(0,)]
    assert os.path.exists(db_path)
