"""Phiếu A sent from ODK Collect: the screening markers (Circular 07/2021/TT-BLĐTBXH, Annex II)."""

from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from giamngheo.api import services
from giamngheo.api.models import Problem, ReviewState, Submission
from giamngheo.api.openrosa import questionnaire_a
from giamngheo.api.openrosa.questionnaire import workbook_rows
from giamngheo.api.tests.conftest import PASSWORD
from giamngheo.api.tests.helpers import token_client
from giamngheo.api.tests.odk import digest_header, new_instance_id
from giamngheo.reviews import screening as markers_of_the_law
from giamngheo.reviews.models import Assessment, RoundStatus

pytestmark = pytest.mark.django_db

FOUR = ["car", "pension", "air_conditioner", "business"]


def screening_xml(
    household_code: str,
    markers: list[str],
    *,
    instance_id: str,
    deprecated_id: str = "",
    form_id: str = questionnaire_a.FORM_ID,
) -> bytes:
    meta = f"<instanceID>{instance_id}</instanceID>"
    if deprecated_id:
        meta += f"<deprecatedID>{deprecated_id}</deprecatedID>"
    return (
        f'<data xmlns:jr="http://openrosa.org/javarosa" id="{form_id}" '
        f'version="{questionnaire_a.FORM_VERSION}">'
        "<start>2025-10-20T08:01:00.000+07:00</start><end>2025-10-20T08:09:30.000+07:00</end>"
        f"<username>enumerator_a</username><household>{escape(household_code)}</household>"
        f"<markers>{' '.join(markers)}</markers><location>20.86 106.68 5 10</location>"
        f"<meta>{meta}</meta></data>"
    ).encode()


def post(c: Client, xml: bytes, commune_code: str = "11001", **extra):
    data = {"xml_submission_file": SimpleUploadedFile("submission.xml", xml, "text/xml")}
    return c.post(f"/api/openrosa/{commune_code}/submission", data, **extra)


@pytest.fixture
def enumerator(personas) -> Client:
    return token_client(personas["enumerator_a"])


def test_four_markers_screen_the_household_out_circular_07_annex_ii(
    enumerator, screening_step, registry
):
    instance_id = new_instance_id()
    response = post(enumerator, screening_xml(registry["ha"].code, FOUR, instance_id=instance_id))
    assert response.status_code == 201, response.content
    assert "dừng ở bước nhận diện" in response.content.decode()
    a = Assessment.objects.get(pk=screening_step["aa"].pk)
    assert a.screening["markers"] == sorted(FOUR) and a.screening["count"] == 4
    assert a.screened_out and a.poverty_class == "not_poor"
    assert a.source == "odk"
    submission = Submission.objects.get(instance_id=instance_id)
    assert submission.assessment == a and submission.state == ReviewState.ACCEPTED
    assert submission.review_round == screening_step["round"]
    assert not a.instance_id  # form B's instance ID is still to come


def test_three_markers_send_the_household_on_to_form_b(enumerator, screening_step, registry):
    xml = screening_xml(registry["ha"].code, FOUR[:3], instance_id=new_instance_id())
    response = post(enumerator, xml)
    assert response.status_code == 201 and "Phiếu B" in response.content.decode()
    a = Assessment.objects.get(pk=screening_step["aa"].pk)
    assert a.screening["count"] == 3 and not a.screened_out and a.poverty_class == ""


def test_a_later_form_a_screens_the_household_again(enumerator, screening_step, registry):
    code = registry["ha"].code
    assert (
        post(enumerator, screening_xml(code, FOUR, instance_id=new_instance_id())).status_code
        == 201
    )
    assert (
        post(enumerator, screening_xml(code, [], instance_id=new_instance_id())).status_code == 201
    )
    a = Assessment.objects.get(pk=screening_step["aa"].pk)
    assert a.screening["count"] == 0 and not a.screened_out and a.poverty_class == ""


def test_form_a_is_still_taken_during_the_survey(enumerator, screening_step, registry):
    screening_step["round"].status = RoundStatus.SURVEY
    screening_step["round"].save()
    xml = screening_xml(registry["ha"].code, FOUR, instance_id=new_instance_id())
    assert post(enumerator, xml).status_code == 201
    assert Assessment.objects.get(pk=screening_step["aa"].pk).screened_out


def test_the_same_form_a_again_is_202_and_changes_nothing(enumerator, screening_step, registry):
    xml = screening_xml(registry["ha"].code, FOUR, instance_id=new_instance_id())
    assert post(enumerator, xml).status_code == 201
    again = post(enumerator, xml)
    assert again.status_code == 202
    assert Submission.objects.count() == 1


