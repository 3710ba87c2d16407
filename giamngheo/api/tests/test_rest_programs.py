"""Programs, activities, funds, household support and statistics over the API, per role."""

import datetime as dt

import pytest

from giamngheo.accounts.scoping import Capability, has_capability
from giamngheo.api.tests.helpers import assert_error_body, body, items_or_refused, token_client
from giamngheo.programs.tests.factories import make_program, two_organisations
from giamngheo.support.models import Fund, FundKind, SupportRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs(province, registry):
    department, front = two_organisations(province["A"])
    program = make_program(province["A"], (department, front))
    fund = Fund.objects.create(
        name="Quỹ Vì người nghèo xã A",
        kind=FundKind.FOR_THE_POOR,
        unit=province["A"],
        managing_organisation=front,
    )
    support = SupportRecord.objects.create(
        household=registry["ha"],
        kind="health_insurance",
        value=900_000,
        given_on=dt.date(2025, 3, 1),
        source="other",
    )
    return {"program": program, "fund": fund, "support": support}


@pytest.mark.parametrize(
    ("persona", "sees_programs", "sees_support"),
    [
        ("commune_a_officer", True, True),
        ("commune_a_chairman", True, True),
        ("village_head_a1", False, True),
        ("province_officer", True, True),
        ("auditor", True, True),
        ("partner_officer", True, False),
        ("enumerator_a", False, True),
        ("commune_b_officer", False, False),
        ("other_province_officer", False, False),
    ],
)
def test_programs_funds_and_support_follow_the_scope(
    personas, programs, persona, sees_programs, sees_support
):
    user = personas[persona]
    c = token_client(user)
    reads_programs = has_capability(user, Capability.READ_PROGRAMS)
    listed = items_or_refused(c.get("/api/v1/programs"))
    assert (listed is None) == (not reads_programs)  # refused by role (403), not an empty list
    assert (programs["program"].pk in [p["id"] for p in listed or []]) == sees_programs
    status = c.get(f"/api/v1/programs/{programs['program'].pk}").status_code
    assert status == (200 if sees_programs else 404 if reads_programs else 403)
    funds = items_or_refused(c.get("/api/v1/funds"))
    assert (programs["fund"].pk in [f["id"] for f in funds or []]) == sees_programs
    support = items_or_refused(c.get("/api/v1/support"))
    assert (support is None) == (not has_capability(user, Capability.READ_RECORDS))
    assert bool(support) == sees_support


def test_program_detail_lists_its_parties(personas, programs):
    data = body(
        token_client(personas["province_officer"]).get(f"/api/v1/programs/{programs['program'].pk}")
    )
    assert len(data["parties"]) == 2 and data["start_year"] == 2021
    activities = body(token_client(personas["province_officer"]).get("/api/v1/activities"))
    assert activities["count"] == 0


def test_support_filters(personas, programs, registry):
    c = token_client(personas["commune_a_officer"])
    assert body(c.get("/api/v1/support?year=2025"))["count"] == 1
    assert body(c.get("/api/v1/support?year=2024"))["count"] == 0
    row = body(c.get(f"/api/v1/support?household={registry['ha'].pk}"))["items"][0]
    assert row["household_code"] == registry["ha"].code and row["value"] == 900_000


def test_statistics_of_an_approved_year(personas, field_round, province):
    c = token_client(personas["commune_a_officer"])
    years = body(c.get(f"/api/v1/statistics/{province['A'].pk}/years"))
    assert years == [2024]
    data = body(c.get(f"/api/v1/statistics/{province['A'].pk}?year=2024"))
    assert data["total"]["counts"]["poor"] == 1


def test_statistics_without_an_approved_round_or_outside_the_unit(personas, field_round, province):
    c = token_client(personas["commune_a_officer"])
    assert_error_body(c.get(f"/api/v1/statistics/{province['A'].pk}?year=2020"), 404)
    assert_error_body(c.get(f"/api/v1/statistics/{province['B'].pk}?year=2024"), 403)
    assert_error_body(c.get(f"/api/v1/statistics/{province['A'].pk}"), 422)
    partner = token_client(personas["partner_officer"])
    assert partner.get(f"/api/v1/statistics/{province['A'].pk}?year=2024").status_code == 200
