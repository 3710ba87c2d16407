"""Plain-dict households for tests: by default deprived on nothing under every standard."""

from __future__ import annotations

from typing import Any

# A review date inside each standard's validity (ad-hoc reviews use their own date).
REVIEW_DATE = {"vn-2016": "2019-06-15", "vn-2022": "2024-06-15", "vn-2027": "2028-06-15"}


def member(**over: Any) -> dict[str, Any]:
    base = {
        "member_id": "1",
        "age": 40,
        "sex": "male",
        "relation": "head",
        "health_insurance": True,
        "in_school": False,
        "diploma": "upper_secondary",
        "vocational_training": False,
        "employment": "self_employed",
        "working_capacity": True,
        "disability": "none",
        "social_allowance": False,
        "child_nutrition": None,
        "ill_untreated": False,
    }
    base.update(over)
    if "date_of_birth" in over and "age" not in over:
        base.pop("age")
    return base


def child(age: int, **over: Any) -> dict[str, Any]:
    fields = {
        "age": age,
        "relation": "child",
        "in_school": True,
        "diploma": "primary",
        "employment": "not_in_labour_force",
        "child_nutrition": "normal",
    }
    fields.update(over)
    return member(**fields)


def household(
    std: str = "vn-2022", members: list[dict[str, Any]] | None = None, **over: Any
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "household_id": "h1",
        "review_date": REVIEW_DATE[std],
        "round_type": "ad_hoc",
        "standard": std,
        "area": "rural",
        "income_per_capita_month": 1_000_000,
        "nlnn": False,
        "housing_type": "solid",
        "floor_area_m2": 100.0,
        "domestic_water": "safe",
        "hygienic_latrine": True,
        "uses_telecom": True,
        "info_devices": ["tv"],
        "hears_loudspeaker": True,
        "waste_treated": True,
        "members": members if members is not None else [member()],
        "deprivations": None,
    }
    base.update(over)
    for i, m in enumerate(base["members"] or [], start=1):
        m.setdefault("member_id", str(i))
        if i > 1 and m.get("member_id") == "1":
            m["member_id"] = str(i)
    return base
