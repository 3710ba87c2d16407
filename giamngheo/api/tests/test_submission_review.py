"""The commune's review queue: submissions Collect was told were received but were not applied."""

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.api.models import Problem, ReviewState, Submission
from giamngheo.api.tests.helpers import token_client
from giamngheo.api.tests.odk import member_answers, new_instance_id, submission_xml
from giamngheo.api.tests.test_openrosa_submissions import post
from giamngheo.reviews.models import Assessment, RoundStatus
from giamngheo.tests.pages import assert_refused

pytestmark = pytest.mark.django_db


def _web(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def queued(personas, registry, field_round) -> Submission:
    """Sent while commune A's round had moved on to the meeting: kept, not applied."""
    field_round["round"].status = RoundStatus.MEETING
    field_round["round"].save()
    xml = submission_xml(
        registry["ha"].code, member_answers(registry["ha"]), instance_id=new_instance_id()
    )
    assert post(token_client(personas["enumerator_a"]), "11001", xml).status_code == 201
    submission = Submission.objects.get()
    assert submission.problem == Problem.NO_OPEN_ROUND and submission.in_queue
    return submission


def test_the_queue_lists_the_communes_submissions_with_their_reason(personas, queued):
    page = _web(personas["commune_a_officer"]).get(reverse("reviews:submission_list"))
    text = page.content.decode()
    assert page.status_code == 200
    assert queued.instance_id in text and "31-11001-000001" in text
    assert "không có đợt rà soát đang thu thập phiếu" in text
    assert "enumerator_a" in text or queued.submitted_by.get_full_name() in text
    detail = _web(personas["commune_a_officer"]).get(
        reverse("reviews:submission_detail", args=[queued.pk])
    )
    assert detail.status_code == 200
    assert "income_per_capita_month" in detail.content.decode()
    assert "1450000" in detail.content.decode()


def test_the_round_page_links_to_its_submissions_waiting(personas, queued, field_round):
    page = _web(personas["commune_a_officer"]).get(field_round["round"].get_absolute_url())
    assert "1 phiếu thực địa cần xem xét" in page.content.decode()
    assert f"{reverse('reviews:submission_list')}?round={field_round['round'].pk}" in (
        page.content.decode()
    )


def test_apply_that_still_fails_stays_queued_then_succeeds_once_fixed(
    personas, queued, field_round
):
    officer = personas["commune_a_officer"]
    url = reverse("reviews:submission_apply", args=[queued.pk])
    response = _web(officer).post(url, {"note": "thử lại"}, follow=True)
    assert "Vẫn chưa ghi được" in response.content.decode()
    queued.refresh_from_db()
    assert queued.state == ReviewState.NEEDS_REVIEW and queued.problem == Problem.NO_OPEN_ROUND
    assert queued.reviewer == officer and queued.reviewed_at

    field_round["round"].status = RoundStatus.SURVEY
    field_round["round"].save()
    _web(officer).post(url, {"note": "đợt đã mở lại"})
    queued.refresh_from_db()
    assert queued.state == ReviewState.APPLIED_AFTER_REVIEW
    assessment = Assessment.objects.get(pk=field_round["assessment"].pk)
    assert queued.assessment == assessment and assessment.instance_id == queued.instance_id
    assert assessment.facts["income_per_capita_month"] == 1450000
    last = queued.history.first()
    assert last.history_user == officer and last.history_change_reason == "đợt đã mở lại"
    assert last.state == ReviewState.APPLIED_AFTER_REVIEW


def test_a_reviewer_may_replace_answers_already_given(personas, registry, field_round):
    enumerator = token_client(personas["enumerator_a"])
    members = member_answers(registry["ha"])
    first = new_instance_id()
    post(enumerator, "11001", submission_xml(registry["ha"].code, members, instance_id=first))
    second = submission_xml(
        registry["ha"].code,
        members,
        instance_id=new_instance_id(),
        overrides={("income", "income_per_capita_month"): "2500000"},
    )
    assert post(enumerator, "11001", second).status_code == 201
    queued = Submission.objects.get(problem=Problem.ALREADY_SURVEYED)
    _web(personas["commune_a_officer"]).post(
        reverse("reviews:submission_apply", args=[queued.pk]), {"note": "phiếu sau đúng hơn"}
    )
    queued.refresh_from_db()
    assert queued.state == ReviewState.APPLIED_AFTER_REVIEW
    assessment = Assessment.objects.get(pk=field_round["assessment"].pk)
    assert assessment.facts["income_per_capita_month"] == 2500000
    assert Submission.objects.get(instance_id=first).superseded


def test_dismiss_needs_a_reason_and_records_who_when_why(personas, queued):
    officer = personas["commune_a_officer"]
    url = reverse("reviews:submission_dismiss", args=[queued.pk])
    _web(officer).post(url, {"note": "  "})
    queued.refresh_from_db()
    assert queued.in_queue
    response = _web(officer).post(url, {"note": "phiếu gửi nhầm"})
    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.state == ReviewState.DISMISSED
    assert queued.reviewer == officer and queued.reviewed_at
    assert queued.review_note == "phiếu gửi nhầm"
    assert queued.xml and queued.assessment is None
    last = queued.history.first()
    assert last.history_user == officer and last.history_change_reason == "phiếu gửi nhầm"
    # Decided once: a second decision is refused, nothing changes.
    _web(officer).post(reverse("reviews:submission_apply", args=[queued.pk]), {})
    queued.refresh_from_db()
    assert queued.state == ReviewState.DISMISSED


def test_another_communes_officer_cannot_see_or_decide(personas, queued):
    outsider = _web(personas["commune_b_officer"])
    listing = outsider.get(reverse("reviews:submission_list"))
    assert listing.status_code == 200 and queued.instance_id not in listing.content.decode()
    assert outsider.get(reverse("reviews:submission_detail", args=[queued.pk])).status_code == 404
    for name in ("reviews:submission_apply", "reviews:submission_dismiss"):
        response = outsider.post(reverse(name, args=[queued.pk]), {"note": "x"})
        assert response.status_code == 404
    queued.refresh_from_db()
    assert queued.in_queue and queued.reviewer is None


@pytest.mark.parametrize("persona", ["enumerator_a", "auditor", "village_head_a1"])
def test_roles_that_do_not_edit_records_have_no_queue(personas, queued, persona):
    c = _web(personas[persona])
    listing = c.get(reverse("reviews:submission_list"))
    assert_refused(listing, 403, queued.instance_id, "31-11001-000001")
    detail = c.get(reverse("reviews:submission_detail", args=[queued.pk]))
    assert_refused(detail, 403, queued.instance_id, "31-11001-000001", "Nguyễn Văn Ất")


def test_a_chairman_may_dismiss_but_not_apply_answers(personas, queued, field_round):
    """Applying writes survey answers: the chairman approves rounds but does not collect."""
    chairman = _web(personas["commune_a_chairman"])
    field_round["round"].status = RoundStatus.SURVEY
    field_round["round"].save()
    detail = chairman.get(reverse("reviews:submission_detail", args=[queued.pk]))
    apply_url = reverse("reviews:submission_apply", args=[queued.pk])
    assert detail.status_code == 200 and apply_url not in detail.content.decode()
    assert chairman.post(apply_url).status_code == 403
    queued.refresh_from_db()
    assert queued.in_queue
    chairman.post(reverse("reviews:submission_dismiss", args=[queued.pk]), {"note": "trùng"})
    queued.refresh_from_db()
    assert queued.state == ReviewState.DISMISSED
