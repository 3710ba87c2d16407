"""Who may open which account where: the whole grant table, through the accounts services.

The table is written out here on its own, from the rule as the province states it, so that the
code's table (`accounts.scoping.MANAGED_ROLES`) is checked against it rather than against itself.
"""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from giamngheo.accounts.models import Role, User
from giamngheo.accounts.services import password_set, user_create, user_deactivate, user_update
from giamngheo.accounts.tests.factories import (
    OrganisationFactory,
    UserFactory,
    build_small_province,
)

pytestmark = pytest.mark.django_db

STRONG = "mật-khẩu-đủ-dài-2025"
PROVINCE_PEOPLE = {
    Role.PROVINCE_OFFICER,
    Role.PARTNER_OFFICER,
    Role.AUDITOR,
    Role.COMMUNE_CHAIRMAN,
    Role.COMMUNE_OFFICER,
    Role.VILLAGE_HEAD,
    Role.ENUMERATOR,
}
COMMUNE_PEOPLE = {Role.COMMUNE_OFFICER, Role.VILLAGE_HEAD, Role.ENUMERATOR}
# Where each managing role sits in the test province, and the units it may give accounts in.
HOME = {Role.PROVINCE_OFFICER: "P", Role.COMMUNE_CHAIRMAN: "A"}
REACH = {
    Role.PROVINCE_OFFICER: {"P", "A", "A1", "A2", "B", "B1"},
    Role.COMMUNE_CHAIRMAN: {"A", "A1", "A2"},
}
# Own province and commune, their villages, a neighbouring commune, another province, a former commune.
TARGET_UNITS = ["P", "A", "A1", "B", "B1", "Q", "C", "FA"]


def expected(actor_role: str, role: str, unit: str) -> bool:
    if actor_role == Role.SYSTEM_ADMIN:
        return True
    if actor_role == Role.PROVINCE_OFFICER:
        return role in PROVINCE_PEOPLE and unit in REACH[actor_role]
    if actor_role == Role.COMMUNE_CHAIRMAN:
        return role in COMMUNE_PEOPLE and unit in REACH[actor_role]
    return False


def _actor(role: str, units) -> User:
    unit = None if role == Role.SYSTEM_ADMIN else units[HOME.get(role, "A")]
    organisation = OrganisationFactory(unit=units["P"]) if role == Role.PARTNER_OFFICER else None
    return UserFactory(role=role, unit=unit, organisation=organisation)


def test_every_role_gives_exactly_the_roles_and_units_of_the_grant_table():
    units = build_small_province()
    organisation = OrganisationFactory(unit=units["P"])
    wrong = []
    for actor_role in Role.values:
        actor = _actor(actor_role, units)
        for number, (role, unit) in enumerate(itertools.product(Role.values, TARGET_UNITS)):
            try:
                user_create(
                    actor=actor,
                    username=f"{actor_role[:6]}-{number}",
                    password=STRONG,
                    role=role,
                    unit=units[unit],
                    organisation=organisation if role == Role.PARTNER_OFFICER else None,
                )
                granted = True
            except PermissionDenied:
                granted = False
            if granted != expected(actor_role, role, unit):
                wrong.append((actor_role, role, unit, granted))
    assert not wrong, wrong


@pytest.mark.parametrize("manager_role", [Role.PROVINCE_OFFICER, Role.COMMUNE_CHAIRMAN])
def test_a_manager_changes_closes_and_resets_only_accounts_inside_their_reach(manager_role):
    units = build_small_province()
    manager = _actor(manager_role, units)
    own = UserFactory(role=Role.ENUMERATOR, unit=units["A1"])
    other = UserFactory(role=Role.ENUMERATOR, unit=units["C1"])
    user_update(actor=manager, user=own, data={"unit": units["A2"]}, reason="chuyển thôn")
    password_set(actor=manager, user=own, password=STRONG)
    user_deactivate(actor=manager, user=own, reason="nghỉ việc")
    own.refresh_from_db()
    assert (own.unit, own.is_active) == (units["A2"], False)
    for action in (
        lambda: user_update(actor=manager, user=other, data={"first_name": "X"}, reason="x"),
        lambda: password_set(actor=manager, user=other, password=STRONG),
        lambda: user_deactivate(actor=manager, user=other, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            action()
    other.refresh_from_db()
    assert other.is_active


def test_a_commune_chairman_cannot_promote_an_officer_or_move_them_out_of_the_commune():
    units = build_small_province()
    chairman = _actor(Role.COMMUNE_CHAIRMAN, units)
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"])
    with pytest.raises(PermissionDenied):
        user_update(actor=chairman, user=officer, data={"role": Role.PROVINCE_OFFICER}, reason="x")
    with pytest.raises(PermissionDenied):
        user_update(actor=chairman, user=officer, data={"unit": units["B"]}, reason="x")
    with pytest.raises(PermissionDenied):
        user_update(actor=chairman, user=officer, data={"is_staff": True}, reason="x")
    officer.refresh_from_db()
    assert (officer.role, officer.unit, officer.is_staff) == (
        Role.COMMUNE_OFFICER,
        units["A"],
        False,
    )


def test_a_province_officer_cannot_manage_the_system_administrator():
    units = build_small_province()
    officer = _actor(Role.PROVINCE_OFFICER, units)
    admin = UserFactory(role=Role.SYSTEM_ADMIN, unit=None)
    with pytest.raises(PermissionDenied):
        password_set(actor=officer, user=admin, password=STRONG)
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=officer, user=admin, reason="x")
