"""Stores keep explanations as codes: classify_batch can skip the rendered text."""

import datetime as dt
import json

import polars as pl

from giamngheo.standards import classify_batch


def _tables() -> tuple[pl.DataFrame, pl.DataFrame]:
    households = pl.DataFrame(
        {
            "household_id": ["a", "b"],
            "review_date": [dt.date(2025, 10, 15)] * 2,
            "area": ["rural", "urban"],
            "income_per_capita_month": [1_450_000, 2_100_000],
            "housing_type": ["less_solid", "solid"],
            "floor_area_m2": [20.0, 60.0],
            "domestic_water": ["safe", "safe"],
            "hygienic_latrine": [False, True],
            "uses_telecom": [True, True],
            "info_devices": [["smartphone"], ["tv"]],
            "hears_loudspeaker": [True, True],
        }
    )
    members = pl.DataFrame(
        {
            "household_id": ["a", "b"],
            "member_id": ["1", "1"],
            "date_of_birth": [dt.date(1980, 5, 1), dt.date(1975, 1, 1)],
            "sex": ["male", "female"],
            "relation": ["head", "head"],
            "health_insurance": [False, True],
            "in_school": [False, False],
            "diploma": ["upper_secondary", "university"],
            "vocational_training": [False, False],
            "employment": ["self_employed", "wage_with_contract"],
            "working_capacity": [True, True],
            "disability": ["none", "none"],
            "social_allowance": [False, False],
            "child_nutrition": [None, None],
        }
    )
    return households, members


def test_explanation_codes_are_the_same_without_rendered_text():
    households, members = _tables()
    rendered = classify_batch(households, members, standard="vn-2022", explain=True)
    codes_only = classify_batch(households, members, standard="vn-2022", explain=True, lang=None)
    assert codes_only["explanation"].to_list() == rendered["explanation"].to_list()
    assert codes_only["explanation_text"].to_list() == [None, None]
    assert all(rendered["explanation_text"].to_list())
    first = json.loads(codes_only["explanation"][0])
    assert first[0]["code"] == "income_at_or_below_line"
