"""The worked examples of the spec (poverty-standards.md §6), from a fixture file."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from giamngheo.standards import classify_batch, classify_household
from giamngheo.standards.records import records_to_frames

FIXTURE = json.loads(
    (Path(__file__).parent / "fixtures" / "spec_worked_examples.json").read_text("utf-8")
)
EXAMPLES = FIXTURE["examples"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_spec_section_6_worked_example(example):
    """poverty-standards.md §6: each example's class (and deprivations where listed)."""
    out = classify_household(example["household"])
    assert "error" not in out, out
    assert out["class"] == example["expected_class"], example["why"]
    if "expected_deprived" in example:
        assert sorted(out["deprived"]) == sorted(example["expected_deprived"])
        assert out["deprived_members"]["child_school_attendance"] == ["5"]
        assert out["deprived_members"]["employment"] == ["1"]


def test_spec_section_6_worked_examples_in_one_batch_agree():
    households, members = records_to_frames([e["household"] for e in EXAMPLES])
    out = classify_batch(households, members)
    assert out["class"].cast(pl.String).to_list() == [e["expected_class"] for e in EXAMPLES]
