"""Standards as data: the files, which standard applies when, and province standards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from giamngheo.standards import (
    StandardError,
    available_standards,
    classify_household,
    load_standard,
    require_in_force,
    select_standard,
)
from giamngheo.standards.indicators import REGISTRY
from giamngheo.standards.tests.factories import household, member

FIXTURES = Path(__file__).parent / "fixtures"
PROVINCE = FIXTURES / "province-example.toml"


def test_national_standards_are_shipped():
    assert available_standards() == ["vn-2016", "vn-2022", "vn-2027"]


@pytest.mark.parametrize(("std", "count"), [("vn-2016", 10), ("vn-2022", 12), ("vn-2027", 12)])
def test_each_standard_lists_its_indicators_with_articles(std, count):
    s = load_standard(std)
    assert len(s.indicators) == count
    assert all(i.article and i.dimension in s.dimensions for i in s.indicators)


def test_decree_351_2025_vn_2027_lines_and_no_middle_band():
    s = load_standard("vn-2027")
    assert (s.lines["rural"].poverty_line, s.lines["urban"].poverty_line) == (2_200_000, 2_800_000)
    assert s.lines["rural"].middle_upper is None and s.provisional
    assert "info_access_means" not in s.indicator_ids and "waste_treatment" in s.indicator_ids


def test_required_facts_come_from_the_data_files():
    assert "waste_treated" in load_standard("vn-2027").household_facts()
    assert "waste_treated" not in load_standard("vn-2022").household_facts()
    assert "ill_untreated" in load_standard("vn-2016").member_facts()


@pytest.mark.parametrize("std", ["vn-2016", "vn-2022", "vn-2027"])
def test_every_fact_an_indicator_needs_is_listed_in_the_data(std):
    """The data file's facts are the facts the kind's definition asks for (and no others)."""
    from giamngheo.standards.records import records_to_frames
    from giamngheo.standards.tables import build_tables

    t = build_tables(*records_to_frames([household(std, [member(), member(age=10)])]))
    for spec in load_standard(std).indicators:
        needs = {n.fact for n in REGISTRY[spec.kind].requires(t, spec.params)} - {
            "date_of_birth",
            "sex",
        }
        listed = (set(spec.household_facts) | set(spec.member_facts)) - {"sex"}
        assert needs == listed, spec.id


@pytest.mark.parametrize(
    ("review", "round_type", "expected"),
    [
        ("2026-05-01", "ad_hoc", "vn-2022"),  # Decree 351/2025: 2026 continues the 2022 standard
        ("2027-02-01", "ad_hoc", "vn-2027"),
        ("2026-10-15", "periodic", "vn-2027"),  # sets the 2027 lists
        ("2021-10-15", "periodic", "vn-2022"),  # late-2021 review set the 2022 baseline
        ("2021-06-01", "ad_hoc", "vn-2016"),  # Decree 07/2021 Art. 2(1): 2021 kept Decision 59/2015
        ("2025-10-15", "periodic", "vn-2022"),
        ("2019-10-15", "periodic", "vn-2016"),
    ],
)
def test_spec_section_0_standard_selection(review, round_type, expected):
    assert select_standard(dt.date.fromisoformat(review), round_type).id == expected


def test_explicit_standard_wins_when_valid():
    assert select_standard(dt.date(2026, 3, 1), "ad_hoc", "vn-2022").id == "vn-2022"


def test_named_standard_outside_its_dates_is_selected_but_not_in_force_for_a_round():
    """household-facts.md ``standard``: "wins over the selection rule"; a round still checks."""
    std = select_standard(dt.date(2026, 10, 15), "periodic", "vn-2022")  # applies 2027-01-01
    assert std.id == "vn-2022"
    with pytest.raises(StandardError, match=r"valid 2022-01-01\.\.2026-12-31, not on 2027-01-01"):
        require_in_force(std, dt.date(2026, 10, 15), "periodic")
    require_in_force(std, dt.date(2026, 10, 15), "ad_hoc")  # ad hoc: in force on its own date


def test_no_standard_in_force_is_an_error():
    with pytest.raises(StandardError):
        select_standard(dt.date(2030, 10, 15), "periodic")
    out = classify_household(
        household("vn-2027", standard=None, review_date="2030-10-15", round_type="periodic")
    )
    assert out["error"]["field"] == "review_date"


def test_unknown_standard_is_an_error():
    with pytest.raises(StandardError):
        load_standard("vn-1999")
    out = classify_household(household("vn-2022", standard="vn-1999"))
    assert out["error"] == {
        "table": "households",
        "row": 1,
        "field": "standard",
        "message": "unknown standard 'vn-1999'",
    }


def test_a_household_may_not_name_a_file_as_its_standard():
    out = classify_household(household("vn-2022", standard=str(PROVINCE)))
    assert out["error"]["field"] == "standard"


def test_province_standard_raises_thresholds_of_its_base():
    std = load_standard(PROVINCE)
    assert std.id == "hp-2024" and std.base == "vn-2022"
    assert std.lines["rural"].poverty_line == 1_800_000
    assert dict(std.indicators[std.indicator_ids.index("housing_area")].params) == {
        "min_m2_per_person": 10
    }
    assert std.indicator_ids == load_standard("vn-2022").indicator_ids


def test_province_standard_classifies_with_its_own_lines_and_parameters():
    people = [member(), member(age=38, sex="female")]
    facts = household(
        "vn-2022",
        people,
        income_per_capita_month=1_700_000,
        floor_area_m2=18.0,
        hygienic_latrine=False,
        uses_telecom=False,
    )
    national = classify_household(facts)
    province = classify_household(facts, standard=load_standard(PROVINCE))
    assert national["class"] == "middle" and "housing_area" not in national["deprived"]
    assert province["class"] == "poor" and "housing_area" in province["deprived"]
    assert province["standard"] == "hp-2024" and province["poverty_line"] == 1_800_000


def test_province_standard_named_outside_its_validity_classifies_with_a_warning():
    """household-facts.md ``standard``: a named standard wins over the selection rule."""
    facts = household("vn-2022", review_date="2026-03-01")
    out = classify_household(facts, standard=load_standard(PROVINCE))
    assert out["standard"] == "hp-2024" and "class" in out
    assert [w["code"] for w in out["warnings"]] == ["standard_not_in_force"]
    assert out["warnings"][0]["params"]["valid_to"] == "2025-12-31"


def test_province_standard_may_not_lower_a_line(tmp_path):
    bad = tmp_path / "low.toml"
    bad.write_text('id = "x"\nbase = "vn-2022"\n[income]\nrural = { poverty_line = 1000000 }\n')
    with pytest.raises(StandardError, match="below the national"):
        load_standard(bad)


def test_province_standard_from_a_mapping_as_the_database_holds_it():
    std = load_standard(
        {
            "id": "p",
            "base": "vn-2027",
            "income": {"urban": {"poverty_line": 3_000_000, "near_poor_line": 3_000_000}},
        }
    )
    assert (
        std.lines["urban"].poverty_line == 3_000_000
        and std.lines["rural"].poverty_line == 2_200_000
    )
