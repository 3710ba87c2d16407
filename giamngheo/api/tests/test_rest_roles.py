"""Every REST read endpoint, for every role: answered (scoped) for the signed-in, 401 for nobody."""

import pytest
from django.test import Client

from giamngheo.accounts.scoping import Capability, has_capability
from giamngheo.api.tests.helpers import assert_error_body, body, token_client

pytestmark = pytest.mark.django_db

# Each list with the capability it declares (None: any signed-in user).
LISTS = {
    "/api/v1/units": None,
    "/api/v1/households": Capability.READ_RECORDS,
    "/api/v1/rounds": Capability.READ_RECORDS,
    "/api/v1/assessments": Capability.READ_RECORDS,
    "/api/v1/programs": Capability.READ_PROGRAMS,
    "/api/v1/activities": Capability.READ_PROGRAMS,
    "/api/v1/funds": Capability.READ_PROGRAMS,
    "/api/v1/support": Capability.READ_RECORDS,
}
PERSONAS = [
    "commune_a_officer",
    "commune_b_officer",
    "commune_a_chairman",
    "enumerator_a",
    "village_head_a1",
    "province_officer",
    "partner_officer",
    "auditor",
    "system_admin",
    "other_province_officer",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_list_answers_each_role_within_its_scope(personas, rounds, persona):
    user = personas[persona]
    c = token_client(user)
    for url, capability in LISTS.items():
        response = c.get(url)
        if capability is None or has_capability(user, capability):
            assert set(body(response)) == {"items", "count"}, url
        else:
            assert_error_body(response, 403)
    me = body(c.get("/api/v1/me"))
    assert me["username"] == persona and me["role"] == personas[persona].role
    assert body(c.get("/api/v1/auth/tokens"))[0]["name"] == "tests"


@pytest.mark.parametrize("persona", PERSONAS)
def test_classification_detail_per_role(personas, rounds, persona):
    allowed = persona in {
        "commune_a_officer",
        "commune_a_chairman",
        "enumerator_a",
        "village_head_a1",
        "province_officer",
        "auditor",
        "system_admin",
    }
    response = token_client(personas[persona]).get(
        f"/api/v1/assessments/{rounds['aa'].pk}/classification"
    )
    if allowed:
        assert body(response)["class"] == "near_poor"
    else:  # a partner officer's role reads no household data; the others are out of scope
        assert_error_body(response, 403 if persona == "partner_officer" else 404)


def test_nobody_gets_401_everywhere(rounds):
    anonymous = Client()
    for url in [*LISTS, "/api/v1/me", "/api/v1/auth/tokens", "/api/v1/statistics/1?year=2024"]:
        assert_error_body(anonymous.get(url), 401)


def test_inactive_users_session_is_refused(personas):
    user = personas["auditor"]
    browser = Client()
    browser.force_login(user)
    user.is_active = False
    user.save()
    assert_error_body(browser.get("/api/v1/me"), 401)


def test_unknown_api_paths_have_the_error_body(client):
    assert_error_body(client.get("/api/v1/no-such-thing"), 404)
