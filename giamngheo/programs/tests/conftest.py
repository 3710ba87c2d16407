import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.programs.tests.factories import make_program, two_organisations


@pytest.fixture
def units(db):
    return build_small_province()


@pytest.fixture
def former_orgs(units):
    return two_organisations(units["FP"])


@pytest.fixture
def former_program(units, former_orgs):
    """Signed by the former province FP (like Hải Dương), which became part of P."""
    return make_program(units["FP"], former_orgs)


@pytest.fixture
def province_officer(units):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=units["P"])


@pytest.fixture
def other_province_officer(units):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=units["Q"])


@pytest.fixture
def front_officer(units, former_orgs):
    return UserFactory(role=Role.PARTNER_OFFICER, unit=units["P"], organisation=former_orgs[1])


@pytest.fixture
def department_officer(units, former_orgs):
    return UserFactory(role=Role.PARTNER_OFFICER, unit=units["P"], organisation=former_orgs[0])
