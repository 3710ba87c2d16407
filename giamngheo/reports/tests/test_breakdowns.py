import datetime as dt
from decimal import Decimal

import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.households.tests.factories import MemberFactory
from giamngheo.households.vocab import PovertyClass as C
from giamngheo.reports.models import Target, TargetMeasure
from giamngheo.reports.selectors import breakdowns
from giamngheo.reports.selectors.children import children
from giamngheo.reports.selectors.drilldown import BadMeasure, figure_households
from giamngheo.reports.selectors.figures import unit_summary
from giamngheo.reports.selectors.targets import target_results
from giamngheo.reports.tests.fixtures import assess, build_reports_province, freeze_rounds
from giamngheo.reviews.facts import member_facts_from_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return build_reports_province()


@pytest.fixture
def officer(province):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])


def test_deprivation_counts_and_rates_over_the_poor(province, officer):
    t = breakdowns.deprivations(actor=officer, unit=province["P"], year=2025)
    a = t.rows[0]
    # A's 4 poor: nutrition 3, health insurance 2, floor area 1, water 1, employment 1.
    assert [
        a.count(i) for i in ("nutrition", "health_insurance", "housing_area", "employment")
    ] == [3, 2, 1, 1]
    assert a.count("total_deprivations") == 8
    assert a.rate("nutrition", "households") == Decimal("75.00")
    assert t.total.rate("nutrition", "households") == Decimal("80.00")
    assert [i for i, _ in t.columns][:3] == ["employment", "dependency_ratio", "nutrition"]


def test_household_groups_count_each_household_once_so_form_8_adds_up(province, officer):
    a = breakdowns.household_groups(actor=officer, unit=province["P"], year=2025).rows[0]
    # The Tày household with a merit person counts as "merit"; the Mường one has no labour.
    values = [
        a.count(k)
        for k in ("poor", "poor_minority", "poor_no_capacity", "poor_merit", "poor_other")
    ]
    assert values == [4, 0, 1, 1, 2]
    assert a.count("poor_all_minority") == 2 and a.count("poor_persons") == 12


def test_ethnicity_and_causes(province, officer):
    e = breakdowns.ethnicity(actor=officer, unit=province["P"], year=2025).total
    assert (
        e.count("poor_kinh"),
        e.count("poor_minority"),
        e.count("poor_02"),
        e.count("poor_06"),
    ) == (2, 3, 2, 1)
    c = breakdowns.causes(actor=officer, unit=province["P"], year=2025).rows[0]
    assert (c.count("poor_lack_capital"), c.count("poor_illness"), c.count("poor_lack_land")) == (
        2,
        1,
        0,
    )


def test_children_of_poor_households_by_the_review_date():
    """Form 11 counts the members the assessment recorded, as on the review date (1/11/2025)."""
    province = build_reports_province(freeze=False)
    officer = UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])
    poor = province["poor_a1"][0]
    kids = [
        MemberFactory(
            household=poor.household,
            date_of_birth=dt.date(2015, 6, 1),
            health_insurance=False,
            in_school=False,
            relation="child",
        ),
        MemberFactory(
            household=poor.household, date_of_birth=dt.date(2009, 10, 31), relation="child"
        ),  # 16 already
        MemberFactory(
            household=poor.household,
            date_of_birth=dt.date(2023, 1, 1),
            child_nutrition="stunted",
            relation="child",
        ),
    ]
    poor.members = [*poor.members, *(member_facts_from_registry(m) for m in kids)]
    poor.save(update_fields=["members"])
    freeze_rounds(province)
    row = children(actor=officer, unit=province["P"], year=2025).total
    assert [
        row.count(f"poor_{k}") for k in ("children", "nutrition", "health_insurance", "school")
    ] == [2, 1, 1, 1]


def test_the_households_behind_a_figure_are_the_ones_it_counts(province, officer):
    listed = figure_households(
        actor=officer, unit=province["A"], year=2025, measure="dep:nutrition:poor"
    )
    assert listed.households.count() == 3 and not listed.apportioned
    newly = figure_households(actor=officer, unit=province["P"], year=2025, measure="flow:poor:7")
    assert newly.households.count() == 1
    apportioned = figure_households(actor=officer, unit=province["B"], year=2024, measure="poor")
    # B's 2024 poor: FS2's one household (exact) and FS1's two (40 % of them, apportioned).
    assert apportioned.households.count() == 3 and apportioned.apportioned
    with pytest.raises(BadMeasure):
        figure_households(actor=officer, unit=province["A"], year=2025, measure="flow:poor:12")


def test_targets_show_whether_they_were_met(province, officer):
    Target.objects.create(unit=province["P"], year=2025, value=Decimal("1.50"))
    Target.objects.create(unit=province["A"], year=2025, value=Decimal("2.00"))
    Target.objects.create(
        unit=province["P"],
        year=2025,
        measure=TargetMeasure.POOR_RATE_AT_MOST,
        value=Decimal("1.50"),
    )
    summary = unit_summary(actor=officer, unit=province["P"], year=2025)
    results = {
        (r.target.unit.name, r.target.measure): (r.achieved, r.met)
        for r in target_results(actor=officer, summary=summary)
    }
    assert results[("Thành phố P", TargetMeasure.POOR_RATE_REDUCTION)] == (Decimal("2.33"), True)
    assert results[("Xã A", TargetMeasure.POOR_RATE_REDUCTION)] == (Decimal("1.44"), False)
    assert results[("Thành phố P", TargetMeasure.POOR_RATE_AT_MOST)] == (Decimal("1.67"), False)


def test_minority_poverty_rate_target_uses_the_groups_own_households():
    """The denominator is the year's approved list of minority households, year by year."""
    province = build_reports_province(freeze=False)
    assess(province["round_FA"], province["FA1"], C.NOT_POOR, 1, head_ethnicity="02")
    freeze_rounds(province)
    officer = UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])
    Target.objects.create(
        unit=province["P"],
        year=2025,
        measure=TargetMeasure.MINORITY_POOR_RATE_REDUCTION,
        value=Decimal("3"),
    )
    summary = unit_summary(actor=officer, unit=province["P"], year=2025)
    (result,) = target_results(actor=officer, summary=summary)
    # 2024: 0 poor of its 1 minority household (0 %); 2025: the 3 minority households are poor.
    assert result.achieved == Decimal("-100.00") and result.met is False