def test_form_a_for_a_household_not_in_the_round_is_kept_for_review(
    enumerator, screening_step, registry
):
    xml = screening_xml(screening_step["hx"].code, FOUR, instance_id=new_instance_id())
    response = post(enumerator, xml)
    assert response.status_code == 201
    assert "xã sẽ kiểm tra" in response.content.decode()
    queued = Submission.objects.get()
    assert queued.state == ReviewState.NEEDS_REVIEW and queued.problem == Problem.NOT_IN_ROUND
    assert screening_step["hx"].code in queued.problem_detail and "2025" in queued.problem_detail
    assert not Assessment.objects.filter(household=screening_step["hx"]).exists()


def test_form_a_with_an_unknown_marker_is_kept_for_review_naming_the_field(
    enumerator, screening_step, registry
):
    xml = screening_xml(registry["ha"].code, ["car", "yacht"], instance_id=new_instance_id())
    assert post(enumerator, xml).status_code == 201
    queued = Submission.objects.get()
    assert queued.problem == Problem.INVALID_ANSWERS and "markers" in queued.problem_detail
    assert Assessment.objects.get(pk=screening_step["aa"].pk).screening == {}


def test_form_a_when_no_round_screens_is_kept_and_applied_after_review(
    enumerator, screening_step, registry, personas
):
    screening_step["round"].status = RoundStatus.LISTING
    screening_step["round"].save()
    xml = screening_xml(registry["ha"].code, FOUR, instance_id=new_instance_id())
    assert post(enumerator, xml).status_code == 201
    queued = Submission.objects.get()
    assert queued.problem == Problem.NO_OPEN_ROUND and "Phiếu A" in queued.problem_detail
    screening_step["round"].status = RoundStatus.SCREENING
    screening_step["round"].save()
    done = services.submission_apply(actor=personas["commune_a_officer"], submission=queued)
    assert done.state == ReviewState.APPLIED_AFTER_REVIEW
    assert Assessment.objects.get(pk=screening_step["aa"].pk).screened_out


def test_form_a_for_a_household_of_another_commune_is_403(enumerator, screening_step, registry):
    xml = screening_xml(registry["hb"].code, FOUR, instance_id=new_instance_id())
    assert post(enumerator, xml).status_code == 403
    assert not Submission.objects.exists()


def test_form_a_from_another_communes_officer_is_403(personas, screening_step, registry):
    xml = screening_xml(registry["ha"].code, FOUR, instance_id=new_instance_id())
    assert post(token_client(personas["commune_b_officer"]), xml).status_code == 403
    assert Assessment.objects.get(pk=screening_step["aa"].pk).screening == {}


def test_form_a_refusals_collect_can_act_on(client, enumerator, screening_step, registry, settings):
    xml = screening_xml(registry["ha"].code, FOUR, instance_id=new_instance_id())
    assert post(client, xml).status_code == 401
    assert post(enumerator, b"<data id='giamngheo_phieu_a'><unclosed>").status_code == 400
    settings.OPENROSA_MAX_SUBMISSION_BYTES = 100
    assert post(enumerator, xml).status_code == 413
    assert not Submission.objects.exists()


def test_form_a_over_digest_like_collect(client, screening_step, registry):
    url = "/api/openrosa/11001/submission"
    xml = screening_xml(registry["ha"].code, FOUR, instance_id=new_instance_id())
    challenge = client.head(url)["WWW-Authenticate"]
    header = digest_header(challenge, "enumerator_a", PASSWORD, "POST", url)
    data = {"xml_submission_file": SimpleUploadedFile("submission.xml", xml, "text/xml")}
    assert client.post(url, data, HTTP_AUTHORIZATION=header).status_code == 201
    assert Assessment.objects.get(pk=screening_step["aa"].pk).screened_out


def test_the_committed_workbook_is_the_definition(tmp_path):
    fresh = questionnaire_a.write_xlsx(tmp_path / "phieu_a.xlsx")
    assert workbook_rows(fresh) == workbook_rows(questionnaire_a.XLSX_PATH)


def test_the_form_offers_the_laws_markers_with_the_web_forms_labels():
    choices = questionnaire_a.CHOICES["markers"]
    assert tuple(code for code, _vi, _en in choices) == markers_of_the_law.MARKER_CODES
    with translation.override("vi"):
        web = {m.code: str(m.label) for m in markers_of_the_law.MARKERS}
    assert {code: vi for code, vi, _en in choices} == web
    with translation.override("en"):
        assert {code: en for code, _vi, en in choices} == {
            m.code: str(m.label) for m in markers_of_the_law.MARKERS
        }


def test_the_form_is_a_valid_xform_with_the_pick_list_and_last_years_markers():
    from giamngheo.api.openrosa.forms import FORM_ID_A, form_xml

    xml = form_xml(FORM_ID_A).decode()
    assert 'id="giamngheo_phieu_a"' in xml
    assert "jr://file-csv/households.csv" in xml
    assert "pulldata('households', 'last_markers', 'name'" in xml
    assert "count-selected(" in xml and "geopoint" in xml
