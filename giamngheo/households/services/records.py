"""Creating and editing households and their members."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can, require
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.households import rules
from giamngheo.households.models import Household, Member
from giamngheo.households.selectors import likely_duplicates
from giamngheo.households.services.common import (
    ErrorCollector,
    PossibleDuplicates,
    RecordInvalid,
    clean_reason,
    require_reason,
    save_audited,
    stamp,
    sync_household,
)
from giamngheo.households.vocab import PovertyCause, Relation

HOUSEHOLD_FIELDS = (
    "code",
    "address",
    "head_name",
    "area",
    "head_ethnicity",
    "phone",
    "has_merit_person",
    "social_protection",
    "no_working_capacity",
    "causes",
)
MEMBER_FIELDS = (
    "full_name",
    "sex",
    "date_of_birth",
    "relation",
    "citizen_id",
    "ethnicity",
    "in_school",
    "diploma",
    "vocational_training",
    "health_insurance",
    "disability",
    "employment",
    "working_capacity",
    "social_allowance",
    "child_nutrition",
    "is_merit_person",
    "left_on",
)


def _today() -> dt.date:
    return timezone.localdate()


def _apply(obj: Any, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    for field in fields:
        if field in data:
            value = data[field]
            if isinstance(value, str):
                value = value.strip()
            setattr(obj, field, value)


def _field_errors(obj: Any, errors: ErrorCollector, member: int | None, exclude: list[str]) -> None:
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                errors.add(field, message, member)


def _check_village(unit: AdminUnit, errors: ErrorCollector) -> None:
    if unit.level != Level.VILLAGE:
        errors.add(
            "unit",
            _("Choose a village or residential group, not a %(level)s.")
            % {"level": unit.get_level_display()},
        )


def _check_causes(causes: list, errors: ErrorCollector) -> None:
    unknown = [c for c in causes or [] if c not in PovertyCause.values]
    if unknown:
        errors.add(
            "causes", _("Unknown cause codes: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
        )


def _check_members(
    *,
    actor: User,
    unit: AdminUnit,
    changed: list[tuple[int, Member]],
    others: list[Member],
    errors: ErrorCollector,
    confirm_duplicates: bool,
    require_head: bool,
) -> None:
    """Field, age, head and citizen-ID checks over `changed` members, against `others` kept as they are."""
    today = _today()
    everyone = [m for _, m in changed] + others
    heads = [m for m in everyone if m.relation == Relation.HEAD and m.left_on is None]
    if len(heads) > 1 or (require_head and not heads):
        target = next(
            (i for i, m in changed if m.relation == Relation.HEAD),
            changed[0][0] if changed else None,
        )
        errors.add("relation", rules.MSG_ONE_HEAD, target)
    head_dob = heads[0].date_of_birth if len(heads) == 1 else None
    seen_ids: dict[str, int] = {m.citizen_id: -1 for m in others if m.citizen_id}
    for index, member in changed:
        _field_errors(member, errors, index, exclude=["household", "member_no"])
        for message in (
            rules.birth_date_error(member.date_of_birth, today),
            rules.relation_error(member.relation, member.date_of_birth, head_dob, today),
        ):
            if message:
                errors.add("date_of_birth", message, index)
        if member.citizen_id:
            if member.citizen_id in seen_ids:
                errors.add(
                    "citizen_id", _("The same citizen ID number is given to two members."), index
                )
            seen_ids[member.citizen_id] = index
    _check_citizen_ids(actor=actor, changed=changed, errors=errors)
    if errors.household or errors.members or confirm_duplicates:
        return
    exclude = [m.pk for _, m in changed if m.pk]
    people = [(i, m.full_name, m.date_of_birth) for i, m in changed if m.date_of_birth]
    matches = likely_duplicates(actor=actor, unit=unit, people=people, exclude_pks=exclude)
    if matches:
        raise PossibleDuplicates(matches)


def _check_citizen_ids(
    *, actor: User, changed: list[tuple[int, Member]], errors: ErrorCollector
) -> None:
    wanted = {m.citizen_id: i for i, m in changed if rules.is_citizen_id(m.citizen_id)}
    if not wanted:
        return
    own = {m.pk for _, m in changed if m.pk}
    clashes = (
        Member.objects.filter(citizen_id__in=wanted)
        .exclude(pk__in=own)
        .select_related("household__unit")
    )
    for other in clashes:
        household = other.household
        if can(actor, Capability.READ_RECORDS, household.unit):
            message = _(
                "This citizen ID number is already recorded for %(name)s in household %(code)s. "
                "One person belongs to one household: merge the two households or correct the number."
            ) % {"name": other.full_name, "code": household.code}
        else:
            message = _(
                "This citizen ID number is already recorded in a household outside your unit. "
                "Check the number, or ask that commune to record the person's move."
            )
        errors.add("citizen_id", message, wanted[other.citizen_id])


def _next_member_no(household: Household) -> int:
    return (household.members.aggregate(n=Max("member_no"))["n"] or 0) + 1


@transaction.atomic
def household_create(
    *,
    actor: User,
    unit: AdminUnit,
    data: Mapping[str, Any],
    members: list[Mapping[str, Any]] | None = None,
    reason: str = "",
    confirm_duplicates: bool = False,
) -> Household:
    """A new household with its members; the first head's name becomes `head_name`."""
    require(actor, Capability.EDIT_RECORDS, unit)
    errors = ErrorCollector()
    _check_village(unit, errors)
    household = Household(unit=unit)
    _apply(household, data, HOUSEHOLD_FIELDS)
    household.causes = list(household.causes or [])
    if not household.area:
        commune = unit.commune()
        household.area = (commune.area if commune else "") or ""
    member_objs = [Member(household=household) for _ in members or []]
    for obj, values in zip(member_objs, members or [], strict=True):
        _apply(obj, values, MEMBER_FIELDS)
    head = next((m for m in member_objs if m.relation == Relation.HEAD), None)
    if head and head.full_name:
        household.head_name = head.full_name
    _field_errors(household, errors, None, exclude=["unit", "search_text"])
    _check_causes(household.causes, errors)
    if household.code and Household.objects.filter(code=household.code).exists():
        errors.add(
            "code", _("This household code is already used; each household has its own code.")
        )
    _check_members(
        actor=actor,
        unit=unit,
        changed=list(enumerate(member_objs)),
        others=[],
        errors=errors,
        confirm_duplicates=confirm_duplicates,
        require_head=bool(member_objs),
    )
    errors.raise_if_any()
    reason = clean_reason(reason, _("Registered"))
    stamp(household, actor, reason)
    household.save()
    for number, member in enumerate(member_objs, start=1):
        member.household = household
        member.member_no = number
        stamp(member, actor, reason)
        member.save()
    sync_household(household, actor, reason)
    return household


