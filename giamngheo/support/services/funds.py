"""Receiving and paying out: each movement writes one ledger entry in the same transaction.

A disbursement locks its fund row first (`select_for_update`), so two officers paying out of the
same fund at the same moment are serialised and the second one sees the first one's entry.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from giamngheo.accounts.models import Organisation, User
from giamngheo.accounts.scoping import Capability, require
from giamngheo.errors import Conflict, DomainError
from giamngheo.geo.models import AdminUnit
from giamngheo.geo.selectors import scope_roots
from giamngheo.households.models import Household
from giamngheo.programs.models import Activity
from giamngheo.support.models import (
    Campaign,
    Contribution,
    ContributionKind,
    Disbursement,
    Donor,
    EntryType,
    Fund,
    LedgerEntry,
    Pledge,
    SupportRecord,
    SupportSource,
)
from giamngheo.support.money import vnd


def _positive(amount: int, field: str = "amount") -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError({field: _("The amount must be a whole number of VND above zero.")})


def require_fund_edit(actor: User, fund: Fund) -> None:
    """Partner officers handle only funds their organisation manages (the Front's fund)."""
    require(
        actor, Capability.EDIT_PROGRAMS, fund.unit, organisation_id=fund.managing_organisation_id
    )


def fund_balance(fund: Fund) -> int:
    return fund.entries.aggregate(total=Sum("amount"))["total"] or 0


@transaction.atomic
def fund_create(
    *,
    actor: User,
    name: str,
    kind: str,
    unit: AdminUnit,
    managing_organisation: Organisation | None = None,
    opened_on: dt.date | None = None,
) -> Fund:
    fund = Fund(
        name=name,
        kind=kind,
        unit=unit,
        managing_organisation=managing_organisation,
        opened_on=opened_on,
    )
    fund.full_clean()
    require_fund_edit(actor, fund)
    fund.save()
    return fund


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    fund: Fund,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    target_amount: int | None = None,
) -> Campaign:
    require_fund_edit(actor, fund)
    if target_amount is not None:
        _positive(target_amount, "target_amount")
    campaign = Campaign(
        fund=fund, title=title, starts_on=starts_on, ends_on=ends_on, target_amount=target_amount
    )
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end cannot come before the start.")})
    campaign.full_clean()
    campaign.save()
    return campaign


def donor_for(name: str, organisation: Organisation | None = None) -> Donor:
    name = (name or (str(organisation) if organisation else "")).strip()
    if not name:
        raise ValidationError({"donor_name": _("Name the donor.")})
    donor, _created = Donor.objects.get_or_create(name=name, organisation=organisation)
    return donor


@transaction.atomic
def pledge_create(
    *,
    actor: User,
    fund: Fund,
    donor_name: str,
    amount: int,
    pledged_on: dt.date,
    donor_organisation: Organisation | None = None,
    campaign: Campaign | None = None,
    earmark: str = "",
) -> Pledge:
    require_fund_edit(actor, fund)
    _positive(amount)
    if campaign is not None and campaign.fund_id != fund.pk:
        raise ValidationError({"campaign": _("The campaign belongs to another fund.")})
    return Pledge.objects.create(
        fund=fund,
        campaign=campaign,
        donor=donor_for(donor_name, donor_organisation),
        amount=amount,
        pledged_on=pledged_on,
        earmark=earmark,
    )


