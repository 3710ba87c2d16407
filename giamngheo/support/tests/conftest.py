import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.support.tests.factories import front_fund


@pytest.fixture
def units(db):
    return build_small_province()


@pytest.fixture
def fund(units):
    return front_fund(units["P"])


@pytest.fixture
def province_officer(units):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=units["P"])


@pytest.fixture
def other_province_officer(units):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=units["Q"])


@pytest.fixture
def front_officer(units, fund):
    return UserFactory(
        role=Role.PARTNER_OFFICER, unit=units["P"], organisation=fund.managing_organisation
    )


@pytest.fixture
def commune_a_officer(units):
    return UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"])


@pytest.fixture
def commune_b_officer(units):
    return UserFactory(role=Role.COMMUNE_OFFICER, unit=units["B"])