@transaction.atomic
def household_update(
    *, actor: User, household: Household, data: Mapping[str, Any], reason: str
) -> Household:
    """Change a household's own fields; the code stays, it is how imports find the household."""
    require(actor, Capability.EDIT_RECORDS, household.unit)
    reason = require_reason(reason)
    errors = ErrorCollector()
    unit = data.get("unit") or household.unit
    if unit != household.unit:
        require(actor, Capability.EDIT_RECORDS, unit)
        _check_village(unit, errors)
    household.unit = unit
    fields = [f for f in HOUSEHOLD_FIELDS if f != "code"]
    if household.members.filter(relation=Relation.HEAD).exists():
        fields.remove("head_name")
    _apply(household, data, fields)
    _field_errors(household, errors, None, exclude=["unit", "search_text"])
    _check_causes(household.causes, errors)
    errors.raise_if_any()
    save_audited(household, actor, reason)
    sync_household(household, actor, reason)
    return household


@transaction.atomic
def member_add(
    *,
    actor: User,
    household: Household,
    data: Mapping[str, Any],
    reason: str = "",
    confirm_duplicates: bool = False,
) -> Member:
    require(actor, Capability.EDIT_RECORDS, household.unit)
    member = Member(household=household)
    _apply(member, data, MEMBER_FIELDS)
    errors = ErrorCollector()
    _check_members(
        actor=actor,
        unit=household.unit,
        changed=[(0, member)],
        others=list(household.members.all()),
        errors=errors,
        confirm_duplicates=confirm_duplicates,
        require_head=False,
    )
    _raise_flat(errors)
    reason = clean_reason(reason, _("Member added"))
    member.member_no = _next_member_no(household)
    stamp(member, actor, reason)
    member.save()
    sync_household(household, actor, reason)
    return member


@transaction.atomic
def member_update(
    *,
    actor: User,
    member: Member,
    data: Mapping[str, Any],
    reason: str,
    confirm_duplicates: bool = False,
) -> Member:
    household = member.household
    require(actor, Capability.EDIT_RECORDS, household.unit)
    reason = require_reason(reason)
    _apply(member, data, MEMBER_FIELDS)
    errors = ErrorCollector()
    _check_members(
        actor=actor,
        unit=household.unit,
        changed=[(0, member)],
        others=list(household.members.exclude(pk=member.pk)),
        errors=errors,
        confirm_duplicates=confirm_duplicates,
        require_head=False,
    )
    _raise_flat(errors)
    stamp(member, actor, reason)
    member.save()
    sync_household(household, actor, reason)
    return member


@transaction.atomic
def member_remove(*, actor: User, member: Member, reason: str) -> None:
    """Delete a member entered by mistake; someone who left keeps their row with `left_on`."""
    household = member.household
    require(actor, Capability.EDIT_RECORDS, household.unit)
    reason = require_reason(reason)
    if member.relation == Relation.HEAD and household.members.exclude(pk=member.pk).exists():
        raise RecordInvalid(
            {"relation": [_("Make another member the head before removing the head.")]}
        )
    stamp(member, actor, reason)
    member.delete()
    sync_household(household, actor, reason)


def _raise_flat(errors: ErrorCollector) -> None:
    """A single member's errors keyed by field, as a member form expects them."""
    if errors.household or errors.members:
        raise RecordInvalid({**errors.household, **errors.members.get(0, {})})
