"""Reads of the registry, always through the actor's territory (accounts.scoping)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can, scoped
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.history import action_label
from giamngheo.households.models import (
    Household,
    HouseholdStatus,
    LifeEvent,
    Member,
    mask_citizen_id,
)
from giamngheo.households.text import fold, tokens


def search_q(query: str, *, path: str = "") -> Q:
    """The registry's search: every word of `query`, with or without tone marks, in a household's
    code, head, address or member names. `path` reaches the household from another model
    (`"household__"`), so every list that searches households searches the same way."""
    condition = Q()
    for token in tokens(query or ""):
        # search_text is stored folded, so a case-sensitive LIKE is right and lets PostgreSQL
        # answer it from the trigram index.
        condition &= Q(**{f"{path}search_text__contains": token})
    return condition


def household_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Household]:
    """Households the actor may read, narrowed by `q` (any words, with or without tone marks),
    `unit` (a village id) and `status`."""
    filters = filters or {}
    households = scoped(Household.objects.all(), actor, Capability.READ_RECORDS)
    households = households.filter(search_q(filters.get("q") or ""))
    if filters.get("unit"):
        households = households.filter(unit_id=filters["unit"])
    if filters.get("status") in HouseholdStatus.values:
        households = households.filter(status=filters["status"])
    return households.select_related("unit")


def household_get(*, actor: User, pk: int, capability: str = Capability.READ_RECORDS) -> Household:
    household = (
        scoped(Household.objects.all(), actor, capability)
        .select_related("unit")
        .filter(pk=pk)
        .first()
    )
    if household is None:
        raise Http404
    return household


def member_get(*, actor: User, pk: int, capability: str = Capability.EDIT_RECORDS) -> Member:
    member = (
        scoped(Member.objects.all(), actor, capability, unit_field="household__unit")
        .select_related("household__unit")
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise Http404
    return member


def villages_for(*, actor: User, capability: str = Capability.READ_RECORDS) -> QuerySet[AdminUnit]:
    """The villages a household may be filed under for this actor (today's units only)."""
    villages = AdminUnit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True)
    return (
        scoped(villages, actor, capability, unit_field="")
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def can_see_citizen_ids(*, actor: User, household: Household) -> bool:
    """Full numbers only for those who may edit this household: the Personal Data Protection Law
    (Law 91/2025/QH15) limits personal data to what the purpose needs."""
    return can(actor, Capability.EDIT_RECORDS, household.unit)


@dataclass(frozen=True)
class MembersForDisplay:
    members: list[Member]
    unmasked: bool

    @property
    def reveals_citizen_ids(self) -> bool:
        """Whether showing this list is processing of personal data that must be logged."""
        return self.unmasked and any(m.citizen_id for m in self.members)


def household_members_for_display(*, actor: User, household: Household) -> MembersForDisplay:
    """The members, and whether their citizen IDs are shown in full.

    The caller logs the showing through `personal_data_access_record` when it
    `reveals_citizen_ids`; a selector never writes.
    """
    members = list(household.members.order_by("member_no"))
    return MembersForDisplay(members, can_see_citizen_ids(actor=actor, household=household))


@dataclass(frozen=True)
class DuplicateCandidate:
    member_index: int
    full_name: str
    household_code: str
    household_pk: int | None


def likely_duplicates(
    *,
    actor: User,
    unit: AdminUnit,
    people: list[tuple[int, str, dt.date]],
    exclude_pks: list[int] | None = None,
) -> list[DuplicateCandidate]:
    """Registered people in the same village with the same name (tone marks ignored) and birth date."""
    if not people:
        return []
    dates = {dob for _, _, dob in people}
    rows = (
        Member.objects.filter(household__unit=unit, date_of_birth__in=dates)
        .exclude(pk__in=exclude_pks or [])
        .select_related("household__unit")
    )
    found = []
    for other in rows:
        for index, name, dob in people:
            if other.date_of_birth == dob and fold(other.full_name) == fold(name):
                visible = can(actor, Capability.READ_RECORDS, other.household.unit)
                found.append(
                    DuplicateCandidate(
                        index,
                        other.full_name,
                        other.household.code,
                        other.household_id if visible else None,
                    )
                )
    return found


def household_history(*, household: Household, limit: int = 200) -> list[dict[str, Any]]:
    """Who changed what and why, newest first, household and members together.

    Citizen IDs appear masked: the history is read by anyone who may read the household.
    """
    records = list(household.history.select_related("history_user")[:limit])
    records += list(
        Member.history.filter(household_id=household.pk).select_related("history_user")[:limit]
    )
    records += list(
        LifeEvent.history.filter(household_id=household.pk).select_related("history_user")[:limit]
    )
    records.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    entries = []
    for record in records[:limit]:
        changes = []
        if record.history_type == "~" and record.prev_record is not None:
            delta = record.diff_against(record.prev_record)
            for change in delta.changes:
                old, new = change.old, change.new
                if change.field == "citizen_id":
                    old, new = mask_citizen_id(old), mask_citizen_id(new)
                field = record.instance_type._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _display(field, old),
                        "new": _display(field, new),
                    }
                )
        entries.append(
            {
                "record": record,
                "action": action_label(record.history_type),
                "model": record.instance_type._meta.verbose_name,
                "label": _label(record),
                "changes": changes,
            }
        )
    return entries


def _display(field: Any, value: Any) -> Any:
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else None
    if choices and value in choices:
        return choices[value]
    if value is True or value is False:
        return gettext("yes") if value else gettext("no")
    return value if value not in (None, "") else "—"


def _label(record: Any) -> str:
    if hasattr(record, "full_name"):
        return record.full_name
    if hasattr(record, "kind"):
        return record.get_kind_display()
    return record.code
