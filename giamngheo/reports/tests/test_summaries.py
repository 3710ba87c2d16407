"""Form 1 read from the round summaries says what the round's assessments say, and stays said.

Each approved periodic round is counted once, when it is frozen (`reviews.RoundSummary`), by
approved village and class (and forms 4–7's deprivations, `reviews.DeprivationSummary`, by
indicator too). Here the figures built on those rows are compared with the direct
definition over assessments (`class_annotations`, `grouped` by round or frozen village), for a
province with a commune merged whole and one split in two.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.households.vocab import PovertyClass as C
from giamngheo.reports.selectors import flows
from giamngheo.reports.selectors.breakdowns import (
    CLASSES,
    PLAIN_GROUPS,
    deprivation_annotations,
    deprivations,
    indicator_columns,
    plain_groups,
)
from giamngheo.reports.selectors.common import (
    CLASS_MEASURES,
    COUNTED_CLASSES,
    Bucket,
    class_annotations,
    final_rounds,
    grouped,
    with_json_text,
)
from giamngheo.reports.selectors.figures import CLASS_KEYS, _year_rows
from giamngheo.reports.selectors.lineage import Resolver
from giamngheo.reports.tests.fixtures import (
    approved_round,
    build_reports_province,
    build_tiny_province,
)
from giamngheo.reviews.models import (
    Assessment,
    DeprivationSummary,
    FlowSummary,
    Outcome,
    ReviewRound,
    RoundStatus,
    RoundSummary,
    RoundType,
)
from giamngheo.reviews.services import round_snapshot_take
from giamngheo.reviews.services.summaries import deprivations_write, summaries_write

pytestmark = pytest.mark.django_db

FULL_KEYS = (*CLASS_KEYS, *(f"{k}_persons" for k in CLASS_KEYS))
COUNT_KEYS = ("poor", "near_poor")


def direct(unit, year: int, counts_only: bool) -> dict[tuple, Bucket]:
    """Form 1's buckets aggregated from the assessments, as the reports did before summaries."""
    rounds = list(final_rounds(unit, year))
    if counts_only:
        annotations = {k: Count("round_id", filter=CLASS_MEASURES[k]) for k in COUNT_KEYS}
        queryset = Assessment.objects.filter(poverty_class__in=[C.POOR, C.NEAR_POOR])
    else:
        annotations, queryset = class_annotations(), Assessment.objects.filter(COUNTED_CLASSES)
    return grouped(queryset, annotations, rounds=rounds, resolver=Resolver())


def direct_groups(unit, year: int) -> dict[tuple, Bucket]:
    """The dashboard's groups aggregated from the assessments and their frozen entries."""
    annotations: dict = {k: Count("id", filter=q) for k, q in CLASSES.items()}
    for klass, class_q in CLASSES.items():
        for group, group_q in PLAIN_GROUPS.items():
            annotations[f"{klass}_all_{group}"] = Count("id", filter=class_q & group_q)
    queryset = Assessment.objects.filter(poverty_class__in=list(CLASSES))
    return grouped(
        queryset, annotations, rounds=list(final_rounds(unit, year)), resolver=Resolver()
    )


def assert_same_groups(actor, unit, year: int) -> None:
    table = plain_groups(actor=actor, unit=unit, year=year)
    expected = direct_groups(unit, year)
    keys = [*CLASSES, *(f"{k}_all_{g}" for k in CLASSES for g in PLAIN_GROUPS)]
    for row in table.rows:
        bucket = expected.get((row.unit_pk,), Bucket())
        for key in keys:
            got, want = row.values.get(key, Decimal(0)), bucket.values.get(key, Decimal(0))
            assert got == want, (row.label, year, key)


