"""Properties of the figure formatters and the summaries over any counts, including none at all.

A ward with no poor household, a commune with no resident count and a year without an approved
round are ordinary: formatters show a dash for what does not exist, rates over zero households
are None, and nothing raises.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from giamngheo.accounts.tests.factories import UnitFactory
from giamngheo.geo.models import Level
from giamngheo.households.models import ResidentCount
from giamngheo.households.vocab import PovertyClass as C
from giamngheo.reports.formats import DASH, rate_change, vn_decimal, vn_number, vn_percent
from giamngheo.reports.selectors.common import NoApprovedRound, percent
from giamngheo.reports.selectors.figures import Row, _sum_rows, published_summary
from giamngheo.reports.templatetags.vn import vn_count, vn_rate_near_poor, vn_rate_poor
from giamngheo.reports.tests.fixtures import approved_round, assess
from giamngheo.reviews.services import round_snapshot_take

FAST = settings(max_examples=300, deadline=None)
FORMATTERS = (vn_number, vn_decimal, vn_percent, rate_change)
KEYS = ("poor", "near_poor", "middle", "middle_nlnn")

anything = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
figures = st.decimals(min_value=-(10**15), max_value=10**15, allow_nan=False, places=4)
counts = st.dictionaries(
    st.sampled_from(KEYS),
    st.decimals(min_value=0, max_value=10**7, allow_nan=False, places=2),
    max_size=4,
)
denominator = st.one_of(
    st.none(), st.decimals(min_value=0, max_value=10**7, allow_nan=False, places=2)
)


def _number(text: str) -> Decimal:
    return Decimal(text.rstrip("%").replace(".", "").replace(",", "."))


@FAST
@given(anything)
def test_formatters_take_anything_a_template_may_hand_them(value):
    for formatter in FORMATTERS:
        text = formatter(value)
        assert isinstance(text, str) and text


@FAST
@given(st.one_of(st.none(), st.just(""), st.just(" "), st.text(alphabet="abcxyz", min_size=1)))
def test_what_is_not_a_number_is_a_dash(value):
    assert [f(value) for f in FORMATTERS] == [DASH] * 4


@FAST
@given(figures)
def test_numbers_read_back_as_the_value_rounded_half_up(value):
    assert _number(vn_number(value)) == value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    two = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert _number(vn_decimal(value)) == two
    assert vn_percent(value) == vn_decimal(value) + "%"
    assert not vn_decimal(value).startswith("-0,00")


@FAST
@given(figures)
def test_a_change_is_down_up_or_unchanged_and_symmetric(points):
    down, up = rate_change(points), rate_change(-points)
    if points.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == 0:
        assert down == up
    else:
        assert down != up
        assert vn_decimal(abs(points)) in down and vn_decimal(abs(points)) in up


@FAST
@given(counts, denominator)
def test_a_row_never_divides_by_zero_and_counts_missing_keys_as_zero(values, households):
    row = Row(unit=None, label="Phường", households=households, counts=dict(values))
    for key in KEYS:
        assert row.count(key) == int(
            values.get(key, Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )
        rate = row.rate(key)
        assert (rate is None) == (not households)
        if rate is not None and values.get(key, 0) <= households:
            assert Decimal(0) <= rate <= Decimal(100)
        assert vn_count(row, key) == vn_number(row.count(key))
    assert vn_rate_poor(row) == vn_percent(row.rate("poor"))
    assert vn_rate_near_poor(row) == vn_percent(row.rate("near_poor"))
    assert (row.combined_rate is None) == (not households)
    assert row.change() is None


@FAST
@given(st.lists(st.tuples(counts, denominator), max_size=6), st.tuples(counts, denominator))
def test_a_total_adds_its_rows_and_its_rates_come_from_the_sums(rows, before):
    parts = [
        Row(unit=None, label=str(i), households=h, counts=dict(c)) for i, (c, h) in enumerate(rows)
    ]
    total = _sum_rows(parts, None, "Tổng")
    known = [r.households for r in parts if r.households is not None]
    assert total.households == (sum(known, Decimal(0)) if known else None)
    for key in KEYS:
        assert total.counts.get(key, Decimal(0)) == sum(
            (r.counts.get(key, Decimal(0)) for r in parts), Decimal(0)
        )
        assert total.rate(key) == percent(total.counts.get(key, Decimal(0)), total.households)
    total.previous = Row(unit=None, label="", households=before[1], counts=dict(before[0]))
    change = total.change("poor")
    assert (change is None) == (not total.households or not before[1])
    assert isinstance(rate_change(change), str)


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.booleans(),  # the commune has an approved round
            st.integers(0, 3),  # poor
            st.integers(0, 3),  # near-poor
            st.integers(0, 2),  # others
            st.one_of(st.none(), st.integers(0, 30)),  # resident households
        ),
        min_size=1,
        max_size=4,
    )
)
def test_published_summaries_of_any_mix_of_empty_communes(communes):
    assume(any(has_round for has_round, *_rest in communes))
    with transaction.atomic():
        province = UnitFactory(code="88", name="Tỉnh H", level=Level.PROVINCE, division_type="tỉnh")
        for index, (has_round, poor, near, other, residents) in enumerate(communes):
            commune = UnitFactory(code=f"880{index}", parent=province)
            village = UnitFactory(
                code=f"880{index}-1", parent=commune, level=Level.VILLAGE, division_type="thôn"
            )
            if residents is not None:
                ResidentCount.objects.create(unit=commune, year=2025, households=residents)
            if has_round:
                review_round = approved_round(commune, 2025)
                for klass, n in ((C.POOR, poor), (C.NEAR_POOR, near), (C.NOT_POOR, other)):
                    if n:
                        assess(review_round, village, klass, n)
                round_snapshot_take(review_round=review_round)
        summary = published_summary(unit=province, year=2025)
        assert len(summary.rows) == len(communes)
        for row, (has_round, poor, near, _other, residents) in zip(
            summary.rows, communes, strict=True
        ):
            assert row.count("poor") == (poor if has_round else 0)
            assert row.count("near_poor") == (near if has_round else 0)
            assert (row.rate("poor") is None) == (not residents)
            for text in (vn_count(row, "poor"), vn_rate_poor(row), vn_number(row.households)):
                assert isinstance(text, str) and text
        assert summary.total.count("poor") == sum(r.count("poor") for r in summary.rows)
        with pytest.raises(NoApprovedRound):
            published_summary(unit=province, year=2024)
        transaction.set_rollback(True)
