"""Rounds, assessments and stored classifications over the API, per role."""

import pytest

from giamngheo.api.tests.helpers import assert_error_body, body, token_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "rounds_seen"),
    [
        ("commune_a_officer", {"A"}),
        ("commune_a_chairman", {"A"}),
        ("enumerator_a", {"A"}),
        ("commune_b_officer", {"B"}),
        ("province_officer", {"A", "B"}),
        ("auditor", {"A", "B"}),
        ("system_admin", {"A", "B"}),
        ("partner_officer", set()),
        ("other_province_officer", set()),
    ],
)
def test_rounds_and_assessments_follow_the_unit_scope(
    personas, rounds, province, persona, rounds_seen
):
    c = token_client(personas[persona])
    names = {"A": province["A"].pk, "B": province["B"].pk}
    seen = {r["unit_id"] for r in body(c.get("/api/v1/rounds"))["items"]}
    assert seen == {names[n] for n in rounds_seen}
    assessments = body(c.get("/api/v1/assessments"))["items"]
    assert len(assessments) == len(rounds_seen)
    for key, unit in (("ra", "A"), ("rb", "B")):
        status = c.get(f"/api/v1/rounds/{rounds[key].pk}").status_code
        assert status == (200 if unit in rounds_seen else 404)
    status = c.get(f"/api/v1/assessments/{rounds['aa'].pk}").status_code
    assert status == (200 if "A" in rounds_seen else 404)


def test_classification_with_explanation_in_both_languages(personas, rounds):
    c = token_client(personas["commune_a_officer"])
    url = f"/api/v1/assessments/{rounds['aa'].pk}/classification"
    vi = body(c.get(url))
    assert vi["class"] == "near_poor" and vi["household_id"] == "31-11001-000001"
    assert vi["explanation"][0]["code"] == "income_at_or_below_line"
    assert "1.450.000" in vi["explanation_text"][0]
    en = body(c.get(url + "?lang=en"))
    assert en["explanation_text"] and en["explanation_text"] != vi["explanation_text"]
    assert_error_body(c.get(url + "?lang=fr"), 422)


def test_unclassified_assessment_says_so(personas, rounds):
    c = token_client(personas["commune_b_officer"])
    data = assert_error_body(c.get(f"/api/v1/assessments/{rounds['ab'].pk}/classification"), 404)
    assert "chưa được phân loại" in data["detail"]  # Vietnamese by default


def test_assessments_filter_by_round_unit_and_class(personas, rounds, province):
    c = token_client(personas["province_officer"])
    assert body(c.get(f"/api/v1/assessments?round={rounds['rb'].pk}"))["count"] == 1
    assert body(c.get(f"/api/v1/assessments?unit={province['A1'].pk}"))["count"] == 1
    assert body(c.get("/api/v1/assessments?class=near_poor"))["count"] == 1
    assert body(c.get("/api/v1/assessments?class=poor"))["count"] == 0
    assert body(c.get(f"/api/v1/rounds?unit={province['B'].pk}&year=2025"))["count"] == 1
    assert_error_body(c.get("/api/v1/rounds?status=nonsense"), 422)