def assert_same_deprivations(actor, unit, year: int) -> None:
    """Forms 4–7 (both classes) from the deprivation summaries against the assessments' lists."""
    indicators = [i for i, _ in indicator_columns("vn-2022")]
    for klass, class_q in CLASSES.items():
        expected = grouped(
            with_json_text(Assessment.objects.filter(class_q), "deprived"),
            deprivation_annotations(klass, indicators),
            rounds=list(final_rounds(unit, year)),
            resolver=Resolver(),
        )
        table = deprivations(actor=actor, unit=unit, year=year, klass=klass)
        total = Bucket()
        for row in table.rows:
            bucket = expected.get((row.unit_pk,), Bucket())
            total.merge(bucket)
            for key in ("households", *indicators):
                got, want = row.values.get(key, Decimal(0)), bucket.values.get(key, Decimal(0))
                assert got == want, (row.label, year, klass, key)
            assert row.exact == bucket.exact, (row.label, year, klass)
            assert row.values["total_deprivations"] == sum(
                (bucket.values.get(i, Decimal(0)) for i in indicators), Decimal(0)
            )
        for key in ("households", *indicators):
            assert table.total.values.get(key, Decimal(0)) == total.values.get(key, Decimal(0))


def assert_same_flows(actor, unit, year: int) -> None:
    """Forms 2 and 3's households from the flow summaries against the outcomes themselves."""
    expected = grouped(
        Outcome.objects.all(),
        flows._annotations(joined=False),
        rounds=list(final_rounds(unit, year)),
        resolver=Resolver(),
        village=flows.approved_village(),
    )
    table = flows.unit_flows(actor=actor, unit=unit, year=year, persons=False)
    for row in table.rows:
        want = flows._unpack(expected.get((row.unit.pk,), Bucket()))
        for form, columns in flows.FORMS.items():
            for column in columns:
                got = row.households[form].get(column, Decimal(0))
                assert got == want[form].get(column, Decimal(0)), (row.label, form, column)


def assert_same_as_direct(unit, year: int) -> None:
    for counts_only, keys in ((False, FULL_KEYS), (True, COUNT_KEYS)):
        summary = _year_rows(unit, year, counts_only=counts_only)
        expected = direct(unit, year, counts_only)
        assert summary is not None
        for row in summary.rows:
            bucket = expected.get((row.unit_pk,), Bucket())
            for key in keys:
                got, want = row.counts.get(key, Decimal(0)), bucket.values.get(key, Decimal(0))
                assert got == want, (row.label, year, counts_only, key)
            if not bucket.exact:  # apportioned directly, so apportioned from the summaries
                assert not row.exact, (row.label, year)
        assert set(summary.total.counts) <= set(keys)


@pytest.fixture
def province():
    return build_reports_province()


@pytest.fixture
def officer(province):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])


def test_summaries_give_the_assessments_figures_for_merged_and_split_communes(province, officer):
    for unit in (province["P"], province["A"], province["B"]):
        for year in (2024, 2025):
            assert_same_as_direct(unit, year)
            assert_same_groups(officer, unit, year)
            assert_same_flows(officer, unit, year)
            assert_same_deprivations(officer, unit, year)
    assert FlowSummary.objects.filter(round=province["round_A"]).exists()
    groups = plain_groups(actor=officer, unit=province["A"], year=2025).total.values
    # By hand: A's poor include one Tày head with a merit person and one Thái head unable to work.
    assert (groups["poor_all_minority"], groups["poor_all_merit"]) == (2, 1)
    assert (groups["poor_all_no_capacity"], groups["near_poor_all_minority"]) == (1, 0)
    # By hand (fixtures.py): 2024's FA (5 poor) went whole into A; FS's 2 poor of FS1 are shared
    # 60/40, the one of FS2 goes to B1 by its own succession.
    a, b = _year_rows(province["P"], 2024).rows
    assert (a.counts["poor"], b.counts["poor"]) == (Decimal("6.2"), Decimal("1.8"))
    assert not a.exact and not b.exact
    a, b = _year_rows(province["P"], 2025).rows
    assert (a.counts["middle_nlnn"], a.counts["middle_nlnn_persons"]) == (1, 3)
    assert (a.count("poor"), a.counts["poor_persons"], b.count("near_poor")) == (4, 12, 1)


