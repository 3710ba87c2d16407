"""Who may do what, where: the one place every view and API endpoint asks.

A user is attached to one unit. Data owned by a unit is visible to them when the unit lies in
their unit's subtree, or in a historic unit whose lineage leads into it (a former Hải Dương
commune's records under today's Hải Phòng). Partner organisations' officers see their own
organisation's records and only aggregates of the rest.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from giamngheo.accounts.models import Role, User
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.geo.selectors import scope_roots


class Capability:
    READ_RECORDS = "read_records"  # household-level and personal data
    EDIT_RECORDS = "edit_records"
    COLLECT_ANSWERS = "collect_answers"  # enter survey answers during a round
    APPROVE_ROUNDS = "approve_rounds"
    READ_AGGREGATES = "read_aggregates"
    READ_PROGRAMS = "read_programs"
    EDIT_PROGRAMS = "edit_programs"  # partner officers: only their organisation's
    MANAGE_UNITS = "manage_units"  # villages below a commune
    # Set by a provincial decision (targets assigned to each unit, "chỉ tiêu giao"; the first
    # year's lists as the province's decision recognised them), never by the unit measured.
    SET_TARGETS = "set_targets"
    RECORD_BASELINES = "record_baselines"
    # Open, change and close accounts; which roles and units is the grant table MANAGED_ROLES.
    MANAGE_USERS = "manage_users"


C = Capability
_READ_ALL = {C.READ_RECORDS, C.READ_AGGREGATES, C.READ_PROGRAMS}

_ROLE_BASE: dict[str, frozenset[str]] = {
    Role.ENUMERATOR: frozenset({C.READ_RECORDS, C.COLLECT_ANSWERS, C.READ_AGGREGATES}),
    Role.VILLAGE_HEAD: frozenset({C.READ_RECORDS, C.READ_AGGREGATES, C.READ_PROGRAMS}),
    Role.COMMUNE_OFFICER: frozenset(
        _READ_ALL | {C.EDIT_RECORDS, C.COLLECT_ANSWERS, C.EDIT_PROGRAMS, C.MANAGE_UNITS}
    ),
    Role.COMMUNE_CHAIRMAN: frozenset(
        _READ_ALL
        | {C.EDIT_RECORDS, C.APPROVE_ROUNDS, C.EDIT_PROGRAMS, C.MANAGE_UNITS, C.MANAGE_USERS}
    ),
    Role.PROVINCE_OFFICER: frozenset(
        _READ_ALL | {C.EDIT_RECORDS, C.EDIT_PROGRAMS, C.MANAGE_UNITS, C.MANAGE_USERS}
    ),
    Role.PARTNER_OFFICER: frozenset({C.READ_AGGREGATES, C.READ_PROGRAMS, C.EDIT_PROGRAMS}),
    Role.AUDITOR: frozenset(_READ_ALL),
    Role.SYSTEM_ADMIN: frozenset(
        _READ_ALL
        | {
            C.EDIT_RECORDS,
            C.COLLECT_ANSWERS,
            C.APPROVE_ROUNDS,
            C.EDIT_PROGRAMS,
            C.MANAGE_UNITS,
            C.MANAGE_USERS,
        }
    ),
}

# The province's own decisions, written out cell by cell so a reader sees who may not.
PROVINCE_DECISIONS: dict[str, dict[str, bool]] = {
    Role.ENUMERATOR: {C.SET_TARGETS: False, C.RECORD_BASELINES: False},
    Role.VILLAGE_HEAD: {C.SET_TARGETS: False, C.RECORD_BASELINES: False},
    Role.COMMUNE_OFFICER: {C.SET_TARGETS: False, C.RECORD_BASELINES: False},
    Role.COMMUNE_CHAIRMAN: {C.SET_TARGETS: False, C.RECORD_BASELINES: False},
    Role.PROVINCE_OFFICER: {C.SET_TARGETS: True, C.RECORD_BASELINES: True},
    Role.PARTNER_OFFICER: {C.SET_TARGETS: False, C.RECORD_BASELINES: False},
    Role.AUDITOR: {C.SET_TARGETS: False, C.RECORD_BASELINES: False},
    Role.SYSTEM_ADMIN: {C.SET_TARGETS: True, C.RECORD_BASELINES: True},
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    role: base | {cap for cap, allowed in PROVINCE_DECISIONS[role].items() if allowed}
    for role, base in _ROLE_BASE.items()
}

# Held only by someone attached to a province (or to no unit: the system administrator), so a
# province officer mistakenly attached to a commune still cannot set that commune's targets.
PROVINCE_LEVEL = {C.SET_TARGETS, C.RECORD_BASELINES}

# Capabilities that a partner officer holds only for their own organisation's records.
ORGANISATION_BOUND = {C.EDIT_PROGRAMS}


def has_capability(actor: User, capability: str) -> bool:
    if not actor.is_active or capability not in ROLE_CAPABILITIES.get(actor.role, frozenset()):
        return False
    if capability in PROVINCE_LEVEL and actor.unit_id is not None:
        return actor.unit.level == Level.PROVINCE
    return True


def actor_roots(actor: User) -> list[AdminUnit] | None:
    """The roots of the actor's territory; None means everywhere (system administrator)."""
    if actor.role == Role.SYSTEM_ADMIN and actor.unit_id is None:
        return None
    if actor.unit_id is None:
        return []
    cache = actor.__dict__.setdefault("_scope_roots_cache", {})
    if actor.unit_id not in cache:
        cache[actor.unit_id] = scope_roots(actor.unit)
    return cache[actor.unit_id]


