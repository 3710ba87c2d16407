"""Staff see where an assessment's answers came from: web, workbook, or which ODK submission."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from giamngheo.api.models import Submission
from giamngheo.api.tests.helpers import token_client
from giamngheo.api.tests.odk import member_answers, new_instance_id, submission_xml
from giamngheo.api.tests.test_openrosa_phieu_a import FOUR, screening_xml
from giamngheo.api.tests.test_openrosa_submissions import post
from giamngheo.reviews.models import RoundStatus
from giamngheo.tests.pages import assert_not_found

pytestmark = pytest.mark.django_db


def _web(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _page(user, assessment):
    return _web(user).get(reverse("reviews:assessment_detail", args=[assessment.pk]))


@pytest.fixture
def surveyed(personas, registry, field_round) -> Submission:
    """Form B for ha sent from Collect with a photo of the dwelling and a GPS reading."""
    personas["enumerator_a"].first_name, personas["enumerator_a"].last_name = "Vân", "Lò Thị"
    personas["enumerator_a"].save()
    xml = submission_xml(
        registry["ha"].code,
        member_answers(registry["ha"]),
        instance_id=new_instance_id(),
        photo="nha.jpg",
    )
    photo = SimpleUploadedFile("nha.jpg", b"\xff\xd8jpeg-bytes", "image/jpeg")
    assert post(token_client(personas["enumerator_a"]), "11001", xml, photo).status_code == 201
    return Submission.objects.get()


def test_the_assessment_page_shows_the_odk_submission_it_came_from(personas, surveyed):
    page = _page(personas["commune_a_officer"], surveyed.assessment)
    assert page.status_code == 200
    text = page.content.decode()
    assert "ODK Collect" in text
    assert surveyed.instance_id in text
    assert personas["enumerator_a"].get_full_name() in text
    assert "20.86000, 106.68000" in text and "± 10 m" in text
    files = reverse("reviews:submission_file", args=[surveyed.pk, surveyed.attachments.get().pk])
    assert files in text
    assert reverse("reviews:submission_detail", args=[surveyed.pk]) in text


def test_form_a_times_are_shown_from_the_submission(personas, registry, screening_step):
    xml = screening_xml(registry["ha"].code, FOUR, instance_id=new_instance_id())
    response = post(token_client(personas["enumerator_a"]), "11001", xml)
    assert response.status_code == 201
    text = _page(personas["commune_a_officer"], screening_step["aa"]).content.decode()
    assert "Phiếu A" in text and "20/10/2025 08:01 – 08:09" in text


def test_a_queued_submission_for_the_household_is_linked_for_review(
    personas, registry, surveyed, field_round
):
    again = submission_xml(
        registry["ha"].code, member_answers(registry["ha"]), instance_id=new_instance_id()
    )
    assert post(token_client(personas["enumerator_a"]), "11001", again).status_code == 201
    queued = Submission.objects.get(assessment__isnull=True)
    text = _page(personas["commune_a_officer"], field_round["assessment"]).content.decode()
    assert queued.instance_id in text
    assert "Xem xét: áp dụng hoặc loại bỏ" in text


def test_a_web_assessment_says_so_and_lists_no_submission(personas, field_round):
    text = _page(personas["commune_a_officer"], field_round["assessment"]).content.decode()
    assert "biểu mẫu trên web" in text and "uuid:" not in text


def test_another_communes_officer_sees_neither_the_page_nor_the_photo(personas, registry, surveyed):
    other = personas["commune_b_officer"]
    page = _page(other, surveyed.assessment)
    hidden = (registry["ha"].code, "Nguyễn Văn Ất", surveyed.instance_id, "Lò Thị Vân")
    assert_not_found(page, *hidden)
    url = reverse("reviews:submission_file", args=[surveyed.pk, surveyed.attachments.get().pk])
    photo = _web(other).get(url)
    assert photo.status_code == 404
    assert b"jpeg-bytes" not in photo.content and "image/jpeg" not in photo["Content-Type"]


def test_the_communes_officer_downloads_the_photo_and_the_enumerator_does_not(personas, surveyed):
    url = reverse("reviews:submission_file", args=[surveyed.pk, surveyed.attachments.get().pk])
    response = _web(personas["commune_a_officer"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8jpeg-bytes"
    assert _web(personas["enumerator_a"]).get(url).status_code == 403
    wrong = reverse("reviews:submission_file", args=[surveyed.pk, 987654])
    assert _web(personas["commune_a_officer"]).get(wrong).status_code == 404


def test_the_enumerator_sees_the_source_without_file_or_queue_links(personas, surveyed):
    text = _page(personas["enumerator_a"], surveyed.assessment).content.decode()
    assert surveyed.instance_id in text and "nha.jpg" in text
    assert "/reviews/submissions/" not in text


def test_the_dismiss_button_says_the_submission_is_not_applied(personas, surveyed):
    surveyed.assessment.round.status = RoundStatus.MEETING
    surveyed.assessment.round.save()
    # Only queued submissions show the decision; queue one by resending other answers.
    again = submission_xml(
        surveyed.household_code, [], instance_id=surveyed.instance_id, photo="other.jpg"
    )
    assert post(token_client(personas["enumerator_a"]), "11001", again).status_code == 201
    queued = Submission.objects.get(assessment__isnull=True)
    page = _web(personas["commune_a_officer"]).get(
        reverse("reviews:submission_detail", args=[queued.pk])
    )
    assert "Loại bỏ: không áp dụng, lưu kèm lý do" in page.content.decode()


def test_a_queued_form_a_shows_its_markers_to_the_reviewer(personas, registry, screening_step):
    xml = screening_xml(
        screening_step["hx"].code, ["car", "pension"], instance_id=new_instance_id()
    )
    assert post(token_client(personas["enumerator_a"]), "11001", xml).status_code == 201
    queued = Submission.objects.get()
    page = _web(personas["commune_a_officer"]).get(
        reverse("reviews:submission_detail", args=[queued.pk])
    )
    text = page.content.decode()
    assert "Hộ có ô tô" in text and "hưởng lương hưu" in text
