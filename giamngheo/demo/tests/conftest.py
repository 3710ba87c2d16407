import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province


@pytest.fixture
def units(db):
    return build_small_province()


@pytest.fixture
def province_officer(units):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=units["P"])
