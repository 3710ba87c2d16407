import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.households.tests.factories import HouseholdFactory, MemberFactory
from giamngheo.households.vocab import Relation, Sex


@pytest.fixture(autouse=True)
def sessions_outlive_clock_jumps(settings):
    """These tests move the clock days ahead inside one login; the 8-hour idle expiry would end
    the session between steps (that expiry has its own test in giamngheo/tests)."""
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600


@contextmanager
def on_day(day: dt.date, hour: int = 9):
    """Freeze the clock on `day` (Asia/Ho_Chi_Minh working hours)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def pdf_file(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 minutes", content_type="application/pdf")


# Answers that make a one-adult rural household poor under vn-2022: income under the line and
# deprived on housing quality, housing area, water and latrine (4 ≥ 3).
POOR = {
    "general": {"income_per_capita_month": 1_200_000, "nlnn": True, "b1_score": None},
    "housing": {"housing_type": "simple", "floor_area_m2": 6.0},
    "water": {"domestic_water": "unsafe", "hygienic_latrine": False, "waste_treated": True},
    "information": {
        "uses_telecom": True,
        "info_devices": ["smartphone"],
        "hears_loudspeaker": True,
    },
}
NEAR_POOR = {
    **POOR,
    "housing": {"housing_type": "solid", "floor_area_m2": 40.0},
    "water": {"domestic_water": "safe", "hygienic_latrine": True, "waste_treated": True},
}
NOT_POOR = {
    **NEAR_POOR,
    "general": {"income_per_capita_month": 4_000_000, "nlnn": False, "b1_score": None},
}
ADULT = {
    "sex": "male",
    "date_of_birth": "1980-05-01",
    "relation": "head",
    "health_insurance": True,
    "in_school": False,
    "diploma": "upper_secondary",
    "vocational_training": False,
    "employment": "self_employed",
    "working_capacity": True,
    "disability": "none",
    "social_allowance": False,
    "child_nutrition": None,
    "ill_untreated": False,
}


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English source strings, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded minutes and evidence go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def province(db):
    return build_small_province()


@pytest.fixture
def people(province):
    return {
        "commune_a_officer": UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"]),
        "commune_a_chairman": UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=province["A"]),
        "commune_b_officer": UserFactory(role=Role.COMMUNE_OFFICER, unit=province["B"]),
        "commune_b_chairman": UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=province["B"]),
        "province_officer": UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"]),
        "enumerator_a": UserFactory(role=Role.ENUMERATOR, unit=province["A"]),
    }


def make_household(village, code: str, head: str = "Nguyễn Văn An", citizen_id: str = ""):
    household = HouseholdFactory(unit=village, code=code, head_name=head, area="rural")
    MemberFactory(
        household=household,
        member_no=1,
        full_name=head,
        sex=Sex.MALE,
        date_of_birth=dt.date(1980, 5, 1),
        relation=Relation.HEAD,
        citizen_id=citizen_id,
    )
    return household


@pytest.fixture
def households_a(province):
    return [
        make_household(province["A1"], "31-11001-000001", "Nguyễn Văn An", "031080000111"),
        make_household(province["A1"], "31-11001-000002", "Trần Thị Bình", "031080000222"),
        make_household(province["A2"], "31-11001-000003", "Lê Văn Cường", "031080000333"),
    ]


@pytest.fixture
def posting(people, province, households_a, monkeypatch):
    """A round stopped in its posting (posted Wed 1/10/2025, until Fri 3/10)."""
    import giamngheo.reviews.tests.helpers as helpers
    from giamngheo.reviews import services
    from giamngheo.reviews.models import RoundStatus

    officer = people["commune_a_officer"]

    real_advance = services.round_advance

    def stop_at_posting(**kw):
        if kw["review_round"].status == RoundStatus.POSTING:
            return kw["review_round"]
        return real_advance(**kw)

    monkeypatch.setattr(helpers.services, "round_advance", stop_at_posting)
    r = helpers.run_round(
        officer,
        people["commune_a_chairman"],
        province["A"],
        2025,
        {households_a[0]: POOR, households_a[1]: NOT_POOR},
        approve=False,
    )
    monkeypatch.setattr(helpers.services, "round_advance", real_advance)
    assert r.status == RoundStatus.POSTING
    return r
