"""Life events that move a household on or off the lists, causes of poverty, and merges."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, require
from giamngheo.households.models import Household, HouseholdStatus, LifeEvent, Member
from giamngheo.households.services.common import (
    ErrorCollector,
    RecordInvalid,
    require_reason,
    stamp,
    sync_household,
)
from giamngheo.households.vocab import LEAVING_EVENTS, LifeEventKind, PovertyCause, Relation

# Events that name the other household involved.
NEEDS_RELATED = {LifeEventKind.SPLIT, LifeEventKind.MERGED}


@transaction.atomic
def life_event_record(
    *,
    actor: User,
    household: Household,
    kind: str,
    date: dt.date,
    reason: str,
    related_household: Household | None = None,
    note: str = "",
) -> LifeEvent:
    """Record the event; moving away, merging, dissolving or the death of all members takes the
    household off the lists (Decision 24/2021/QĐ-TTg, Art. 4: regular review of changes)."""
    require(actor, Capability.EDIT_RECORDS, household.unit)
    reason = require_reason(reason)
    errors = ErrorCollector()
    if kind not in LifeEventKind.values:
        errors.add("kind", _("Choose one of the listed events."))
    if date is None:
        errors.add("date", _("Give the date of the event."))
    elif date > timezone.localdate():
        errors.add("date", _("The date of the event is in the future."))
    if kind in NEEDS_RELATED and related_household is None:
        errors.add("related_household", _("Name the other household involved."))
    if related_household is not None:
        if related_household.pk == household.pk:
            errors.add("related_household", _("The other household cannot be this one."))
        else:
            require(actor, Capability.EDIT_RECORDS, related_household.unit)
    if kind != LifeEventKind.MOVED_IN and household.status == HouseholdStatus.LEFT:
        errors.add("kind", _("This household has already left the lists."))
    errors.raise_if_any()
    event = LifeEvent(
        household=household,
        kind=kind,
        date=date,
        related_household=related_household,
        note=note,
        recorded_by=actor,
    )
    stamp(event, actor, reason)
    event.save()
    status = HouseholdStatus.LEFT if kind in LEAVING_EVENTS else HouseholdStatus.ACTIVE
    if household.status != status:
        household.status = status
        stamp(household, actor, reason)
        household.save()
    return event


@transaction.atomic
def household_set_causes(
    *, actor: User, household: Household, causes: list[str], reason: str
) -> Household:
    require(actor, Capability.EDIT_RECORDS, household.unit)
    reason = require_reason(reason)
    unknown = [c for c in causes if c not in PovertyCause.values]
    if unknown:
        raise RecordInvalid(
            {"causes": [_("Unknown cause codes: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    ordered = [c for c in PovertyCause.values if c in set(causes)]
    if ordered != household.causes:
        household.causes = ordered
        stamp(household, actor, reason)
        household.save()
    return household


def _records_of_reviews(household: Household) -> list[str]:
    """Names of other apps' records that point at this household (assessments, outcomes…)."""
    found = []
    for relation in Household._meta.get_fields(include_hidden=True):
        if not (relation.one_to_many and relation.auto_created):
            continue
        model = relation.related_model
        if model._meta.app_label == Household._meta.app_label:
            continue
        if model._meta.model_name.startswith("historical"):
            continue
        if model._default_manager.filter(**{relation.field.name: household}).exists():
            found.append(str(model._meta.verbose_name_plural))
    return sorted(set(found))


@transaction.atomic
def household_merge(*, actor: User, keep: Household, drop: Household, reason: str) -> Household:
    """Fold a duplicate household into the one kept: its members move, it leaves the lists.

    A household with review records (assessments, outcomes, complaints, baseline entries…)
    is refused: those belong to a round whose list was decided under its own code, and
    rewriting them would change a past decision.
    """
    require(actor, Capability.EDIT_RECORDS, keep.unit)
    require(actor, Capability.EDIT_RECORDS, drop.unit)
    reason = require_reason(reason)
    if keep.pk == drop.pk:
        raise RecordInvalid({"drop": [_("Choose two different households.")]})
    blocking = _records_of_reviews(drop)
    if blocking:
        raise RecordInvalid(
            {
                "drop": [
                    _(
                        "Household %(code)s already has review records (%(records)s); it cannot be "
                        "merged. Record a life event instead (merged into another household)."
                    )
                    % {"code": drop.code, "records": ", ".join(blocking)}
                ]
            }
        )
    next_no = (keep.members.aggregate(n=Max("member_no"))["n"] or 0) + 1
    for member in Member.objects.filter(household=drop).order_by("member_no"):
        member.household = keep
        member.member_no = next_no
        next_no += 1
        if member.relation == Relation.HEAD:
            member.relation = Relation.OTHER
        stamp(member, actor, reason)
        member.save()
    event = LifeEvent(
        household=drop,
        kind=LifeEventKind.MERGED,
        date=timezone.localdate(),
        related_household=keep,
        note=reason,
        recorded_by=actor,
    )
    stamp(event, actor, reason)
    event.save()
    drop.status = HouseholdStatus.LEFT
    stamp(drop, actor, reason)
    drop.save()
    sync_household(drop, actor, reason)
    sync_household(keep, actor, reason)
    return keep
