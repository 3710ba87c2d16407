"""The vectorised explanation gives every household exactly the structured items of its output line."""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giamngheo.standards import classify_batch, classify_household, load_standard
from giamngheo.standards.engine import evaluate
from giamngheo.standards.explain import output_line
from giamngheo.standards.explain_batch import CODES, explain_batch
from giamngheo.standards.records import records_to_frames
from giamngheo.standards.tables import build_tables
from giamngheo.standards.tests.test_properties import households

# 100 batches of up to 40 households: about two thousand varied households per run.
BATCHES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(BATCHES, max_examples=25)


@st.composite
def varied(draw: Any, hid: str) -> dict[str, Any]:
    """A household as an officer records it, or with deprivations given, a fractional income,
    or a missing fact (an error line)."""
    h: dict[str, Any] = draw(households(hid))
    variant = draw(st.sampled_from(["plain", "plain", "plain", "given", "fraction", "gap"]))
    if variant == "given":
        ids = list(load_standard(h["standard"]).indicator_ids)
        h["deprivations"] = draw(st.lists(st.sampled_from(ids), unique=True))
        if draw(st.booleans()):
            h["members"] = []
            h["size"] = draw(st.integers(1, 8))
    elif variant == "fraction":
        h["income_per_capita_month"] += 0.5
    elif variant == "gap":
        del h[draw(st.sampled_from(["hygienic_latrine", "floor_area_m2", "uses_telecom"]))]
    return h


@st.composite
def batches(draw: Any) -> list[dict[str, Any]]:
    size = draw(st.integers(1, 40))
    return [draw(varied(f"h{i}")) for i in range(size)]


def _outcome(batch: list[dict[str, Any]]) -> Any:
    return evaluate(build_tables(*records_to_frames(batch)), keep_causes=True)


def _codes_only(line: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in line.items() if k not in ("explanation_text", "warnings_text")}
    if "error" in out:
        out["error"] = {k: v for k, v in out["error"].items() if k != "row"}
    return out


@BATCHES
@given(batches())
def test_explain_batch_gives_each_household_the_items_of_its_output_line(batch):
    o = _outcome(batch)
    explained = explain_batch(o)
    for i in range(len(batch)):
        assert explained.line(i) == output_line(o, i, None)


@FEWER
@given(batches())
def test_explain_batch_agrees_with_classifying_each_household_alone(batch):
    """The stored contract (class, deprived, deprived_members, explanation) whatever the batch."""
    explained = explain_batch(_outcome(batch))
    for i, h in enumerate(batch):
        alone = classify_household(h, lang="vi")
        assert _codes_only(explained.line(i)) == _codes_only(alone)


def test_explain_batch_of_no_households_is_empty():
    households = pl.DataFrame(schema={"household_id": pl.String})
    explained = explain_batch(evaluate(build_tables(households, None), keep_causes=True))
    assert list(explained.lines()) == []
    assert explained.frame().height == 0


def test_the_item_table_lists_one_row_per_deprived_member_in_order():
    household = {
        "household_id": "h1",
        "review_date": "2024-06-15",
        "round_type": "ad_hoc",
        "area": "rural",
        "income_per_capita_month": 1_000_000,
        "housing_type": "solid",
        "floor_area_m2": 60.0,
        "domestic_water": "safe",
        "hygienic_latrine": False,
        "uses_telecom": True,
        "info_devices": ["tv"],
        "hears_loudspeaker": True,
        "waste_treated": True,
        "members": [
            {
                "member_id": str(k),
                "age": 30 + k,
                "sex": "male",
                "relation": "head" if k == 1 else "spouse",
                "health_insurance": False,
                "in_school": False,
                "diploma": "upper_secondary",
                "vocational_training": False,
                "employment": "wage_with_contract",
                "working_capacity": True,
                "disability": "none",
                "social_allowance": False,
                "ill_untreated": False,
            }
            for k in (1, 2)
        ],
    }
    explained = explain_batch(_outcome([household]))
    frame = explained.frame()
    assert frame["code"].to_list() == [
        "income_at_or_below_line",
        "deprived_member",
        "deprived_member",
        "deprived",
        "class_rule",
    ]
    assert frame["member_id"].to_list() == [None, "1", "2", None, None]
    assert frame["indicator"].to_list()[1:4] == [
        "health_insurance",
        "health_insurance",
        "hygienic_latrine",
    ]
    assert set(frame["code"].to_list()) <= set(CODES)


@FEWER
@given(batches(), st.sampled_from(["vi", "en", None]))
def test_classify_batch_explanation_columns_equal_the_output_lines(batch, lang):
    table = classify_batch(*records_to_frames(batch), explain=True, lang=lang)
    o = _outcome(batch)
    for i, row in enumerate(table.iter_rows(named=True)):
        line = output_line(o, i, lang)
        if "error" in line:
            assert row["explanation"] is None
            continue
        assert row["deprived"] == line["deprived"]
        assert row["explanation_text"] == line["explanation_text"]
        assert row["warnings_text"] == (line["warnings_text"] or None)
