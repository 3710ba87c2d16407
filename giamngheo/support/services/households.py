"""Support delivered to registry households, and sponsorships (nhận đỡ đầu)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.models import Organisation, User
from giamngheo.accounts.scoping import Capability, require
from giamngheo.households.models import Household
from giamngheo.programs.models import Activity
from giamngheo.support.models import LedgerEntry, Sponsorship, SupportRecord


@transaction.atomic
def support_record_create(
    *,
    actor: User,
    household: Household,
    kind: str,
    value: int,
    given_on: dt.date,
    source: str,
    description: str = "",
    ledger_entry: LedgerEntry | None = None,
    budget_line: str = "",
    activity: Activity | None = None,
    provider: Organisation | None = None,
) -> SupportRecord:
    """Recorded by those who keep the registry of the household's unit."""
    require(actor, Capability.EDIT_RECORDS, household.unit)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError({"value": _("The value must be a whole number of VND above zero.")})
    record = SupportRecord(
        household=household,
        kind=kind,
        value=value,
        given_on=given_on,
        source=source,
        description=description,
        ledger_entry=ledger_entry,
        budget_line=budget_line,
        activity=activity,
        provider=provider,
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def sponsorship_create(
    *,
    actor: User,
    household: Household,
    starts_on: dt.date,
    ends_on: dt.date,
    sponsor_organisation: Organisation | None = None,
    sponsor_person: str = "",
    commitment: str = "",
    yearly_value: int | None = None,
) -> Sponsorship:
    require(actor, Capability.EDIT_RECORDS, household.unit)
    if yearly_value is not None and yearly_value <= 0:
        raise ValidationError({"yearly_value": _("The value must be above zero.")})
    sponsorship = Sponsorship(
        household=household,
        starts_on=starts_on,
        ends_on=ends_on,
        sponsor_organisation=sponsor_organisation,
        sponsor_person=sponsor_person.strip(),
        commitment=commitment,
        yearly_value=yearly_value,
    )
    sponsorship.full_clean()
    sponsorship.save()
    return sponsorship
