"""The contract's vocabulary (shared/spec/household-facts.md): field names, kinds and enum values.

Enum values are kept in one place so that tables, validation and the CLI agree on them, and so
that callers can store columns as ``polars.Enum`` (zero-cost decoding in the batch path).
"""

from __future__ import annotations

import polars as pl

CLASSES: tuple[str, ...] = ("poor", "near_poor", "middle", "not_poor")
"""Class codes, worst first: a higher code is never a worse class (monotonicity tests rely on it)."""

AREA = ("rural", "urban")
ROUND_TYPE = ("periodic", "ad_hoc")
HOUSING_TYPE = ("solid", "semi_solid", "less_solid", "simple", "none")
DOMESTIC_WATER = ("safe", "unsafe")
INFO_DEVICES = ("tv", "radio", "computer", "smartphone", "landline", "feature_phone")
SEX = ("male", "female")
RELATION = ("head", "spouse", "child", "parent", "grandchild", "sibling", "other")
DIPLOMA = (
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational_elementary",
    "vocational_intermediate",
    "college",
    "university",
)
EMPLOYMENT = (
    "wage_with_contract",
    "wage_without_contract",
    "self_employed",
    "unemployed",
    "not_in_labour_force",
)
DISABILITY = ("none", "mild", "severe", "especially_severe")
CHILD_NUTRITION = ("normal", "stunted", "underweight")

# kind: "bool", "number", "enum", "enum_list", "date", "int", "str"
HOUSEHOLD_FIELDS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "household_id": ("str", None),
    "review_date": ("date", None),
    "round_type": ("enum", ROUND_TYPE),
    "standard": ("str", None),
    "area": ("enum", AREA),
    "income_per_capita_month": ("number", None),
    "nlnn": ("bool", None),
    "housing_type": ("enum", HOUSING_TYPE),
    "floor_area_m2": ("number", None),
    "domestic_water": ("enum", DOMESTIC_WATER),
    "hygienic_latrine": ("bool", None),
    "uses_telecom": ("bool", None),
    "info_devices": ("enum_list", INFO_DEVICES),
    "hears_loudspeaker": ("bool", None),
    "waste_treated": ("bool", None),
    "size": ("int", None),
    "deprivations": ("str_list", None),
}

MEMBER_FIELDS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "household_id": ("str", None),
    "member_id": ("str", None),
    "date_of_birth": ("date", None),
    "age": ("int", None),
    "sex": ("enum", SEX),
    "relation": ("enum", RELATION),
    "health_insurance": ("bool", None),
    "in_school": ("bool", None),
    "diploma": ("enum", DIPLOMA),
    "vocational_training": ("bool", None),
    "employment": ("enum", EMPLOYMENT),
    "working_capacity": ("bool", None),
    "disability": ("enum", DISABILITY),
    "social_allowance": ("bool", None),
    "child_nutrition": ("enum", CHILD_NUTRITION),
    "ill_untreated": ("bool", None),
}

LABELS: dict[str, str] = {
    # Parameter values as they read in explanations (catalogue msgids; codes stay in data).
    "solid": "solid house",
    "semi_solid": "semi-solid house",
    "less_solid": "less-solid house",
    "simple": "simple house",
    "none": "no house",
    "tv": "TV",
    "radio": "radio",
    "computer": "computer",
    "smartphone": "smartphone",
    "landline": "landline telephone",
    "feature_phone": "basic mobile phone",
    "stunted": "stunted",
    "underweight": "underweight",
    "unemployed": "unemployed",
    "wage_without_contract": "working for wages without a labour contract",
    "mild": "mild disability",
    "severe": "severe disability",
    "especially_severe": "especially severe disability",
    "primary": "primary school",
    "lower_secondary": "lower secondary diploma",
    "upper_secondary": "upper secondary diploma",
    "vocational_elementary": "elementary vocational certificate",
    "vocational_intermediate": "intermediate vocational diploma",
    "college": "college degree",
    "university": "university degree",
}

LIST_FIELDS = ("info_devices", "deprivations")
"""Fields holding lists: ``;``-joined in CSV and Excel (contract, `giamngheo classify`)."""


def enum_dtype(values: tuple[str, ...]) -> pl.Enum:
    """The ``polars.Enum`` a caller may use for a column; its physical codes are the tuple order."""
    return pl.Enum(list(values))


def household_schema() -> dict[str, pl.DataType]:
    """Polars dtypes for a households table (enums as ``pl.Enum`` for the fast path)."""
    return {name: _dtype(kind, values) for name, (kind, values) in HOUSEHOLD_FIELDS.items()}


def member_schema() -> dict[str, pl.DataType]:
    """Polars dtypes for a members table."""
    return {name: _dtype(kind, values) for name, (kind, values) in MEMBER_FIELDS.items()}


def _dtype(kind: str, values: tuple[str, ...] | None) -> pl.DataType:
    if kind == "enum" and values:
        return enum_dtype(values)
    if kind == "enum_list" and values:
        return pl.List(enum_dtype(values))
    return {
        "str": pl.String(),
        "date": pl.Date(),
        "bool": pl.Boolean(),
        "number": pl.Float64(),
        "int": pl.Int64(),
        "str_list": pl.List(pl.String()),
    }[kind]
