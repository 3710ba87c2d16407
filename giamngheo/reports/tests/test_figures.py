from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.reports.selectors import NoApprovedRound, trend, unit_summary
from giamngheo.reports.selectors.flows import unit_flows
from giamngheo.reports.tests.fixtures import build_reports_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return build_reports_province()


@pytest.fixture
def officer(province):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])


def test_commune_rates_divide_by_the_resident_households(province, officer):
    summary = unit_summary(actor=officer, unit=province["P"], year=2025)
    a, b = summary.rows
    assert (a.label, a.count("poor"), a.households, a.rate("poor")) == (
        "Xã A",
        4,
        200,
        Decimal("2.00"),
    )
    assert a.count("near_poor") == 2 and a.rate("near_poor") == Decimal("1.00")
    assert a.count("middle") == 1 and a.count("middle_nlnn") == 1
    assert a.count("poor_persons") == 12 and a.persons_rate("poor") == Decimal("1.71")
    assert (b.count("poor"), b.rate("poor")) == (1, Decimal("1.00"))


def test_province_rate_is_recomputed_from_summed_counts_not_averaged(province, officer):
    total = unit_summary(actor=officer, unit=province["P"], year=2025).total
    # 5 poor of 300 households = 1.67 %, not the mean of 2.00 % and 1.00 %.
    assert (total.count("poor"), total.households, total.rate("poor")) == (5, 300, Decimal("1.67"))
    assert total.combined_rate == Decimal("2.67")
    assert total.exact


def test_pending_rounds_are_not_counted(province, officer):
    with pytest.raises(NoApprovedRound):
        unit_summary(actor=officer, unit=province["P"], year=2026)


def test_former_communes_re_aggregate_onto_today_with_the_split_one_flagged(province, officer):
    summary = unit_summary(actor=officer, unit=province["P"], year=2024)
    a, b = summary.rows
    # A = FA (5 poor, 150 households) + 60 % of FS1's 2 poor and of FS's 50 households.
    assert a.counts["poor"] == Decimal("6.2") and a.households == Decimal("180.0")
    assert a.rate("poor") == Decimal("3.44") and not a.exact
    # B = 40 % of FS1's 2 poor + FS2's 1 poor (its village succession is exact); 20 households.
    assert b.counts["poor"] == Decimal("1.8") and b.rate("poor") == Decimal("9.00")
    assert summary.total.count("poor") == 8 and summary.total.rate("poor") == Decimal("4.00")
    assert summary.apportioned


def test_whole_mergers_stay_exact(province, officer):
    summary = unit_summary(actor=officer, unit=province["A"], year=2024)
    assert summary.total.counts["poor"] == Decimal("6.2")
    fa_only = unit_summary(actor=officer, unit=province["P"], year=2025)
    assert all(row.exact for row in fa_only.rows)


def test_rate_change_is_in_points_against_last_year(province, officer):
    summary = unit_summary(actor=officer, unit=province["P"], year=2025)
    # 4.00 % in 2024 → 1.67 % in 2025: down 2.33 points; A: 3.44 → 2.00, down 1.44.
    assert summary.total.change("poor") == Decimal("2.33")
    assert summary.rows[0].change("poor") == Decimal("1.44")


def test_trend_lists_years_with_approved_figures(province, officer):
    rows = trend(actor=officer, unit=province["P"])
    assert [(year, r.rate("poor")) for year, r in rows] == [
        (2024, Decimal("4.00")),
        (2025, Decimal("1.67")),
    ]


def test_flows_satisfy_the_identity_of_form_2(province, officer):
    flows = unit_flows(actor=officer, unit=province["P"], year=2025)
    a = flows.rows[0]
    assert [a.value("poor", c) for c in range(1, 10)] == [5, 2, 1, 0, 1, 1, 1, 0, 5]
    assert a.escaped == 3
    assert a.identity_holds("poor") and a.identity_holds("near_poor")
    assert a.value("near_poor", 2) == a.value("poor", 5) == 1
    assert flows.failures == []


def test_commune_officer_cannot_see_another_communes_figures(province):
    officer_a = UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"])
    with pytest.raises(PermissionDenied):
        unit_summary(actor=officer_a, unit=province["B"], year=2025)
    assert unit_summary(actor=officer_a, unit=province["A"], year=2025).total.count("poor") == 4


def test_counts_only_path_agrees_with_the_full_one(province, officer):
    for year in (2024, 2025):
        full = unit_summary(actor=officer, unit=province["P"], year=year)
        light = unit_summary(actor=officer, unit=province["P"], year=year, counts_only=True)
        for a, b in zip([full.total, *full.rows], [light.total, *light.rows], strict=True):
            assert (a.counts["poor"], a.rate("near_poor"), a.exact) == (
                b.counts["poor"],
                b.rate("near_poor"),
                b.exact,
            )
