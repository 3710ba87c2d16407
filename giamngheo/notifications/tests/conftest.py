import datetime as dt

import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.reviews.models import ReviewRound, RoundStatus, RoundType

# A Friday; the next working day is Monday 12/10/2026.
FRIDAY = dt.date(2026, 10, 9)


@pytest.fixture(autouse=True)
def _stored_text_in_english(settings):
    """Reminders are stored in the installation's language; assertions read the English source."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def province(db):
    return build_small_province()


@pytest.fixture
def people(province):
    def user(role, unit, name):
        return UserFactory(
            username=name, role=role, unit=province[unit], email=f"{name}@example.gov.vn"
        )

    return {
        "commune_a_officer": user(Role.COMMUNE_OFFICER, "A", "officer_a"),
        "commune_a_chairman": user(Role.COMMUNE_CHAIRMAN, "A", "chairman_a"),
        "enumerator_a": user(Role.ENUMERATOR, "A", "enumerator_a"),
        "commune_b_officer": user(Role.COMMUNE_OFFICER, "B", "officer_b"),
        "province_officer": user(Role.PROVINCE_OFFICER, "P", "province"),
    }


def make_round(unit, status: str = RoundStatus.SURVEY, **fields) -> ReviewRound:
    fields.setdefault("step_deadline", dt.date(2026, 12, 14))
    return ReviewRound.objects.create(
        unit=unit,
        year=2026,
        round_type=RoundType.PERIODIC,
        review_date=dt.date(2026, 9, 15),
        standard="vn-2022",
        status=status,
        **fields,
    )