def test_a_round_is_summarised_once_per_approved_village_and_class(province):
    rows = RoundSummary.objects.filter(round=province["round_A"]).values_list(
        "village_id", "poverty_class", "households", "persons", "nlnn_households"
    )
    a1, a2 = province["A1"].pk, province["A2"].pk
    assert sorted(rows) == sorted(
        [
            (a1, C.POOR, 3, 9, 0),
            (a2, C.POOR, 1, 3, 0),
            (a1, C.NEAR_POOR, 2, 6, 0),
            (a1, C.MIDDLE, 1, 3, 1),
            (a1, C.NOT_POOR, 4, 12, 0),
        ]
    )
    # The round still in progress has no snapshot and so no summary.
    assert not RoundSummary.objects.filter(round__year=2026).exists()


def test_a_round_counts_its_deprivations_once_per_village_class_and_indicator(province, officer):
    rows = DeprivationSummary.objects.filter(round=province["round_A"]).values_list(
        "village_id", "poverty_class", "indicator", "households"
    )
    assert all(klass in (C.POOR, C.NEAR_POOR) for _, klass, _, _ in rows)
    a1 = province["A1"].pk
    assert (a1, C.NEAR_POOR, "health_insurance", 2) in set(rows)
    table = deprivations(actor=officer, unit=province["A"], year=2025, klass="near_poor")
    assert table.total.count("health_insurance") == 2 and table.total.count("households") == 2
    # Counting the round again (the data migration after approval did) writes nothing more.
    before = sorted(DeprivationSummary.objects.values_list("round_id", "village_id", "indicator"))
    assert summaries_write([province["round_A"]]) == 0
    assert deprivations_write({province["round_A"].pk}) == 0
    after = sorted(DeprivationSummary.objects.values_list("round_id", "village_id", "indicator"))
    assert after == before


def test_summaries_and_figures_do_not_move_when_the_registry_does(province):
    before = sorted(RoundSummary.objects.values_list("round_id", "village_id", "poverty_class"))
    counts = sorted(RoundSummary.objects.values_list("households", "persons", "nlnn_households"))
    figures = {y: _year_rows(province["P"], y).total.counts for y in (2024, 2025)}
    movements = sorted(FlowSummary.objects.values_list("village_id", "flow", "households"))
    deprived = sorted(
        DeprivationSummary.objects.values_list(
            "round_id", "village_id", "poverty_class", "indicator", "households"
        )
    )
    officer = UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])
    forms = {
        y: deprivations(actor=officer, unit=province["P"], year=y).total.values
        for y in (2024, 2025)
    }
    moved = [a.household_id for a in province["poor_a1"]]
    Household.objects.filter(pk__in=moved).update(
        unit=province["B1"], has_merit_person=True, head_ethnicity="06"
    )
    Household.objects.filter(unit=province["FS1"]).update(unit=province["A2"])
    # Households on the movements without an entry in the round (placed by their registry village
    # at approval) move too.
    Household.objects.filter(outcomes__round=province["round_A"], assessments=None).update(
        unit=province["B1"]
    )
    Assessment.objects.filter(round=province["round_B"]).update(members=[])
    Assessment.objects.filter(round=province["round_A"]).update(deprived=["employment"])
    assert sorted(RoundSummary.objects.values_list("round_id", "village_id", "poverty_class")) == (
        before
    )
    assert (
        sorted(RoundSummary.objects.values_list("households", "persons", "nlnn_households"))
        == counts
    )
    assert {y: _year_rows(province["P"], y).total.counts for y in (2024, 2025)} == figures
    assert sorted(FlowSummary.objects.values_list("village_id", "flow", "households")) == movements
    assert (
        sorted(
            DeprivationSummary.objects.values_list(
                "round_id", "village_id", "poverty_class", "indicator", "households"
            )
        )
        == deprived
    )
    assert {
        y: deprivations(actor=officer, unit=province["P"], year=y).total.values
        for y in (2024, 2025)
    } == forms


