import datetime as dt

import pytest
from django.urls import reverse

from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.support.models import Disbursement, FundingSource, SupportRecord
from giamngheo.support.services import (
    contribution_receive,
    model_participants_add,
    reduction_model_create,
    sponsorship_create,
    support_record_create,
)
from giamngheo.tests.pages import assert_not_found, assert_refused, page_text

pytestmark = pytest.mark.django_db


def test_fund_pages_show_balance_ledger_and_donors(client, fund, front_officer):
    contribution_receive(
        actor=front_officer,
        fund=fund,
        donor_name="Công ty Điện lực",
        amount=12_500_000,
        received_on=dt.date(2024, 10, 17),
    )
    client.force_login(front_officer)
    assert "12.500.000" in client.get(reverse("support:fund_list")).content.decode()
    page = client.get(fund.get_absolute_url()).content.decode()
    assert "Công ty Điện lực" in page and "12.500.000" in page


def test_contribution_and_disbursement_forms(client, units, fund, front_officer):
    client.force_login(front_officer)
    response = client.post(
        reverse("support:contribution_create", args=[fund.pk]),
        {
            "donor_name": "Bà Lê Thị Hoa",
            "kind": "cash",
            "amount": "5000000",
            "received_on": "2024-10-20",
            "acknowledge": "on",
        },
    )
    assert response.status_code == 302
    household = HouseholdFactory(unit=units["A1"])
    response = client.post(
        reverse("support:disbursement_create", args=[fund.pk]),
        {
            "amount": "3000000",
            "disbursed_on": "2024-11-01",
            "purpose": "Sửa nhà",
            "household_code": household.code,
            "support_kind": "housing_repair",
        },
    )
    assert response.status_code == 302
    assert SupportRecord.objects.get().household == household


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "999999999"}, "amount"),
        ({"amount": "1000", "household_code": "NO-SUCH"}, "household_code"),
        ({"amount": "1000", "disbursed_on": "31/02/2024"}, "disbursed_on"),
    ],
)
def test_bad_disbursements_are_form_errors_and_nothing_is_saved(
    client, fund, front_officer, data, field
):
    contribution_receive(
        actor=front_officer,
        fund=fund,
        donor_name="A",
        amount=1_000_000,
        received_on=dt.date(2024, 1, 1),
    )
    client.force_login(front_officer)
    response = client.post(
        reverse("support:disbursement_create", args=[fund.pk]),
        {"disbursed_on": "2024-11-01", "purpose": "Hỗ trợ", **data},
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Disbursement.objects.exists()


def test_officers_outside_the_fund_cannot_move_money(
    client, fund, front_officer, other_province_officer
):
    contribution_receive(
        actor=front_officer,
        fund=fund,
        donor_name="Công ty Điện lực",
        amount=12_500_000,
        received_on=dt.date(2024, 10, 17),
    )
    client.force_login(other_province_officer)
    form = client.get(reverse("support:disbursement_create", args=[fund.pk]))
    assert_not_found(form, fund.name, "12.500.000")
    assert 'name="purpose"' not in form.content.decode()
    page = client.get(fund.get_absolute_url())
    assert_not_found(page, fund.name, "Công ty Điện lực", "12.500.000")
    assert fund.name not in page_text(client.get(reverse("support:fund_list")))


def test_support_page_answers_what_a_household_received(client, units, commune_a_officer):
    household = HouseholdFactory(unit=units["A1"])
    support_record_create(
        actor=commune_a_officer,
        household=household,
        kind="scholarship",
        value=2_000_000,
        given_on=dt.date(2024, 9, 5),
        source="other",
    )
    client.force_login(commune_a_officer)
    sponsorship_create(
        actor=commune_a_officer,
        household=household,
        sponsor_person="Đại úy Phạm Văn Long",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    page = client.get(reverse("support:support_list"), {"code": household.code}).content.decode()
    assert "2.000.000" in page and household.head_name in page
    assert "Đại úy Phạm Văn Long" in page


def test_models_page_ranks_models(client, units, province_officer):
    model = reduction_model_create(
        actor=province_officer,
        name="Nuôi dê",
        unit=units["A"],
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2024, 12, 31),
        funding={FundingSource.LOCAL_BUDGET: 90_000_000},
    )
    model_participants_add(
        actor=province_officer, model=model, households=[HouseholdFactory(unit=units["A1"])]
    )
    client.force_login(province_officer)
    assert "Nuôi dê" in client.get(reverse("support:model_list")).content.decode()
    assert client.get(model.get_absolute_url()).status_code == 200


def test_commune_officer_records_support_for_a_household(client, units, commune_a_officer):
    household = HouseholdFactory(unit=units["A1"])
    client.force_login(commune_a_officer)
    page = client.get(reverse("support:support_list"), {"code": household.code}).content.decode()
    url = reverse("support:support_record_create", args=[household.pk])
    assert url in page
    response = client.post(
        url,
        {
            "kind": "health_insurance",
            "value": "1263600",
            "given_on": "2025-01-15",
            "source": "budget",
            "budget_line": "Ngân sách nhà nước",
        },
    )
    assert response.status_code == 302
    assert SupportRecord.objects.get().value == 1_263_600


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"value": "0"}, "value"),
        ({"value": "-1"}, "value"),
        ({"source": "fund"}, "source"),
        ({"budget_line": ""}, "budget_line"),
        ({"given_on": "2025-13-01"}, "given_on"),
    ],
)
def test_bad_support_input_is_shown_on_the_form(client, units, commune_a_officer, data, field):
    household = HouseholdFactory(unit=units["A1"])
    client.force_login(commune_a_officer)
    response = client.post(
        reverse("support:support_record_create", args=[household.pk]),
        {
            "kind": "tet_gift",
            "value": "500000",
            "given_on": "2025-01-15",
            "source": "budget",
            "budget_line": "NS",
            **data,
        },
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SupportRecord.objects.exists()


def test_other_commune_cannot_record_support_for_the_household(
    client, units, commune_b_officer, front_officer
):
    household = HouseholdFactory(unit=units["A1"], head_name="Hoàng Văn Năm")
    url = reverse("support:support_record_create", args=[household.pk])
    client.force_login(commune_b_officer)
    response = client.get(url)
    assert_not_found(response, household.code, "Hoàng Văn Năm")
    assert 'name="given_on"' not in response.content.decode()
    client.force_login(front_officer)
    response = client.get(url)  # a partner's role records no household support
    assert_refused(response, 403, household.code, "Hoàng Văn Năm")
    assert 'name="given_on"' not in response.content.decode()


def test_campaign_and_pledge_are_recorded_through_pages(client, fund, front_officer):
    client.force_login(front_officer)
    response = client.post(
        reverse("support:campaign_create", args=[fund.pk]),
        {
            "title": "Tháng cao điểm 2026",
            "starts_on": "2026-10-17",
            "ends_on": "2026-11-18",
            "target_amount": "1000000000",
        },
    )
    assert response.status_code == 302
    campaign = fund.campaigns.get()
    response = client.post(
        reverse("support:pledge_create", args=[fund.pk]),
        {
            "donor_name": "Công ty B",
            "amount": "50000000",
            "pledged_on": "2026-10-17",
            "campaign": campaign.pk,
        },
    )
    assert response.status_code == 302
    assert fund.pledges.get().campaign == campaign


def test_campaign_ending_before_it_starts_is_a_form_error(client, fund, front_officer):
    client.force_login(front_officer)
    response = client.post(
        reverse("support:campaign_create", args=[fund.pk]),
        {"title": "Ngược", "starts_on": "2026-11-18", "ends_on": "2026-10-17"},
    )
    assert response.status_code == 200 and "ends_on" in response.context["form"].errors
    assert not fund.campaigns.exists()
