"""Units, households and members over the API: the pages' unit scoping, masked citizen IDs."""

import pytest

from giamngheo.api.tests.helpers import assert_error_body, body, items_or_refused, token_client
from giamngheo.households.models import PersonalDataAccess

pytestmark = pytest.mark.django_db

READERS_OF_A = [
    "commune_a_officer",
    "commune_a_chairman",
    "enumerator_a",
    "village_head_a1",
    "province_officer",
    "auditor",
    "system_admin",
]
NOT_READERS_OF_A = ["commune_b_officer", "partner_officer", "other_province_officer"]


def test_anonymous_caller_gets_401_with_the_error_body(client, rounds):
    for url in ["/api/v1/units", "/api/v1/households", "/api/v1/rounds", "/api/v1/me"]:
        response = client.get(url)
        assert_error_body(response, 401)
        assert "Bearer" in response["WWW-Authenticate"]


@pytest.mark.parametrize("persona", READERS_OF_A)
def test_readers_of_commune_a_see_its_household(personas, registry, persona):
    c = token_client(personas[persona])
    codes = [h["code"] for h in body(c.get("/api/v1/households"))["items"]]
    assert registry["ha"].code in codes
    assert c.get(f"/api/v1/households/{registry['ha'].pk}").status_code == 200


@pytest.mark.parametrize("persona", NOT_READERS_OF_A)
def test_others_cannot_see_commune_a_household(personas, registry, persona):
    c = token_client(personas[persona])
    listed = items_or_refused(c.get("/api/v1/households"))
    assert registry["ha"].code not in [h["code"] for h in listed or []]
    # A partner officer reads no household-level data at all: refused by role, not by unit.
    refused = 403 if persona == "partner_officer" else 404
    assert (listed is None) == (refused == 403)
    assert_error_body(c.get(f"/api/v1/households/{registry['ha'].pk}"), refused)


def test_commune_officer_cannot_see_other_commune(personas, registry):
    c = token_client(personas["commune_a_officer"])
    codes = [h["code"] for h in body(c.get("/api/v1/households"))["items"]]
    assert codes == [registry["ha"].code]
    assert_error_body(c.get(f"/api/v1/households/{registry['hb'].pk}"), 404)


def test_editor_sees_full_citizen_ids_and_the_reading_is_logged(personas, registry):
    officer = personas["commune_a_officer"]
    data = body(token_client(officer).get(f"/api/v1/households/{registry['ha'].pk}"))
    assert data["citizen_ids_masked"] is False
    assert {m["citizen_id"] for m in data["members"]} == {"031080001234", "031082005678"}
    assert PersonalDataAccess.objects.filter(user=officer, household=registry["ha"]).count() == 1


def test_a_search_by_citizen_id_finds_only_the_exact_number_and_is_logged(personas, registry):
    officer = personas["commune_a_officer"]
    client = token_client(officer)
    assert body(client.get("/api/v1/households", {"q": "03108000123"}))["items"] == []
    assert not PersonalDataAccess.objects.exists()
    data = body(client.get("/api/v1/households", {"q": "031082005678"}))
    assert [h["code"] for h in data["items"]] == [registry["ha"].code]
    assert "031082005678" not in str(data)
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.household) == (officer, registry["ha"])


@pytest.mark.parametrize("persona", ["enumerator_a", "village_head_a1", "auditor"])
def test_readers_who_cannot_edit_see_masked_ids_and_nothing_is_logged(personas, registry, persona):
    data = body(token_client(personas[persona]).get(f"/api/v1/households/{registry['ha'].pk}"))
    assert data["citizen_ids_masked"] is True
    assert all(m["citizen_id"].endswith(("234", "678")) for m in data["members"])
    assert not any(m["citizen_id"] == "031080001234" for m in data["members"])
    assert not PersonalDataAccess.objects.exists()


def test_units_are_limited_to_the_territory(personas, province):
    data = body(token_client(personas["commune_a_officer"]).get("/api/v1/units?level=village"))
    codes = {u["code"] for u in data["items"]}
    assert codes == {"11001-A1", "11001-A2"}
    c = token_client(personas["commune_a_officer"])
    assert c.get(f"/api/v1/units/{province['A'].pk}").status_code == 200
    assert_error_body(c.get(f"/api/v1/units/{province['B'].pk}"), 404)


def test_former_units_only_when_asked(personas, province):
    c = token_client(personas["province_officer"])
    current = {u["code"] for u in body(c.get("/api/v1/units?level=commune"))["items"]}
    everything = {
        u["code"] for u in body(c.get("/api/v1/units?level=commune&current=false"))["items"]
    }
    assert "10001" not in current and "10001" in everything


def test_households_filter_by_unit_round_and_class(personas, rounds, province):
    c = token_client(personas["province_officer"])
    by_unit = body(c.get(f"/api/v1/households?unit={province['B'].pk}"))["items"]
    assert [h["code"] for h in by_unit] == ["31-11002-000001"]
    near_poor = body(c.get(f"/api/v1/households?round={rounds['ra'].pk}&class=near_poor"))
    assert [h["code"] for h in near_poor["items"]] == ["31-11001-000001"]
    assert body(c.get("/api/v1/households?class=poor"))["count"] == 0
    assert body(c.get("/api/v1/households?unit=999999"))["count"] == 0


def test_pagination_counts_and_pages(personas, province):
    from giamngheo.households.tests.factories import HouseholdFactory

    HouseholdFactory.create_batch(60, unit=province["A2"])
    c = token_client(personas["commune_a_officer"])
    first = body(c.get("/api/v1/households"))
    second = body(c.get("/api/v1/households?page=2"))
    assert first["count"] == 60 and len(first["items"]) == 50 and len(second["items"]) == 10


def test_wrong_types_in_query_are_422_with_the_error_body(personas):
    c = token_client(personas["commune_a_officer"])
    data = assert_error_body(c.get("/api/v1/households?unit=abc"), 422)
    assert data["errors"][0]["field"] == "unit"
    assert_error_body(c.get("/api/v1/units?level=planet"), 422)
    assert_error_body(c.get("/api/v1/households/notanumber"), 422)