def unit_q(actor: User, unit_field: str = "unit") -> Q:
    """Rows whose `unit_field` lies in the actor's territory."""
    roots = actor_roots(actor)
    if roots is None:
        return Q()
    return AdminUnit.objects.within(roots, field=unit_field)


def scoped(
    queryset: QuerySet,
    actor: User,
    capability: str,
    *,
    unit_field: str = "unit",
    organisation_field: str | None = None,
) -> QuerySet:
    """The rows of `queryset` that `actor` may use for `capability`; empty when not allowed."""
    if not has_capability(actor, capability):
        return queryset.none()
    queryset = queryset.filter(unit_q(actor, unit_field))
    if (
        organisation_field
        and actor.role == Role.PARTNER_OFFICER
        and capability in ORGANISATION_BOUND
    ):
        queryset = queryset.filter(**{organisation_field: actor.organisation_id})
    return queryset


def unit_allowed(actor: User, unit: AdminUnit) -> bool:
    roots = actor_roots(actor)
    return roots is None or any(root.contains(unit) for root in roots)


def can(
    actor: User,
    capability: str,
    unit: AdminUnit,
    *,
    organisation_id: int | None = None,
) -> bool:
    if not has_capability(actor, capability) or not unit_allowed(actor, unit):
        return False
    if actor.role == Role.PARTNER_OFFICER and capability in ORGANISATION_BOUND:
        return organisation_id is not None and organisation_id == actor.organisation_id
    return True


def require(
    actor: User, capability: str, unit: AdminUnit, *, organisation_id: int | None = None
) -> None:
    if not can(actor, capability, unit, organisation_id=organisation_id):
        raise PermissionDenied(_("This is outside your unit or your role."))


def unit_manager(actor: User) -> Callable[[AdminUnit], bool]:
    """The rule geo's villages import applies to each commune for `actor` (geo sits below accounts)."""
    return lambda unit: can(actor, Capability.MANAGE_UNITS, unit)


# Who opens, changes and closes whose account. The system administrator manages every role in every
# unit; a provincial department officer the province's people; a commune chairman the commune's own
# officers, village heads and enumerators. Districts were abolished on 1/7/2025, so the scopes are the
# province and the commune. No other role manages accounts.
MANAGED_ROLES: dict[str, frozenset[str]] = {
    Role.PROVINCE_OFFICER: frozenset(
        {
            Role.PROVINCE_OFFICER,
            Role.PARTNER_OFFICER,
            Role.AUDITOR,
            Role.COMMUNE_CHAIRMAN,
            Role.COMMUNE_OFFICER,
            Role.VILLAGE_HEAD,
            Role.ENUMERATOR,
        }
    ),
    Role.COMMUNE_CHAIRMAN: frozenset({Role.COMMUNE_OFFICER, Role.VILLAGE_HEAD, Role.ENUMERATOR}),
}


def is_administrator(actor: User) -> bool:
    return actor.is_active and (actor.role == Role.SYSTEM_ADMIN or actor.is_superuser)


def can_manage_users(actor: User) -> bool:
    """Whether the actor manages any accounts at all (the user pages and the admin ask this)."""
    return is_administrator(actor) or (actor.is_active and actor.role in MANAGED_ROLES)


def can_grant(actor: User, role: str, unit: AdminUnit | None) -> bool:
    """Whether the actor may give `role` in `unit` to an account: only roles of their line of
    the table, only in today's units inside their own unit, so no one widens anyone's reach."""
    if is_administrator(actor):
        return True
    if not actor.is_active or role not in MANAGED_ROLES.get(actor.role, frozenset()):
        return False
    if unit is None or actor.unit is None or unit.valid_to is not None:
        return False
    return actor.unit.contains(unit)


def can_manage_user(actor: User, user: User) -> bool:
    """Whether the actor may change, close or reset the password of `user` as the account is now."""
    if user.is_superuser and not actor.is_superuser:
        return False
    return can_grant(actor, user.role, user.unit)
