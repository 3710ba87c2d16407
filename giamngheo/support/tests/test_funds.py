import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import OrganisationFactory, UserFactory
from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.support.models import (
    Contribution,
    ContributionKind,
    Disbursement,
    EntryType,
    LedgerEntry,
    SupportRecord,
)
from giamngheo.support.selectors import fund_donors, fund_get, fund_ledger, fund_list, fund_pledges
from giamngheo.support.services import (
    campaign_create,
    contribution_receive,
    disbursement_create,
    entry_correct,
    fund_balance,
    pledge_create,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 10, 20)


def _receive(fund, actor, amount, donor="Công ty Thép Hòa Phát", **kwargs):
    return contribution_receive(
        actor=actor, fund=fund, donor_name=donor, amount=amount, received_on=DAY, **kwargs
    )


def test_mobilised_and_disbursed_money_keeps_an_exact_balance(fund, front_officer):
    campaign = campaign_create(
        actor=front_officer,
        fund=fund,
        title='Tháng cao điểm "Vì người nghèo" 2024',
        starts_on=dt.date(2024, 10, 17),
        ends_on=dt.date(2024, 11, 18),
        target_amount=5_000_000_000,
    )
    _receive(fund, front_officer, 1_500_000_000, campaign=campaign)
    _receive(fund, front_officer, 250_000, donor="Nguyễn Văn Hải")
    _receive(fund, front_officer, 3_000_000, donor="Gia đình ẩn danh", acknowledge=False)
    disbursement_create(
        actor=front_officer, fund=fund, amount=800_000_000, disbursed_on=DAY, purpose="Xây 10 nhà"
    )
    disbursement_create(
        actor=front_officer, fund=fund, amount=3_250_000, disbursed_on=DAY, purpose="Quà Tết"
    )
    assert fund_balance(fund) == 1_500_000_000 + 250_000 + 3_000_000 - 800_000_000 - 3_250_000
    assert fund_list(actor=front_officer).get(pk=fund.pk).balance == 700_000_000
    ledger = fund_ledger(fund=fund)
    assert [balance for _entry, balance in ledger][-1] == 700_000_000
    assert LedgerEntry.objects.filter(fund=fund).count() == 5


def test_disbursement_beyond_the_balance_is_refused_and_nothing_is_saved(fund, front_officer):
    _receive(fund, front_officer, 10_000_000)
    with pytest.raises(ValidationError) as error:
        disbursement_create(
            actor=front_officer, fund=fund, amount=10_000_001, disbursed_on=DAY, purpose="Sửa nhà"
        )
    assert "10.000.000" in error.value.message_dict["amount"][0]
    assert not Disbursement.objects.exists()
    assert fund_balance(fund) == 10_000_000


@pytest.mark.parametrize("amount", [0, -5, 1.5, True])
def test_amounts_at_or_below_zero_or_not_whole_are_refused(fund, front_officer, amount):
    with pytest.raises(ValidationError):
        _receive(fund, front_officer, amount)
    with pytest.raises(ValidationError):
        disbursement_create(
            actor=front_officer, fund=fund, amount=amount, disbursed_on=DAY, purpose="x"
        )
    with pytest.raises(ValidationError):
        pledge_create(actor=front_officer, fund=fund, donor_name="A", amount=amount, pledged_on=DAY)
    assert not LedgerEntry.objects.exists() and not Contribution.objects.exists()


def test_database_refuses_an_entry_whose_sign_contradicts_its_type(fund):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            fund=fund, entry_type=EntryType.RECEIPT, amount=-1, occurred_on=DAY
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            fund=fund, entry_type=EntryType.DISBURSEMENT, amount=5, occurred_on=DAY
        )


def test_a_ledger_entry_is_never_edited(fund, front_officer):
    entry = _receive(fund, front_officer, 1_000).ledger_entry
    entry.amount = 1_000_000
    with pytest.raises(ValidationError):
        entry.save()
    entry.refresh_from_db()
    assert entry.amount == 1_000


