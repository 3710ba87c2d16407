"""What Collect is offered at each step of the round: the step's form and only its households."""

import csv
import io
import re

import pytest

from giamngheo.api.openrosa.questionnaire import FORM_ID as FORM_B
from giamngheo.api.openrosa.questionnaire_a import FORM_ID as FORM_A
from giamngheo.api.tests.helpers import token_client
from giamngheo.api.tests.odk import resident_household
from giamngheo.reviews.services.assessments import assessment_screen
from giamngheo.reviews.services.rounds import round_advance, round_list_households

pytestmark = pytest.mark.django_db


@pytest.fixture
def enumerator(personas):
    return token_client(personas["enumerator_a"])


def form_ids(client, commune_code: str = "11001") -> list[str]:
    response = client.get(f"/api/openrosa/{commune_code}/formList")
    assert response.status_code == 200
    return re.findall(r"<formID>(.*?)</formID>", response.content.decode())


def media_rows(client, form_id: str, filename: str = "households.csv") -> list[dict]:
    response = client.get(f"/api/openrosa/11001/forms/{form_id}/media/{filename}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def manifest_hashes(client, form_id: str) -> dict[str, str]:
    text = client.get(f"/api/openrosa/11001/forms/{form_id}/manifest").content.decode()
    return dict(re.findall(r"<filename>(.*?)</filename><hash>(.*?)</hash>", text))


def test_form_list_offers_form_a_while_screening(enumerator, screening_step):
    assert form_ids(enumerator) == [FORM_A]


def test_form_list_offers_form_b_while_surveying(enumerator, field_round):
    assert form_ids(enumerator) == [FORM_B]


def test_form_list_offers_both_before_any_round_collects(enumerator, province):
    assert form_ids(enumerator) == [FORM_A, FORM_B]
    assert media_rows(enumerator, FORM_A) == [] and media_rows(enumerator, FORM_B) == []


def test_form_list_can_be_asked_for_one_form(enumerator, province):
    response = enumerator.get(f"/api/openrosa/11001/formList?formID={FORM_A}")
    assert re.findall(r"<formID>(.*?)</formID>", response.content.decode()) == [FORM_A]


def test_form_a_and_its_manifest_download(enumerator, screening_step):
    form = enumerator.get(f"/api/openrosa/11001/forms/{FORM_A}/form.xml")
    assert form.status_code == 200 and "Phiếu A" in form.content.decode()
    assert set(manifest_hashes(enumerator, FORM_A)) == {"households.csv"}
    unknown = enumerator.get(f"/api/openrosa/11001/forms/{FORM_A}/media/members.csv")
    assert unknown.status_code == 404


def test_form_a_pick_list_is_the_listed_households_with_last_years_markers(
    enumerator, screening_step, registry
):
    rows = media_rows(enumerator, FORM_A)
    assert [r["name"] for r in rows] == [registry["ha"].code, screening_step["hc"].code]
    ha = rows[0]
    assert ha["last_year"] == "2024"
    assert ha["last_markers"] == "Hộ có ô tô"
    assert rows[1]["last_year"] == "" and rows[1]["last_markers"] == ""


def test_form_a_pick_list_keeps_screened_households_marked_as_screened(
    enumerator, screening_step, personas
):
    assessment_screen(
        actor=personas["commune_a_officer"],
        assessment=screening_step["ac"],
        markers=["car", "pension"],
    )
    rows = {r["name"]: r for r in media_rows(enumerator, FORM_A)}
    assert "2" in rows[screening_step["hc"].code]["label"]
    assert "nhận diện" in rows[screening_step["hc"].code]["label"]


def test_form_b_pick_list_is_the_listed_households_not_screened_out(
    enumerator, screening_step, personas, registry
):
    officer = personas["commune_a_officer"]
    assessment_screen(actor=officer, assessment=screening_step["aa"], markers=["car"])
    four = ["car", "pension", "air_conditioner", "business"]
    assessment_screen(actor=officer, assessment=screening_step["ac"], markers=four)
    round_advance(actor=officer, review_round=screening_step["round"])
    assert form_ids(enumerator) == [FORM_B]
    assert [r["name"] for r in media_rows(enumerator, FORM_B)] == [registry["ha"].code]
    assert media_rows(enumerator, FORM_A) == []


def test_form_b_pick_list_leaves_out_households_not_listed(enumerator, field_round, province):
    resident_household(province, "31-11001-000009", "Hồ Văn Xa")
    rows = media_rows(enumerator, FORM_B)
    assert [r["name"] for r in rows] == [field_round["assessment"].household.code]


def test_manifest_hash_changes_when_a_household_is_listed(enumerator, screening_step, personas):
    before = manifest_hashes(enumerator, FORM_A)
    round_list_households(
        actor=personas["commune_a_officer"],
        review_round=screening_step["round"],
        households=[screening_step["hx"]],
    )
    after = manifest_hashes(enumerator, FORM_A)
    assert after["households.csv"] != before["households.csv"]
    assert screening_step["hx"].code in [r["name"] for r in media_rows(enumerator, FORM_A)]


def test_manifest_hash_changes_when_the_round_moves_to_the_survey(
    enumerator, screening_step, personas
):
    officer = personas["commune_a_officer"]
    before = {form: manifest_hashes(enumerator, form) for form in (FORM_A, FORM_B)}
    for assessment in (screening_step["aa"], screening_step["ac"]):
        assessment_screen(actor=officer, assessment=assessment, markers=[])
    round_advance(actor=officer, review_round=screening_step["round"])
    after = {form: manifest_hashes(enumerator, form) for form in (FORM_A, FORM_B)}
    assert after[FORM_A]["households.csv"] != before[FORM_A]["households.csv"]
    assert after[FORM_B]["households.csv"] != before[FORM_B]["households.csv"]
