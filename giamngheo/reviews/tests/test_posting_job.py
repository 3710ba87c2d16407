"""A draft round's long posting list is printed by a job with a progress bar, its PDF kept
privately for the officer who asked; a short one, and an approved round's stored copy, are
served at once (Decision 24/2021/QĐ-TTg, Art. 4: the lists are posted before approval)."""

import pytest
from django.urls import reverse

from giamngheo.jobs.models import Job, JobStatus
from giamngheo.reviews.services.documents import POSTING_JOB
from giamngheo.reviews.tests.conftest import NEAR_POOR, POOR
from giamngheo.reviews.tests.helpers import run_round
from giamngheo.reviews.views import documents as views
from giamngheo.tests.pages import assert_not_found, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _round(people, households_a, approve: bool):
    h1, h2, _h3 = households_a
    return run_round(
        people["commune_a_officer"],
        people["commune_a_chairman"],
        h1.unit.parent,
        2025,
        {h1: POOR, h2: NEAR_POOR},
        approve=approve,
    )


def test_article_4_a_draft_posting_list_longer_than_a_commune_sheet_is_printed_by_a_job(
    client, people, households_a, monkeypatch, django_capture_on_commit_callbacks
):
    review_round = _round(people, households_a, approve=False)
    monkeypatch.setattr(views, "POSTING_INLINE_ROWS", 1)
    client.force_login(people["commune_a_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reviews:posting_pdf", args=[review_round.pk]))
    job = Job.objects.get(kind=POSTING_JOB)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.SUCCEEDED and (job.done, job.total) == (3, 3)
    page = page_text(client.get(job.get_absolute_url()))
    assert "The posting list of 2 households is ready." in page
    download = client.get(reverse("jobs:file", args=[job.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert f"niem-yet-2025-{review_round.unit.code}.pdf" in download["Content-Disposition"]
    client.force_login(people["commune_b_officer"])
    assert_not_found(client.get(reverse("jobs:file", args=[job.pk])))


@pytest.mark.parametrize("approve", [False, True])
def test_a_short_draft_list_and_an_approved_rounds_list_are_served_at_once(
    client, people, households_a, approve
):
    review_round = _round(people, households_a, approve=approve)
    client.force_login(people["commune_a_officer"])
    response = client.get(reverse("reviews:posting_pdf", args=[review_round.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not Job.objects.filter(kind=POSTING_JOB).exists()
