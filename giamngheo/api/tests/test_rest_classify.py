"""POST /api/v1/classify as household-facts.md defines it; nothing is stored."""

import copy
import json

import pytest

from giamngheo.api.rest.classify import HOUSEHOLD_EXAMPLE
from giamngheo.api.tests.helpers import assert_error_body, body, token_client
from giamngheo.reviews.models import Assessment
from giamngheo.standards import classify_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller(personas):
    return token_client(personas["auditor"])


def _post(c, payload, **extra):
    data = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return c.post("/api/v1/classify", data, content_type="application/json", **extra)


def test_one_household_gives_the_engines_output(caller):
    response = _post(caller, HOUSEHOLD_EXAMPLE)
    assert response.status_code == 200
    assert body(response) == classify_household(HOUSEHOLD_EXAMPLE)
    assert body(response)["class"] == "near_poor"


def test_english_explanations_on_request(caller):
    out = body(_post_lang(caller))
    assert (
        out["explanation_text"]
        == classify_household(HOUSEHOLD_EXAMPLE, lang="en")["explanation_text"]
    )


def _post_lang(c):
    return c.post(
        "/api/v1/classify?lang=en", json.dumps(HOUSEHOLD_EXAMPLE), content_type="application/json"
    )


def test_one_bad_household_is_422_with_its_error(caller):
    bad = {k: v for k, v in HOUSEHOLD_EXAMPLE.items() if k != "review_date"}
    response = _post(caller, bad)
    assert response.status_code == 422
    assert body(response)["error"]["field"] == "review_date"
    assert "class" not in body(response)


def test_an_array_gives_one_line_per_household_in_order(caller):
    second = {**copy.deepcopy(HOUSEHOLD_EXAMPLE), "household_id": "h2", "standard": "vn-9999"}
    third = {
        **copy.deepcopy(HOUSEHOLD_EXAMPLE),
        "household_id": "h3",
        "income_per_capita_month": "x",
    }
    fourth = {**copy.deepcopy(HOUSEHOLD_EXAMPLE), "household_id": "h4", "standard": "vn-2022"}
    response = _post(caller, [HOUSEHOLD_EXAMPLE, second, third, 42, fourth])
    assert response.status_code == 200
    lines = body(response)
    assert [line.get("household_id") for line in lines] == [
        "31-11560-000123",
        "h2",
        "h3",
        None,
        "h4",
    ]
    assert lines[0]["class"] == "near_poor"
    assert lines[1]["error"]["field"] == "standard" and lines[1]["error"]["row"] == 2
    assert lines[2]["error"]["field"] == "income_per_capita_month"
    assert lines[3]["error"]["row"] == 4
    assert lines[4]["standard"] == "vn-2022" and "class" in lines[4]


def test_an_empty_array_is_an_empty_answer(caller):
    response = _post(caller, [])
    assert response.status_code == 200 and body(response) == []


@pytest.mark.parametrize("payload", ["{not json", "", "[1, 2", b"\xff\xfe"])
def test_malformed_json_is_400_with_a_clear_message(caller, payload):
    data = assert_error_body(_post(caller, payload), 400)
    assert "JSON" in data["detail"]


@pytest.mark.parametrize("payload", ["42", '"text"', "null", "true"])
def test_a_body_that_is_neither_object_nor_array_is_400(caller, payload):
    assert_error_body(_post(caller, payload), 400)


def test_an_oversized_body_is_413(caller, settings):
    settings.API_MAX_BODY_BYTES = 2000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    big = [HOUSEHOLD_EXAMPLE] * 10
    assert_error_body(_post(caller, big), 413)


def test_too_many_households_is_413(caller, settings):
    settings.API_CLASSIFY_MAX_HOUSEHOLDS = 2
    assert_error_body(_post(caller, [HOUSEHOLD_EXAMPLE] * 3), 413)


def test_nothing_is_stored(caller, rounds):
    before = Assessment.objects.count(), list(Assessment.objects.values_list("updated_at"))
    _post(caller, [HOUSEHOLD_EXAMPLE] * 3)
    assert (
        Assessment.objects.count(),
        list(Assessment.objects.values_list("updated_at")),
    ) == before


@pytest.mark.parametrize(
    "persona",
    ["commune_a_officer", "enumerator_a", "village_head_a1", "partner_officer", "system_admin"],
)
def test_every_role_may_classify_and_anonymous_may_not(client, personas, persona):
    assert _post(token_client(personas[persona]), HOUSEHOLD_EXAMPLE).status_code == 200
    assert_error_body(_post(client, HOUSEHOLD_EXAMPLE), 401)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_review_date_outside_1900_2100_is_422_naming_the_field(caller, day):
    response = _post(caller, {**HOUSEHOLD_EXAMPLE, "review_date": day})
    assert response.status_code == 422
    error = body(response)["error"]
    assert error["field"] == "review_date"
    assert "review_date" in error["message"] and "1900-01-01" in error["message"]


def test_a_birth_date_outside_1900_2100_is_422_naming_the_member(caller):
    household = copy.deepcopy(HOUSEHOLD_EXAMPLE)
    household["members"][0]["date_of_birth"] = "0001-01-01"
    error = body(_post(caller, household))["error"]
    assert error["field"] == "date_of_birth"
    assert "members[1].date_of_birth" in error["message"]


def _named_2027_in_2025() -> dict:
    return {
        **copy.deepcopy(HOUSEHOLD_EXAMPLE),
        "standard": "vn-2027",
        "waste_treated": True,
        "income_per_capita_month": 2_000_000,
    }


def test_household_facts_standard_named_wins_outside_its_dates_with_warnings(caller):
    """household-facts.md ``standard``: "wins over the selection rule" (here vn-2022)."""
    response = _post(caller, _named_2027_in_2025())
    assert response.status_code == 200
    out = body(response)
    assert (out["standard"], out["class"], out["poverty_line"]) == (
        "vn-2027",
        "near_poor",
        2_200_000,
    )
    assert [w["code"] for w in out["warnings"]] == ["standard_not_in_force"]
    assert out["warnings"][0]["params"]["date"] == "2026-01-01"
    assert "01/01/2026" in out["warnings_text"][0]
    unnamed = body(_post(caller, {**_named_2027_in_2025(), "standard": None}))
    assert (unnamed["standard"], unnamed["class"], unnamed["warnings"]) == ("vn-2022", "middle", [])


def test_household_facts_standard_warnings_in_an_array_and_in_the_openapi_schema(caller, client):
    lines = body(_post(caller, [HOUSEHOLD_EXAMPLE, _named_2027_in_2025()]))
    assert [len(x["warnings"]) for x in lines] == [0, 1]
    schema = client.get("/api/v1/openapi.json").json()
    line = schema["components"]["schemas"]["ClassifyLineOut"]["properties"]
    assert line["warnings"]["items"] == {"$ref": "#/components/schemas/ClassifyWarningOut"}