def test_empty_units_have_no_summary_rows_and_zero_counts():
    u = build_tiny_province()
    assert not RoundSummary.objects.filter(round__unit__in=[u["NOROUND"], u["EMPTY"]]).exists()
    ward = set(RoundSummary.objects.filter(round=u["round_WARD"]).values_list("poverty_class"))
    assert ward == {(C.NOT_POOR,), (C.MIDDLE,)}
    actor = UserFactory(role=Role.PROVINCE_OFFICER, unit=u["T"])
    assert_same_groups(actor, u["T"], 2025)
    assert_same_deprivations(actor, u["T"], 2025)
    assert not DeprivationSummary.objects.filter(round=u["round_WARD"]).exists()
    table = {row.unit_pk: row for row in deprivations(actor=actor, unit=u["T"], year=2025).rows}
    assert table[u["WARD"].pk].count("households") == 0
    assert table[u["WARD"].pk].rate("nutrition", "households") is None
    assert table[u["NOROUND"].pk].values.get("nutrition", 0) == 0
    assert table[u["CO"].pk].count("nutrition") == 2
    rows = {row.unit_pk: row for row in _year_rows(u["T"], 2025).rows}
    ward_row = rows[u["WARD"].pk]
    assert ward_row.count("poor") == 0 and ward_row.rate("poor") == Decimal("0.00")
    assert ward_row.counts["middle"] == 1 and ward_row.counts.get("middle_nlnn", 0) == 0
    for key in ("NOROUND", "EMPTY"):
        assert rows[u[key].pk].count("poor") == 0 and not rows[u[key].pk].counts.get("poor")
    assert rows[u["CO"].pk].count("poor") == 2
    assert_same_as_direct(u["T"], 2025)


def test_ad_hoc_rounds_are_not_summarised(province):
    adhoc = ReviewRound.objects.create(
        unit=province["A"],
        year=2025,
        round_type=RoundType.AD_HOC,
        review_date=dt.date(2025, 12, 1),
        standard="vn-2022",
        status=RoundStatus.APPROVED,
    )
    Assessment.objects.create(
        round=adhoc,
        household=HouseholdFactory(unit=province["A1"]),
        poverty_class=C.POOR,
        members=[],
        facts={},
        standard="vn-2022",
    )
    round_snapshot_take(review_round=adhoc)
    assert not RoundSummary.objects.filter(round=adhoc).exists()


VILLAGES = ("A1", "A2", "B1", "FA1", "FS1", "FS2")
ANY_CLASS = (C.POOR, C.NEAR_POOR, C.MIDDLE, C.NOT_POOR, "")
household = st.tuples(
    st.sampled_from(VILLAGES),
    st.sampled_from(ANY_CLASS),
    st.sampled_from(("01", "02", "")),  # the head's ethnicity (Kinh, Tày, not recorded)
    st.booleans(),  # merit, no working capacity and social protection alike
    st.booleans(),  # facts.nlnn
    st.integers(0, 4),  # members
    st.lists(st.sampled_from(("nutrition", "employment", "housing_area")), unique=True),
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(households=st.lists(household, max_size=10))
def test_any_year_of_any_rounds_sums_to_the_direct_figures(province, officer, households):
    """A year (2023) of rounds in former and today's communes, merged, split or whole."""
    with transaction.atomic():
        rounds = {}
        for key, klass, ethnicity, flag, nlnn, members, deprived in households:
            village = province[key]
            commune = village.parent
            if commune.pk not in rounds:
                rounds[commune.pk] = approved_round(commune, 2023)
            Assessment.objects.create(
                round=rounds[commune.pk],
                household=HouseholdFactory(
                    unit=village,
                    head_ethnicity=ethnicity,
                    has_merit_person=flag,
                    no_working_capacity=not flag,
                    social_protection=flag,
                ),
                poverty_class=klass,
                members=[{"member_id": str(i)} for i in range(members)],
                facts={"nlnn": nlnn},
                standard="vn-2022",
                deprived=deprived,
                deprivation_count=len(deprived),
            )
        for review_round in rounds.values():
            round_snapshot_take(review_round=review_round)
        if rounds:
            for unit in (province["P"], province["A"], province["B"]):
                if final_rounds(unit, 2023).exists():
                    assert_same_as_direct(unit, 2023)
                    assert_same_groups(officer, unit, 2023)
                    assert_same_deprivations(officer, unit, 2023)
        transaction.set_rollback(True)
