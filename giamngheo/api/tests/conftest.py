"""Personas and a small province with households, a round and a classified assessment."""

import datetime as dt

import pytest
from django.core.cache import cache

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import (
    OrganisationFactory,
    UserFactory,
    build_small_province,
)
from giamngheo.households.tests.factories import HouseholdFactory, MemberFactory
from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus

PASSWORD = "pw-for-tests-only"


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Throttle counters start at zero; the cache is a database table, so only tests with a database."""
    uses_db = bool(
        request.node.get_closest_marker("django_db")
        or {"db", "transactional_db"} & set(request.fixturenames)
    )
    if uses_db:
        request.getfixturevalue(
            "transactional_db" if "transactional_db" in request.fixturenames else "db"
        )
        cache.clear()
    yield
    if uses_db:
        cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Photos sent by the tests go to a throw-away folder, not the installation's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def province(db):
    return build_small_province()


@pytest.fixture
def personas(province):
    org = OrganisationFactory(unit=province["P"])
    people = {
        "commune_a_officer": UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"]),
        "commune_b_officer": UserFactory(role=Role.COMMUNE_OFFICER, unit=province["B"]),
        "commune_a_chairman": UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=province["A"]),
        "enumerator_a": UserFactory(role=Role.ENUMERATOR, unit=province["A"]),
        "village_head_a1": UserFactory(role=Role.VILLAGE_HEAD, unit=province["A1"]),
        "province_officer": UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"]),
        "partner_officer": UserFactory(
            role=Role.PARTNER_OFFICER, unit=province["P"], organisation=org
        ),
        "auditor": UserFactory(role=Role.AUDITOR, unit=province["P"]),
        "system_admin": UserFactory(role=Role.SYSTEM_ADMIN, unit=None),
        "other_province_officer": UserFactory(role=Role.PROVINCE_OFFICER, unit=province["Q"]),
    }
    for username, user in people.items():
        user.username = username
        user.set_password(PASSWORD)
        user.save()
    return people


@pytest.fixture
def registry(province):
    """Household ha in village A1 (commune A) and hb in B1, each with two members."""
    ha = HouseholdFactory(code="31-11001-000001", unit=province["A1"], head_name="Nguyễn Văn Ất")
    MemberFactory(household=ha, member_no=1, full_name="Nguyễn Văn Ất", citizen_id="031080001234")
    MemberFactory(
        household=ha,
        member_no=2,
        full_name="Trần Thị Bình",
        relation="spouse",
        sex="female",
        citizen_id="031082005678",
    )
    hb = HouseholdFactory(code="31-11002-000001", unit=province["B1"], head_name="Lê Văn Cường")
    MemberFactory(household=hb, member_no=1, full_name="Lê Văn Cường", citizen_id="031070009999")
    return {"ha": ha, "hb": hb}


@pytest.fixture
def rounds(province, registry):
    """A periodic round in each commune (survey step); ha is classified near-poor."""
    ra = ReviewRound.objects.create(
        unit=province["A"],
        year=2025,
        review_date=dt.date(2025, 10, 15),
        standard="vn-2022",
        status=RoundStatus.SURVEY,
    )
    rb = ReviewRound.objects.create(
        unit=province["B"],
        year=2025,
        review_date=dt.date(2025, 10, 15),
        standard="vn-2022",
        status=RoundStatus.SURVEY,
    )
    aa = Assessment.objects.create(
        round=ra,
        household=registry["ha"],
        poverty_class="near_poor",
        standard="vn-2022",
        deprived=["housing_quality"],
        deprivation_count=1,
        engine_version="1.0.0",
        explanation=[
            {
                "code": "income_at_or_below_line",
                "params": {"income": 1450000, "line": 1500000},
                "article": "Decree 07/2021/NĐ-CP, Art. 3(1)(a)",
            }
        ],
    )
    ab = Assessment.objects.create(round=rb, household=registry["hb"])
    return {"ra": ra, "rb": rb, "aa": aa, "ab": ab}


from giamngheo.api.tests.odk import field_round, screening_step  # noqa: E402,F401
