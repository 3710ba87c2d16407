"""The what-if core: households re-classified under a named (or raised) standard, counted.

The counts come from the vectorised engine; they must agree with the per-household explained
path household by household, and raised lines (poverty-standards.md §0: a province may set a
higher standard, never a lower one) must move households only towards the poor side.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from giamngheo.standards import StandardError, classify_batch, classify_household, load_standard
from giamngheo.standards.records import records_to_frames
from giamngheo.standards.tests.factories import child, household, member
from giamngheo.standards.tests.test_properties import SETTINGS, households
from giamngheo.standards.whatif import (
    COUNT_CLASSES,
    combine,
    line_problems,
    raised_standard,
    records_frames,
    whatif_counts,
)

RANK = {c: i for i, c in enumerate(COUNT_CLASSES)}


def frames(records: list[dict], units: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    h, m = records_to_frames(records)
    return h.with_columns(pl.Series("unit", units)), m


@SETTINGS
@given(
    st.lists(households(), min_size=1, max_size=8),
    st.sampled_from(["vn-2016", "vn-2022", "vn-2027"]),
)
def test_whatif_counts_give_each_household_the_class_of_the_explained_path(batch, std):
    for i, h in enumerate(batch):
        h["household_id"] = f"h{i}"
    h, m = frames(batch, [f"h{i}" for i in range(len(batch))])
    result = whatif_counts(h, m, standard=std)
    by_unit = result.by_unit()
    for record in batch:
        line = classify_household(record, standard=std)
        expected = "unclassified" if "error" in line else line["class"]
        cells = by_unit[record["household_id"]]
        got = [k for k, (households_, _p) in cells.items() if households_]
        assert got == [expected]
        assert cells[expected][1] == len(record["members"])


def test_whatif_counts_sum_households_and_persons_per_unit():
    records = [
        household(members=[member(), child(8)], household_id="a", income_per_capita_month=900_000),
        household(members=[member()], household_id="b", income_per_capita_month=2_000_000),
        household(members=[member(), member(member_id="2")], household_id="c"),
    ]
    h, m = frames(records, ["X", "X", "Y"])
    result = whatif_counts(h, m, standard="vn-2022")
    assert result.by_unit()["X"]["near_poor"] == (1, 2)
    assert result.by_unit()["X"]["middle"] == (1, 1)
    assert result.by_unit()["Y"]["near_poor"] == (1, 2)
    assert result.total()["near_poor"] == (2, 4)
    assert result.warnings == []


def test_whatif_counts_combined_over_partitions_equal_the_whole():
    records = [
        household(members=[member()], household_id=f"h{i}", income_per_capita_month=i * 300_000)
        for i in range(10)
    ]
    h, m = frames(records, ["A", "B"] * 5)
    whole = whatif_counts(h, m, standard="vn-2022")
    parts = combine(
        [
            whatif_counts(h.slice(0, 4), m.slice(0, 4), standard="vn-2022"),
            whatif_counts(h.slice(4), m.slice(4), standard="vn-2022"),
        ]
    )
    assert parts.by_unit() == whole.by_unit()


def test_whatif_counts_bad_facts_are_counted_unclassified_with_the_row_and_field():
    bad = household(members=[member()], household_id="bad")
    bad.pop("income_per_capita_month")
    h, m = frames([household(members=[member()]), bad], ["A", "A"])
    result = whatif_counts(h, m, standard="vn-2022")
    assert result.total()["unclassified"] == (1, 1)
    assert result.unclassified == 1
    (hid, table, row, fld, message) = result.errors[0]
    assert (hid, table, row, fld) == ("bad", "households", 2, "income_per_capita_month")
    assert "required" in message


def test_whatif_counts_of_no_households_are_empty():
    h, m = frames([household(members=[member()])], ["A"])
    result = whatif_counts(h.clear(), m.clear(), standard="vn-2022")
    assert result.counts.height == 0
    assert result.total()["poor"] == (0, 0)


def test_decree_351_2025_named_vn_2027_on_a_2026_date_classifies_with_a_warning():
    # A periodic review in late 2025 sets the 2026 lists: vn-2022 is in force, vn-2027 is not.
    h, m = frames([household(members=[member()], income_per_capita_month=2_000_000)], ["A"])
    result = whatif_counts(h, m, standard="vn-2027", review_date=dt.date(2025, 11, 15))
    assert result.total()["near_poor"] == (1, 1)  # under the 2.2 m rural line
    (warning,) = result.warnings
    assert warning["code"] == "standard_not_in_force"
    assert warning["params"]["date"] == "2026-01-01"
    in_force = whatif_counts(h, m, standard="vn-2022", review_date=dt.date(2025, 11, 15))
    assert in_force.warnings == []
    assert in_force.total()["middle"] == (1, 1)


def test_poverty_standards_s0_raised_lines_move_households_only_towards_poor():
    records = [
        household(
            members=[member()],
            household_id=f"h{i}",
            income_per_capita_month=1_000_000 + i * 150_000,
            housing_type="simple" if i % 2 else "solid",
            floor_area_m2=4.0 if i % 3 == 0 else 100.0,
            hygienic_latrine=i % 4 != 0,
        )
        for i in range(20)
    ]
    h, m = frames(records, [r["household_id"] for r in records])
    national = whatif_counts(h, m, standard="vn-2022").by_unit()
    raised = raised_standard(
        "vn-2022",
        {
            "rural": {"poverty_line": 1_900_000, "middle_upper": 2_800_000},
            "urban": {"poverty_line": 2_400_000, "middle_upper": 3_600_000},
        },
    )
    province = whatif_counts(h, m, standard=raised).by_unit()
    moved = 0
    for unit, cells in national.items():
        before = next(k for k, (n, _p) in cells.items() if n)
        after = next(k for k, (n, _p) in province[unit].items() if n)
        assert RANK[after] <= RANK[before]
        moved += after != before
    assert moved > 0
    totals = whatif_counts(h, m, standard=raised).total()
    national_totals = whatif_counts(h, m, standard="vn-2022").total()
    poor_near = totals["poor"][0] + totals["near_poor"][0]
    assert poor_near > national_totals["poor"][0] + national_totals["near_poor"][0]


def test_poverty_standards_s0_a_province_line_below_the_national_line_is_refused():
    base = load_standard("vn-2022")
    problems = line_problems(base, {"rural": {"poverty_line": 1_400_000}})
    assert [(p.area, p.field, p.code) for p in problems] == [
        ("rural", "poverty_line", "below_national")
    ]
    with pytest.raises(StandardError, match="below_national"):
        raised_standard(base, {"rural": {"poverty_line": 1_400_000}})


@pytest.mark.parametrize(
    ("std", "lines", "expected"),
    [
        ("vn-2022", {"urban": {"middle_upper": 0}}, ("urban", "middle_upper", "not_positive")),
        (
            "vn-2022",
            {"rural": {"poverty_line": 2_500_000}},
            ("rural", "middle_upper", "upper_below_near"),
        ),
        (
            "vn-2022",
            {"rural": {"near_poor_line": 1_700_000}},
            ("rural", "near_poor_line", "one_line"),
        ),
        (
            "vn-2016",
            {"rural": {"poverty_line": 1_200_000}},
            ("rural", "near_poor_line", "near_below_poverty"),
        ),
    ],
)
def test_poverty_standards_s0_raised_lines_must_keep_their_order(std, lines, expected):
    problems = line_problems(load_standard(std), lines)
    assert [(p.area, p.field, p.code) for p in problems] == [expected]


def test_decision_59_2015_raised_near_poor_line_and_a_band_for_vn_2027_are_allowed():
    std = raised_standard(
        "vn-2016", {"rural": {"poverty_line": 800_000, "near_poor_line": 1_200_000}}
    )
    assert std.lines["rural"].near_poor_line == 1_200_000
    assert std.base == "vn-2016"
    # vn-2027 ships no middle band; a province's own may set one above its lines.
    band = raised_standard("vn-2027", {"rural": {"middle_upper": 3_000_000}})
    assert band.lines["rural"].middle_upper == 3_000_000
    assert band.lines["urban"].middle_upper is None


def test_decree_07_2021_one_line_near_poor_line_follows_a_raised_poverty_line():
    std = raised_standard("vn-2022", {"rural": {"poverty_line": 1_800_000}})
    assert std.lines["rural"].near_poor_line == 1_800_000
    assert std.lines["urban"] == load_standard("vn-2022").lines["urban"]


@SETTINGS
@given(st.lists(households(), min_size=1, max_size=6))
def test_records_frames_classify_as_records_to_frames_do(batch):
    for i, h in enumerate(batch):
        h["household_id"] = f"h{i}"
    fast_h, fast_m = records_frames(batch)
    slow_h, slow_m = records_to_frames(batch)
    fast = classify_batch(fast_h, fast_m)
    slow = classify_batch(slow_h, slow_m)
    assert fast["class"].to_list() == slow["class"].to_list()
    assert fast["error_field"].to_list() == slow["error_field"].to_list()


def test_records_frames_fall_back_when_a_value_is_off_kind():
    record = household(members=[member()], income_per_capita_month="a lot")
    h, _m = records_frames([record])
    line = classify_batch(h, _m).row(0, named=True)
    assert line["error_field"] == "income_per_capita_month"
