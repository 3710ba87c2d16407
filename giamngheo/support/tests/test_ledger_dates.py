"""Ledger dates are real dates: 0001-01-01 and 9999-12-31 are typos, refused with a message
naming the field, whether they come through the pages or straight through a service."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from giamngheo.support.models import Contribution, Disbursement, LedgerEntry
from giamngheo.support.services import contribution_receive

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"]


@pytest.mark.parametrize("day", OUT_OF_RANGE)
def test_contribution_page_refuses_a_date_outside_1900_2100(client, fund, front_officer, day):
    client.force_login(front_officer)
    response = client.post(
        reverse("support:contribution_create", args=[fund.pk]),
        {"donor_name": "A", "kind": "cash", "amount": "1000", "received_on": day},
    )
    assert response.status_code == 200
    assert "received_on" in response.context["form"].errors
    assert "1900-01-01" in response.context["form"].errors["received_on"][0]
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("day", OUT_OF_RANGE)
def test_disbursement_page_refuses_a_date_outside_1900_2100(client, fund, front_officer, day):
    contribution_receive(
        actor=front_officer, fund=fund, donor_name="A", amount=10_000, received_on=dt.date.today()
    )
    client.force_login(front_officer)
    response = client.post(
        reverse("support:disbursement_create", args=[fund.pk]),
        {"amount": "1000", "disbursed_on": day, "purpose": "Hỗ trợ"},
    )
    assert response.status_code == 200
    assert "disbursed_on" in response.context["form"].errors
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_service_refuses_a_ledger_date_outside_1900_2100_naming_the_field(fund, front_officer, day):
    with pytest.raises(ValidationError) as refused:
        contribution_receive(
            actor=front_officer, fund=fund, donor_name="A", amount=1000, received_on=day
        )
    assert "occurred_on" in refused.value.message_dict or "received_on" in (
        refused.value.message_dict
    )
    assert day.isoformat() in str(refused.value)
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("day", [dt.date(1900, 1, 1), dt.date(2100, 12, 31)])
def test_the_first_and_last_days_of_the_range_are_accepted(fund, front_officer, day):
    contribution_receive(
        actor=front_officer, fund=fund, donor_name="A", amount=1000, received_on=day
    )
    assert LedgerEntry.objects.get().occurred_on == day
