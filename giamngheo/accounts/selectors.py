from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from giamngheo.accounts.models import Organisation, Role, User
from giamngheo.accounts.scoping import MANAGED_ROLES, ROLE_CAPABILITIES, is_administrator, unit_q
from giamngheo.geo.models import AdminUnit, Level, q_within
from giamngheo.geo.selectors import unit_predecessors
from giamngheo.history import action_label


@dataclass(frozen=True)
class HomeSummary:
    role_label: str
    unit: AdminUnit | None
    capabilities: list[str]
    historic_units: list[AdminUnit]
    communes: int
    villages: int


def home_summary(*, actor: User) -> HomeSummary:
    units = AdminUnit.objects.filter(unit_q(actor, unit_field=""))
    historic = [edge.unit for edge in unit_predecessors(actor.unit)] if actor.unit_id else []
    return HomeSummary(
        role_label=Role(actor.role).label if actor.role else "",
        unit=actor.unit,
        capabilities=sorted(ROLE_CAPABILITIES.get(actor.role, ())),
        historic_units=historic[:20],
        communes=units.filter(level=Level.COMMUNE, valid_to__isnull=True).count(),
        villages=units.filter(level=Level.VILLAGE).count(),
    )


def _manageable_q(actor: User) -> Q:
    """The accounts `actor` manages, as `scoping.can_manage_user` decides one by one: the roles
    of their line of the grant table, attached to today's units inside their own."""
    if not actor.is_active:
        return Q(pk__in=[])
    q = Q() if actor.is_superuser else Q(is_superuser=False)
    if is_administrator(actor):
        return q
    roles = MANAGED_ROLES.get(actor.role, frozenset())
    if not roles or actor.unit is None:
        return Q(pk__in=[])
    return q & Q(role__in=roles, unit__valid_to__isnull=True) & q_within(actor.unit, "unit")


def user_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[User]:
    """The accounts the actor manages, filtered by unit (its subtree), role, active and a search
    over username and names."""
    filters = filters or {}
    users = User.objects.filter(_manageable_q(actor)).select_related("unit", "organisation")
    if filters.get("unit") is not None:
        users = users.filter(q_within(filters["unit"], "unit"))
    if filters.get("role"):
        users = users.filter(role=filters["role"])
    if filters.get("active") in (True, False):
        users = users.filter(is_active=filters["active"])
    for word in (filters.get("q") or "").split():
        users = users.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
        )
    return users.order_by("unit__path", "username")


def user_get(*, actor: User, pk: int) -> User:
    """One account the actor manages; any other is "not found", whether it exists or not."""
    return get_object_or_404(user_list(actor=actor), pk=pk)


def user_history(*, user: User, limit: int = 200) -> list[dict[str, Any]]:
    """Every change to the account, newest first: when, who, what changed and why."""
    records = list(user.history.select_related("history_user").order_by("-history_date")[:limit])
    entries = []
    for record in records:
        changes = []
        previous = record.prev_record
        if record.history_type == "~" and previous is not None:
            for change in record.diff_against(previous).changes:
                field = User._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _display(field, change.old),
                        "new": _display(field, change.new),
                    }
                )
        entries.append(
            {"record": record, "action": action_label(record.history_type), "changes": changes}
        )
    return entries


def _display(field: Any, value: Any) -> Any:
    if value in (None, ""):
        return "—"
    if field.is_relation:
        target = field.related_model.objects.filter(pk=value).first()
        return str(target) if target is not None else value
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else None
    if choices and value in choices:
        return choices[value]
    if value is True or value is False:
        return gettext("yes") if value else gettext("no")
    return value


def grantable_roles(actor: User) -> list[tuple[str, str]]:
    """The roles the actor may give, in the table's order, with their labels."""
    if is_administrator(actor):
        return list(Role.choices)
    roles = MANAGED_ROLES.get(actor.role, frozenset()) if actor.is_active else frozenset()
    return [(value, label) for value, label in Role.choices if value in roles]


def unit_by_code(code: str) -> AdminUnit | None:
    """Today's unit with this official code; None when there is none or the code is ambiguous."""
    units = list(AdminUnit.objects.current().filter(code=code.strip())[:2])
    return units[0] if len(units) == 1 else None


def organisations_for(actor: User) -> QuerySet[Organisation]:
    """Organisations an account the actor opens may belong to: those inside the actor's unit."""
    organisations = Organisation.objects.select_related("unit")
    if is_administrator(actor):
        return organisations
    if actor.unit is None:
        return organisations.none()
    return organisations.filter(q_within(actor.unit, "unit"))
