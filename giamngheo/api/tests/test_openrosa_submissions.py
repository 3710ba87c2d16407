"""Submissions: the assessment they fill, retries, conflicts, edits, split uploads, refusals.

Collect resends on every 4xx: only unreadable uploads, missing credentials, oversize bodies and
households outside the user's scope are refused; whatever else cannot be applied is kept for
review and acknowledged with 201.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from giamngheo.api.models import Problem, ReviewState, Submission, SubmissionAttachment
from giamngheo.api.tests.helpers import token_client
from giamngheo.api.tests.odk import member_answers, new_instance_id, submission_xml
from giamngheo.households.tests.factories import HouseholdFactory, MemberFactory
from giamngheo.reviews.models import Assessment, RoundStatus
from giamngheo.reviews.services.assessments import assessment_prefill

pytestmark = pytest.mark.django_db


@pytest.fixture
def enumerator(personas) -> Client:
    return token_client(personas["enumerator_a"])


def post(c: Client, commune_code: str, xml: bytes, *files, incomplete: bool = False, **extra):
    data = {"xml_submission_file": SimpleUploadedFile("submission.xml", xml, "text/xml")}
    for f in files:
        data[f.name] = f
    if incomplete:
        data["*isIncomplete*"] = "yes"
    return c.post(f"/api/openrosa/{commune_code}/submission", data, **extra)


@pytest.fixture
def other_household(province, field_round):
    """A second household of commune A, listed in the open round."""
    household = HouseholdFactory(code="31-11001-000002", unit=province["A1"], head_name="Đỗ Văn Em")
    MemberFactory(household=household, member_no=1, full_name="Đỗ Văn Em")
    assessment = Assessment(round=field_round["round"], household=household)
    assessment_prefill(assessment)
    assessment.save()
    return household


def assert_queued(response, problem: str) -> Submission:
    """Acknowledged to Collect, kept as received, waiting for review with its reason."""
    assert response.status_code == 201, response.content
    assert b'nature="submit_success"' in response.content
    assert "xã sẽ kiểm tra" in response.content.decode()
    submission = Submission.objects.get(problem=problem)
    assert submission.state == ReviewState.NEEDS_REVIEW and submission.complete
    assert submission.problem_detail and submission.assessment is None
    return submission


def _photo(name: str = "ảnh nhà.jpg", content: bytes = b"\xff\xd8jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "image/jpeg")


def test_a_submission_becomes_the_households_classified_assessment(
    enumerator, province, registry, field_round
):
    iid = new_instance_id()
    xml = submission_xml(
        registry["ha"].code, member_answers(registry["ha"]), instance_id=iid, photo="ảnh nhà.jpg"
    )
    response = post(enumerator, "11001", xml, _photo())
    assert response.status_code == 201, response.content
    assert response["X-OpenRosa-Version"] == "1.0" and response["Date"]
    assert b"<OpenRosaResponse" in response.content
    assessment = Assessment.objects.get(pk=field_round["assessment"].pk)
    assert assessment.source == "odk" and assessment.instance_id == iid
    assert assessment.facts["income_per_capita_month"] == 1450000
    assert assessment.facts["info_devices"] == ["smartphone", "tv"]
    assert assessment.poverty_class and assessment.engine_version
    attachment = SubmissionAttachment.objects.get()
    assert attachment.name == "ảnh nhà.jpg"
    assert attachment.file.read() == b"\xff\xd8jpeg"


def test_the_same_submission_again_changes_nothing(enumerator, registry, field_round):
    iid = new_instance_id()
    xml = submission_xml(registry["ha"].code, member_answers(registry["ha"]), instance_id=iid)
    assert post(enumerator, "11001", xml).status_code == 201
    before = Assessment.objects.get(pk=field_round["assessment"].pk).updated_at
    again = post(enumerator, "11001", xml)
    assert again.status_code == 202
    assert Assessment.objects.get(pk=field_round["assessment"].pk).updated_at == before
    assert Submission.objects.count() == 1


def test_the_same_instance_id_with_other_answers_is_kept_for_review_not_409(
    enumerator, registry, field_round
):
    iid = new_instance_id()
    members = member_answers(registry["ha"])
    assert (
        post(
            enumerator, "11001", submission_xml(registry["ha"].code, members, instance_id=iid)
        ).status_code
        == 201
    )
    other = submission_xml(
        registry["ha"].code,
        members,
        instance_id=iid,
        overrides={("income", "income_per_capita_month"): "9000000"},
    )
    response = post(enumerator, "11001", other)
    queued = assert_queued(response, Problem.CONFLICTING_RESEND)
    assert queued.instance_id == iid and ">9000000<" in queued.xml
    assert Submission.objects.get(instance_id=iid, problem="").state == ReviewState.ACCEPTED
    assert (
        Assessment.objects.get(pk=field_round["assessment"].pk).facts["income_per_capita_month"]
        == 1450000
    )
    # Collect resends the conflicting copy after a lost response: recognised, not queued twice.
    assert post(enumerator, "11001", other).status_code == 202
    assert Submission.objects.filter(instance_id=iid).count() == 2


def test_an_edit_replaces_the_answers(enumerator, registry, field_round):
    first = new_instance_id()
    members = member_answers(registry["ha"])
    post(enumerator, "11001", submission_xml(registry["ha"].code, members, instance_id=first))
    second = new_instance_id()
    edit = submission_xml(
        registry["ha"].code,
        members,
        instance_id=second,
        deprecated_id=first,
        overrides={("income", "income_per_capita_month"): "5000000"},
    )
    assert post(enumerator, "11001", edit).status_code == 201
    assessment = Assessment.objects.get(pk=field_round["assessment"].pk)
    assert assessment.facts["income_per_capita_month"] == 5000000
    assert assessment.instance_id == second
    assert Submission.objects.get(instance_id=first).superseded


def test_a_second_new_submission_for_the_same_household_is_kept_for_review_not_409(
    enumerator, registry, field_round
):
    members = member_answers(registry["ha"])
    first = new_instance_id()
    post(enumerator, "11001", submission_xml(registry["ha"].code, members, instance_id=first))
    response = post(
        enumerator,
        "11001",
        submission_xml(registry["ha"].code, members, instance_id=new_instance_id()),
    )
    queued = assert_queued(response, Problem.ALREADY_SURVEYED)
    assert "hãy sửa phiếu đó" in queued.problem_detail
    assert Assessment.objects.get(pk=field_round["assessment"].pk).instance_id == first


def test_an_edit_that_moves_answers_to_another_household_is_kept_for_review(
    enumerator, registry, field_round, other_household
):
    first = new_instance_id()
    ha = registry["ha"]
    post(enumerator, "11001", submission_xml(ha.code, member_answers(ha), instance_id=first))
    edit = submission_xml(
        other_household.code,
        member_answers(other_household),
        instance_id=new_instance_id(),
        deprecated_id=first,
    )
    assert_queued(post(enumerator, "11001", edit), Problem.EDIT_MOVES_HOUSEHOLD)
    assert not Submission.objects.get(instance_id=first).superseded


def test_an_unknown_household_code_is_kept_for_review(enumerator, registry, field_round):
    xml = submission_xml(
        "31-11001-999999", member_answers(registry["ha"]), instance_id=new_instance_id()
    )
    queued = assert_queued(post(enumerator, "11001", xml), Problem.UNKNOWN_HOUSEHOLD)
    assert queued.household_code == "31-11001-999999"
    assert queued.review_round == field_round["round"]


def test_a_household_not_listed_in_the_round_is_kept_for_review(
    enumerator, registry, field_round, other_household
):
    field_round["round"].assessments.filter(household=other_household).delete()
    xml = submission_xml(
        other_household.code, member_answers(other_household), instance_id=new_instance_id()
    )
    assert_queued(post(enumerator, "11001", xml), Problem.NOT_IN_ROUND)


def test_split_upload_is_merged(enumerator, registry, field_round):
    iid = new_instance_id()
    xml = submission_xml(
        registry["ha"].code, member_answers(registry["ha"]), instance_id=iid, photo="ảnh nhà.jpg"
    )
    part = post(enumerator, "11001", xml, _photo("sơ đồ.png", b"png"), incomplete=True)
    assert part.status_code == 202
    assert not Assessment.objects.get(pk=field_round["assessment"].pk).instance_id
    last = post(enumerator, "11001", xml, _photo())
    assert last.status_code == 201
    submission = Submission.objects.get()
    assert submission.complete
    assert set(submission.attachments.values_list("name", flat=True)) == {
        "sơ đồ.png",
        "ảnh nhà.jpg",
    }


def test_household_outside_the_commune_is_refused(personas, registry, field_round, province):
    c = token_client(personas["enumerator_a"])
    xml = submission_xml(registry["hb"].code, [], instance_id=new_instance_id())
    response = post(c, "11001", xml)
    assert response.status_code == 403
    assert "không" in response.content.decode() or "not in" in response.content.decode()
    assert not Submission.objects.exists()


def test_commune_b_officer_cannot_submit_for_commune_a(personas, registry, field_round):
    c = token_client(personas["commune_b_officer"])
    xml = submission_xml(
        registry["ha"].code, member_answers(registry["ha"]), instance_id=new_instance_id()
    )
    response = post(c, "11001", xml)
    assert response.status_code == 403
    text = response.content.decode()
    assert "Bạn không được thu thập phiếu tại Xã A." in text and registry["ha"].code not in text
    assert not Submission.objects.exists()


@pytest.mark.parametrize("persona", ["auditor", "village_head_a1", "partner_officer"])
def test_roles_without_collection_cannot_submit(personas, registry, field_round, persona):
    c = token_client(personas[persona])
    xml = submission_xml(
        registry["ha"].code, member_answers(registry["ha"]), instance_id=new_instance_id()
    )
    assert post(c, "11001", xml).status_code == 403
    assert not Submission.objects.exists()


@pytest.mark.parametrize("status", [RoundStatus.APPROVED, RoundStatus.MEETING, RoundStatus.LISTING])
def test_a_closed_round_keeps_the_submission_for_review(enumerator, registry, field_round, status):
    field_round["round"].status = status
    field_round["round"].save()
    xml = submission_xml(
        registry["ha"].code, member_answers(registry["ha"]), instance_id=new_instance_id()
    )
    queued = assert_queued(post(enumerator, "11001", xml), Problem.NO_OPEN_ROUND)
    assert queued.xml.encode() == xml
    assert not Assessment.objects.get(pk=field_round["assessment"].pk).instance_id


@pytest.mark.parametrize(
    "xml",
    [
        b"<data><unclosed>",
        b"not xml at all",
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><data id="giamngheo_phieu_b">&x;</data>',
    ],
)
def test_unreadable_xml_is_400_and_nothing_is_saved(enumerator, field_round, xml):
    response = post(enumerator, "11001", xml)
    assert response.status_code == 400
    assert b"OpenRosaResponse" in response.content
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("xml", "problem"),
    [
        (
            b'<data id="another_form"><meta><instanceID>uuid:1</instanceID></meta></data>',
            Problem.UNKNOWN_FORM,
        ),
        (
            b'<data id="giamngheo_phieu_b"><household>31-11001-000001</household></data>',
            Problem.NO_INSTANCE_ID,
        ),
    ],
)
def test_readable_xml_of_the_wrong_shape_is_kept_for_review(enumerator, field_round, xml, problem):
    assert_queued(post(enumerator, "11001", xml), problem)
    assert post(enumerator, "11001", xml).status_code == 202
    assert Submission.objects.count() == 1


def test_wrong_types_name_the_fields(enumerator, registry, field_round):
    xml = submission_xml(
        registry["ha"].code,
        [{**member_answers(registry["ha"])[0], "sex": "robot"}],
        instance_id=new_instance_id(),
        overrides={
            ("income", "income_per_capita_month"): "many",
            ("housing", "housing_type"): "castle",
        },
    )
    response = post(enumerator, "11001", xml)
    text = response.content.decode()
    queued = assert_queued(response, Problem.INVALID_ANSWERS)
    for name in ("income_per_capita_month", "housing_type", "sex"):
        assert name in text and name in queued.problem_detail


def test_an_unknown_member_rolls_everything_back(enumerator, registry, field_round):
    members = [*member_answers(registry["ha"]), {"member_id": "999999"}]
    xml = submission_xml(registry["ha"].code, members, instance_id=new_instance_id())
    response = post(enumerator, "11001", xml)
    assert_queued(response, Problem.INVALID_ANSWERS)
    assessment = Assessment.objects.get(pk=field_round["assessment"].pk)
    assert not assessment.sections_done and not assessment.instance_id


def test_missing_xml_part_is_400(enumerator, field_round):
    response = enumerator.post("/api/openrosa/11001/submission", {"other": "x"})
    assert response.status_code == 400
    assert b"xml_submission_file" in response.content


def test_oversized_upload_is_413(enumerator, registry, field_round, settings):
    settings.OPENROSA_MAX_SUBMISSION_BYTES = 2000
    xml = submission_xml(
        registry["ha"].code, member_answers(registry["ha"]), instance_id=new_instance_id()
    )
    response = post(enumerator, "11001", xml, _photo(content=b"x" * 5000))
    assert response.status_code == 413
    assert not Submission.objects.exists()


def test_head_announces_the_accepted_size(enumerator, settings):
    response = enumerator.head("/api/openrosa/11001/submission")
    assert response.status_code == 204
    assert response["X-OpenRosa-Accept-Content-Length"] == str(
        settings.OPENROSA_MAX_SUBMISSION_BYTES
    )
    assert response["X-OpenRosa-Version"] == "1.0" and response["Date"]


def test_get_on_submission_is_405_not_a_redirect(enumerator):
    response = enumerator.get("/api/openrosa/11001/submission")
    assert response.status_code == 405
    assert "POST" in response["Allow"] and "Location" not in response
    assert "Phương thức không được phép." in response.content.decode()


def test_unauthenticated_post_is_401_never_a_login_redirect(client, field_round):
    response = client.post("/api/openrosa/11001/submission", {})
    assert response.status_code == 401 and "Digest" in response["WWW-Authenticate"]


def test_a_server_fault_still_answers_in_openrosa(enumerator, registry, field_round, monkeypatch):
    def broken(request, commune):
        raise RuntimeError("disk full")

    monkeypatch.setattr("giamngheo.api.openrosa.views.receive", broken)
    xml = submission_xml(
        registry["ha"].code, member_answers(registry["ha"]), instance_id=new_instance_id()
    )
    response = post(enumerator, "11001", xml)
    assert response.status_code == 500
    assert b"OpenRosaResponse" in response.content
    assert response["X-OpenRosa-Version"] == "1.0" and response["Date"]


def test_vietnamese_file_names_come_back_through_the_rest_api(
    enumerator, personas, registry, field_round
):
    xml = submission_xml(
        registry["ha"].code,
        member_answers(registry["ha"]),
        instance_id=new_instance_id(),
        photo="ảnh nhà.jpg",
    )
    assert post(enumerator, "11001", xml, _photo()).status_code == 201
    reader = token_client(personas["commune_a_officer"])
    url = f"/api/v1/assessments/{field_round['assessment'].pk}"
    detail = reader.get(url).json()
    [attachment] = detail["attachments"]
    assert attachment["name"] == "ảnh nhà.jpg"
    download = reader.get(f"{url}/attachments/{attachment['id']}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\xff\xd8jpeg"
    assert "filename*=utf-8''%E1%BA%A3nh%20nh%C3%A0.jpg" in download["Content-Disposition"]
    outsider = token_client(personas["commune_b_officer"])
    assert outsider.get(f"{url}/attachments/{attachment['id']}").status_code == 404


def test_attachments_are_stored_under_random_names(enumerator, registry, field_round):
    iid = new_instance_id()
    xml = submission_xml(
        registry["ha"].code, member_answers(registry["ha"]), instance_id=iid, photo="ảnh nhà.jpg"
    )
    assert post(enumerator, "11001", xml, _photo()).status_code == 201
    stored = SubmissionAttachment.objects.get().file.name
    assert re.fullmatch(r"openrosa/[0-9a-f]{32}\.jpg", stored), stored
    assert iid.removeprefix("uuid:") not in stored
