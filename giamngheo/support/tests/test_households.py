import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.reviews.models import Flow
from giamngheo.support.models import SupportKind, SupportRecord, SupportSource
from giamngheo.support.selectors import (
    household_support_history,
    housing_support_outcome,
    support_list,
)
from giamngheo.support.services import sponsorship_create, support_record_create
from giamngheo.support.tests.factories import record_outcome

pytestmark = pytest.mark.django_db


def _give(actor, household, kind, year, value=1_000_000, **kwargs):
    kwargs.setdefault("source", SupportSource.BUDGET)
    kwargs.setdefault("budget_line", "Dự án 5, Chương trình MTQG giảm nghèo bền vững")
    return support_record_create(
        actor=actor,
        household=household,
        kind=kind,
        value=value,
        given_on=dt.date(year, 6, 1),
        **kwargs,
    )


def test_what_a_household_received_over_the_years(units, commune_a_officer):
    household = HouseholdFactory(unit=units["A1"])
    _give(commune_a_officer, household, SupportKind.HEALTH_INSURANCE, 2022, 800_000)
    _give(commune_a_officer, household, SupportKind.HOUSING_REPAIR, 2023, 30_000_000)
    _give(commune_a_officer, household, SupportKind.TET_GIFT, 2023, 500_000)
    history = household_support_history(actor=commune_a_officer, household=household)
    assert [(y.year, y.total, len(y.records)) for y in history] == [
        (2023, 30_500_000, 2),
        (2022, 800_000, 1),
    ]


def test_households_that_received_housing_support_and_escaped_poverty(
    units, commune_a_officer, province_officer
):
    escaped_after = HouseholdFactory(unit=units["A1"])
    escaped_above = HouseholdFactory(unit=units["A2"])
    still_poor = HouseholdFactory(unit=units["A1"])
    escaped_before = HouseholdFactory(unit=units["A1"])
    gift_only = HouseholdFactory(unit=units["A1"])
    for household in (escaped_after, escaped_above, still_poor):
        _give(commune_a_officer, household, SupportKind.HOUSING_NEW, 2023, 50_000_000)
    _give(commune_a_officer, escaped_before, SupportKind.HOUSING_REPAIR, 2024, 20_000_000)
    _give(commune_a_officer, gift_only, SupportKind.TET_GIFT, 2023)
    record_outcome(escaped_after, 2024)
    record_outcome(escaped_above, 2023, Flow.ESCAPED_ABOVE_NEAR_POOR)
    record_outcome(still_poor, 2024, Flow.STAYED_POOR)
    record_outcome(escaped_before, 2023)
    record_outcome(gift_only, 2024)

    outcome = housing_support_outcome(actor=province_officer)
    assert (outcome.supported, outcome.escaped, outcome.percent) == (4, 2, 50)
    assert housing_support_outcome(actor=province_officer, year_from=2024).supported == 1


def test_support_records_are_scoped_like_the_registry(
    units, commune_a_officer, commune_b_officer, front_officer
):
    household = HouseholdFactory(unit=units["A1"])
    _give(commune_a_officer, household, SupportKind.SCHOLARSHIP, 2024)
    assert support_list(actor=commune_a_officer).count() == 1
    assert not support_list(actor=commune_b_officer).exists()
    assert not support_list(actor=front_officer).exists()  # no household-level data for partners
    with pytest.raises(PermissionDenied):
        _give(commune_b_officer, household, SupportKind.SCHOLARSHIP, 2024)


def test_support_recorded_under_a_former_commune_is_seen_under_todays(units, commune_a_officer):
    """Commune A took over the former commune FA."""
    household = HouseholdFactory(unit=units["FA1"])
    _give(commune_a_officer, household, SupportKind.LIVESTOCK_SEED, 2024)
    assert support_list(actor=commune_a_officer).get().household == household


@pytest.mark.parametrize("value", [0, -100])
def test_support_of_no_value_is_refused(units, commune_a_officer, value):
    household = HouseholdFactory(unit=units["A1"])
    with pytest.raises(ValidationError):
        _give(commune_a_officer, household, SupportKind.TET_GIFT, 2024, value)
    assert not SupportRecord.objects.exists()


def test_support_source_must_be_identified(units, commune_a_officer):
    household = HouseholdFactory(unit=units["A1"])
    with pytest.raises(ValidationError) as error:
        _give(commune_a_officer, household, SupportKind.TET_GIFT, 2024, budget_line="")
    assert "budget_line" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _give(commune_a_officer, household, SupportKind.TET_GIFT, 2024, source=SupportSource.FUND)
    assert "ledger_entry" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRecord.objects.create(
            household=household,
            kind="tet_gift",
            value=1,
            given_on=dt.date(2024, 1, 1),
            source="activity",
        )


def test_sponsorship_needs_a_sponsor_and_ordered_dates(units, commune_a_officer):
    household = HouseholdFactory(unit=units["A1"])
    sponsorship = sponsorship_create(
        actor=commune_a_officer,
        household=household,
        sponsor_person="Đại úy Phạm Văn Long",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        yearly_value=6_000_000,
    )
    assert household.sponsorships.get() == sponsorship
    with pytest.raises(ValidationError):
        sponsorship_create(
            actor=commune_a_officer,
            household=household,
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2025, 1, 1),
        )
    with pytest.raises(ValidationError):
        sponsorship_create(
            actor=commune_a_officer,
            household=household,
            sponsor_person="A",
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2023, 1, 1),
        )
