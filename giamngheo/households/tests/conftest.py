import datetime as dt

import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province


@pytest.fixture
def units(db):
    return build_small_province()


@pytest.fixture
def commune_a_officer(units):
    return UserFactory(username="officer_a", role=Role.COMMUNE_OFFICER, unit=units["A"])


@pytest.fixture
def commune_b_officer(units):
    return UserFactory(username="officer_b", role=Role.COMMUNE_OFFICER, unit=units["B"])


@pytest.fixture
def village_a1_head(units):
    return UserFactory(username="head_a1", role=Role.VILLAGE_HEAD, unit=units["A1"])


@pytest.fixture
def province_officer(units):
    return UserFactory(username="province", role=Role.PROVINCE_OFFICER, unit=units["P"])


def head(**overrides):
    values = {
        "full_name": "Nguyễn Văn An",
        "sex": "male",
        "date_of_birth": dt.date(1980, 5, 1),
        "relation": "head",
        "citizen_id": "031080000001",
    }
    values.update(overrides)
    return values


def child(**overrides):
    values = {
        "full_name": "Nguyễn Thị Bình",
        "sex": "female",
        "date_of_birth": dt.date(2010, 3, 2),
        "relation": "child",
        "in_school": True,
    }
    values.update(overrides)
    return values