@transaction.atomic
def contribution_receive(
    *,
    actor: User,
    fund: Fund,
    donor_name: str,
    amount: int,
    received_on: dt.date,
    kind: str = ContributionKind.CASH,
    donor_organisation: Organisation | None = None,
    campaign: Campaign | None = None,
    pledge: Pledge | None = None,
    goods: str = "",
    earmark: str = "",
    receipt_number: str = "",
    acknowledge: bool = True,
) -> Contribution:
    """Tiếp nhận: cash enters the ledger; gifts in kind are listed at their estimated value."""
    require_fund_edit(actor, fund)
    _positive(amount)
    if kind not in ContributionKind.values:
        raise ValidationError({"kind": _("Choose cash or in kind.")})
    if kind == ContributionKind.IN_KIND and not goods.strip():
        raise ValidationError({"goods": _("Describe the goods received.")})
    for related, label in ((campaign, "campaign"), (pledge, "pledge")):
        if related is not None and related.fund_id != fund.pk:
            raise ValidationError({label: _("It belongs to another fund.")})
    donor = pledge.donor if pledge is not None else donor_for(donor_name, donor_organisation)
    entry = None
    if kind == ContributionKind.CASH:
        entry = LedgerEntry.objects.create(
            fund=fund,
            entry_type=EntryType.RECEIPT,
            amount=amount,
            occurred_on=received_on,
            memo=_("Received from %(donor)s") % {"donor": donor},
            created_by=actor,
        )
    return Contribution.objects.create(
        fund=fund,
        campaign=campaign or (pledge.campaign if pledge else None),
        pledge=pledge,
        donor=donor,
        kind=kind,
        amount=amount,
        goods=goods,
        received_on=received_on,
        earmark=earmark,
        receipt_number=receipt_number,
        acknowledge=acknowledge,
        ledger_entry=entry,
    )


def _household_in_fund_territory(fund: Fund, household: Household) -> bool:
    return any(root.contains(household.unit) for root in scope_roots(fund.unit))


@transaction.atomic
def disbursement_create(
    *,
    actor: User,
    fund: Fund,
    amount: int,
    disbursed_on: dt.date,
    purpose: str,
    recipient: str = "",
    household: Household | None = None,
    support_kind: str | None = None,
    activity: Activity | None = None,
    decision_number: str = "",
) -> Disbursement:
    """Giải ngân. Refused beyond the balance; a household payment also records its support."""
    require_fund_edit(actor, fund)
    _positive(amount)
    if not purpose.strip():
        raise ValidationError({"purpose": _("State the purpose of the payment.")})
    if household is not None:
        if not _household_in_fund_territory(fund, household):
            raise ValidationError({"household": _("The household lives outside the fund's unit.")})
        if not support_kind:
            raise ValidationError({"support_kind": _("Choose the kind of support.")})
    # The lock makes the balance read below the one the new entry is added to.
    locked = Fund.objects.select_for_update().get(pk=fund.pk)
    balance = fund_balance(locked)
    if amount > balance:
        raise ValidationError(
            {
                "amount": _("The fund holds %(balance)s VND; %(amount)s VND cannot be disbursed.")
                % {"balance": vnd(balance), "amount": vnd(amount)}
            }
        )
    entry = LedgerEntry.objects.create(
        fund=locked,
        entry_type=EntryType.DISBURSEMENT,
        amount=-amount,
        occurred_on=disbursed_on,
        memo=purpose[:300],
        created_by=actor,
    )
    disbursement = Disbursement.objects.create(
        fund=locked,
        amount=amount,
        disbursed_on=disbursed_on,
        purpose=purpose,
        recipient=recipient or (household.head_name if household else ""),
        household=household,
        activity=activity,
        decision_number=decision_number,
        ledger_entry=entry,
    )
    if household is not None:
        record = SupportRecord(
            household=household,
            kind=support_kind,
            description=purpose[:300],
            value=amount,
            given_on=disbursed_on,
            source=SupportSource.FUND,
            ledger_entry=entry,
            activity=activity,
            provider=fund.managing_organisation,
            recorded_by=actor,
        )
        record.full_clean()
        record.save()
    return disbursement


@transaction.atomic
def entry_correct(*, actor: User, entry: LedgerEntry, reason: str, on: dt.date) -> LedgerEntry:
    """Cancels a mistaken entry by its opposite; the original stays in the ledger."""
    require_fund_edit(actor, entry.fund)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    if entry.entry_type == EntryType.CORRECTION or entry.corrections.exists():
        raise Conflict(_("This entry has already been corrected."))
    locked = Fund.objects.select_for_update().get(pk=entry.fund_id)
    if fund_balance(locked) - entry.amount < 0:
        raise DomainError(_("The correction would leave the fund below zero."))
    return LedgerEntry.objects.create(
        fund=locked,
        entry_type=EntryType.CORRECTION,
        amount=-entry.amount,
        occurred_on=on,
        memo=reason[:300],
        corrects=entry,
        created_by=actor,
    )
