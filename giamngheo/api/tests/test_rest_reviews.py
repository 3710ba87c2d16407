"""Rounds, assessments and stored classifications over the API, per role."""

import pytest

from giamngheo.api.tests.helpers import assert_error_body, body, items_or_refused, token_client

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
    by_role = persona == "partner_officer"  # no household-level reading at all: 403, not 404
    hidden = 403 if by_role else 404
    names = {"A": province["A"].pk, "B": province["B"].pk}
    listed = items_or_refused(c.get("/api/v1/rounds"))
    assert (listed is None) == by_role
    assert {r["unit_id"] for r in listed or []} == {names[n] for n in rounds_seen}
    assessments = items_or_refused(c.get("/api/v1/assessments"))
    assert len(assessments or []) == len(rounds_seen)
    for key, unit in (("ra", "A"), ("rb", "B")):
        status = c.get(f"/api/v1/rounds/{rounds[key].pk}").status_code
        assert status == (200 if unit in rounds_seen else hidden)
    status = c.get(f"/api/v1/assessments/{rounds['aa'].pk}").status_code
    assert status == (200 if "A" in rounds_seen else hidden)


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