def test_a_mistaken_receipt_is_cancelled_by_a_correction(fund, front_officer):
    entry = _receive(fund, front_officer, 5_000_000).ledger_entry
    entry_correct(actor=front_officer, entry=entry, reason="Nhập trùng", on=DAY)
    assert fund_balance(fund) == 0
    with pytest.raises(ValidationError):
        entry_correct(actor=front_officer, entry=entry, reason="Lần nữa", on=DAY)


def test_a_correction_cannot_take_the_fund_below_zero(fund, front_officer):
    entry = _receive(fund, front_officer, 5_000_000).ledger_entry
    disbursement_create(
        actor=front_officer, fund=fund, amount=4_000_000, disbursed_on=DAY, purpose="x"
    )
    with pytest.raises(ValidationError):
        entry_correct(actor=front_officer, entry=entry, reason="Nhập trùng", on=DAY)
    assert fund_balance(fund) == 1_000_000


def test_gifts_in_kind_are_acknowledged_but_do_not_fund_cash_payments(fund, front_officer):
    gift = _receive(
        fund, front_officer, 20_000_000, kind=ContributionKind.IN_KIND, goods="200 suất quà Tết"
    )
    assert gift.ledger_entry is None and fund_balance(fund) == 0
    with pytest.raises(ValidationError):
        _receive(fund, front_officer, 1_000, kind=ContributionKind.IN_KIND)
    donors = list(fund_donors(fund=fund))
    assert donors == [{"donor__name": "Công ty Thép Hòa Phát", "total": 20_000_000, "gifts": 1}]


def test_anonymous_donors_stay_off_the_public_list(fund, front_officer):
    _receive(fund, front_officer, 100_000, donor="Người giấu tên", acknowledge=False)
    _receive(fund, front_officer, 50_000, donor="Trần Thị Mai")
    assert [d["donor__name"] for d in fund_donors(fund=fund)] == ["Trần Thị Mai"]


def test_pledges_are_compared_with_receipts(fund, front_officer):
    pledge = pledge_create(
        actor=front_officer, fund=fund, donor_name="Ngân hàng A", amount=300_000_000, pledged_on=DAY
    )
    _receive(fund, front_officer, 100_000_000, pledge=pledge)
    row = fund_pledges(fund=fund).get()
    assert (row.amount, row.received) == (300_000_000, 100_000_000)
    assert Contribution.objects.get().donor == pledge.donor


def test_disbursement_to_a_household_records_its_support(units, fund, front_officer):
    household = HouseholdFactory(unit=units["A1"])
    _receive(fund, front_officer, 60_000_000)
    disbursement_create(
        actor=front_officer,
        fund=fund,
        amount=50_000_000,
        disbursed_on=DAY,
        purpose="Xây nhà Đại đoàn kết",
        household=household,
        support_kind="housing_new",
    )
    record = SupportRecord.objects.get(household=household)
    assert (record.value, record.source, record.ledger_entry.amount) == (
        50_000_000,
        "fund",
        -50_000_000,
    )


def test_disbursement_to_a_household_of_another_province_is_refused(units, fund, front_officer):
    household = HouseholdFactory(unit=units["C1"])
    _receive(fund, front_officer, 60_000_000)
    with pytest.raises(ValidationError):
        disbursement_create(
            actor=front_officer,
            fund=fund,
            amount=1,
            disbursed_on=DAY,
            purpose="x",
            household=household,
            support_kind="tet_gift",
        )
    assert fund_balance(fund) == 60_000_000


def test_only_the_managing_organisation_and_unit_officers_move_money(units, fund, province_officer):
    other_partner = UserFactory(
        role=Role.PARTNER_OFFICER,
        unit=units["P"],
        organisation=OrganisationFactory(unit=units["P"]),
    )
    with pytest.raises(PermissionDenied):
        _receive(fund, other_partner, 1_000)
    _receive(fund, province_officer, 1_000)
    assert fund_balance(fund) == 1_000


def test_funds_are_scoped_by_unit(fund, province_officer, other_province_officer):
    assert fund_get(actor=province_officer, pk=fund.pk) == fund
    assert not fund_list(actor=other_province_officer).exists()
