"""Each role × own unit / sibling / parent / historic predecessor × read / write.

Targets are records owned by a unit (here: an organisation registered at that unit). "Historic"
is a record of the former commune FA, which merged into today's commune A on 1 July 2025.
"""

import pytest

from giamngheo.accounts.models import Organisation, Role
from giamngheo.accounts.scoping import Capability, can, scoped
from giamngheo.accounts.tests.factories import (
    OrganisationFactory,
    UserFactory,
    build_small_province,
)

READ, WRITE = Capability.READ_RECORDS, Capability.EDIT_RECORDS

# persona: (role, home unit, {target: (may read, may write)}); a missing target does not apply.
MATRIX = {
    "enumerator": (
        Role.ENUMERATOR,
        "A",
        {
            "own": (True, False),
            "sibling": (False, False),
            "parent": (False, False),
            "historic": (True, False),
        },
    ),
    "village_head": (
        Role.VILLAGE_HEAD,
        "A1",
        {
            "own": (True, False),
            "sibling": (False, False),
            "parent": (False, False),
            "historic": (False, False),
        },
    ),
    "commune_officer": (
        Role.COMMUNE_OFFICER,
        "A",
        {
            "own": (True, True),
            "sibling": (False, False),
            "parent": (False, False),
            "historic": (True, True),
        },
    ),
    "commune_chairman": (
        Role.COMMUNE_CHAIRMAN,
        "A",
        {
            "own": (True, True),
            "sibling": (False, False),
            "parent": (False, False),
            "historic": (True, True),
        },
    ),
    "province_officer": (
        Role.PROVINCE_OFFICER,
        "P",
        {"own": (True, True), "sibling": (False, False), "historic": (True, True)},
    ),
    "partner_officer": (
        Role.PARTNER_OFFICER,
        "P",
        {"own": (False, False), "sibling": (False, False), "historic": (False, False)},
    ),
    "auditor": (
        Role.AUDITOR,
        "A",
        {
            "own": (True, False),
            "sibling": (False, False),
            "parent": (False, False),
            "historic": (True, False),
        },
    ),
    "system_admin": (
        Role.SYSTEM_ADMIN,
        None,
        {
            "own": (True, True),
            "sibling": (True, True),
            "parent": (True, True),
            "historic": (True, True),
        },
    ),
}

# Which unit each target means, from the persona's home unit.
TARGETS = {
    "A": {"own": "A1", "sibling": "B1", "parent": "P", "historic": "FA1"},
    "A1": {"own": "A1", "sibling": "A2", "parent": "A", "historic": "FA1"},
    "P": {"own": "A1", "sibling": "C1", "historic": "FA1"},
    None: {"own": "A1", "sibling": "B1", "parent": "P", "historic": "FA1"},
}

CASES = [
    (persona, target, action)
    for persona, (_, _, expected) in MATRIX.items()
    for target in expected
    for action in ("read", "write")
]


@pytest.fixture
def world(db):
    units = build_small_province()
    records = {
        name: OrganisationFactory(unit=unit, name=f"Org at {name}") for name, unit in units.items()
    }
    front = records["P"]
    return units, records, front


@pytest.mark.parametrize(("persona", "target", "action"), CASES)
def test_permission_matrix(world, persona, target, action):
    units, records, front = world
    role, home, expected = MATRIX[persona]
    user = UserFactory(
        role=role,
        unit=units[home] if home else None,
        organisation=front if role == Role.PARTNER_OFFICER else None,
    )
    unit_name = TARGETS[home][target]
    capability = READ if action == "read" else WRITE
    allowed = expected[target][0 if action == "read" else 1]

    assert can(user, capability, units[unit_name]) is allowed
    visible = scoped(Organisation.objects.all(), user, capability)
    assert visible.filter(pk=records[unit_name].pk).exists() is allowed


def test_commune_officer_cannot_see_other_commune(world):
    units, records, _ = world
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"])
    names = set(
        scoped(Organisation.objects.all(), officer, READ).values_list("unit__name", flat=True)
    )
    assert names == {"Xã A", "Thôn A1", "Thôn A2", "Xã FA", "Thôn FA1"}


def test_province_officer_sees_former_province_through_lineage(world):
    units, records, _ = world
    officer = UserFactory(role=Role.PROVINCE_OFFICER, unit=units["P"])
    visible = scoped(Organisation.objects.all(), officer, READ)
    assert visible.filter(unit=units["FD"]).exists()
    assert not visible.filter(unit=units["Q"]).exists()


def test_partner_edits_only_own_organisation_programs(world):
    units, records, front = world
    partner = UserFactory(role=Role.PARTNER_OFFICER, unit=units["P"], organisation=front)
    other = records["A"]
    assert can(partner, Capability.EDIT_PROGRAMS, units["P"], organisation_id=front.pk)
    assert not can(partner, Capability.EDIT_PROGRAMS, units["A"], organisation_id=other.pk)
    editable = scoped(
        Organisation.objects.all(), partner, Capability.EDIT_PROGRAMS, organisation_field="pk"
    )
    assert list(editable) == [front]
    assert can(partner, Capability.READ_AGGREGATES, units["A1"])


def test_inactive_user_has_no_rights(world):
    units, _, _ = world
    user = UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"], is_active=False)
    assert not can(user, READ, units["A1"])
