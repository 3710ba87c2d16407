"""The classifier contract's facts (household-facts.md) as the review forms collect them.

One list of fields per form section drives the web forms, the import template and the checks,
so the three cannot drift apart. Values are stored exactly as the contract spells them.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from giamngheo.households.vocab import (
    ChildNutrition,
    Diploma,
    Disability,
    Employment,
    HousingType,
    InfoDevice,
    Relation,
    Sex,
    WaterSource,
)


@dataclass(frozen=True)
class Fact:
    name: str
    label: Any
    kind: str  # int | decimal | bool | optional_bool | choice | multi | date
    choices: tuple[tuple[str, Any], ...] = ()
    required: bool = True
    help: Any = ""
    min_value: float | None = None
    max_value: float | None = None
    extra: dict = field(default_factory=dict)


def _ch(enum) -> tuple[tuple[str, Any], ...]:
    return tuple(enum.choices)


SECTIONS: dict[str, tuple[Any, tuple[Fact, ...]]] = {
    "general": (
        _("Income"),
        (
            Fact(
                "income_per_capita_month",
                _("Income per person per month (VND)"),
                "int",
                min_value=0,
                max_value=1_000_000_000,
                help=_("Average monthly income of the household divided by its members."),
            ),
            Fact(
                "nlnn",
                _("Works in agriculture, forestry, fishery or salt-making"),
                "bool",
                required=False,
            ),
            Fact(
                "b1_score", _("Form B1 score"), "int", required=False, min_value=0, max_value=10_000
            ),
        ),
    ),
    "housing": (
        _("Housing"),
        (
            Fact("housing_type", _("Type of house"), "choice", _ch(HousingType)),
            Fact(
                "floor_area_m2",
                _("Floor area of the dwelling (m²)"),
                "decimal",
                min_value=0,
                max_value=10_000,
                help=_("Whole dwelling; 0 only when the household has no house."),
            ),
        ),
    ),
    "water": (
        _("Water and sanitation"),
        (
            Fact("domestic_water", _("Domestic water source"), "choice", _ch(WaterSource)),
            Fact("hygienic_latrine", _("Uses a hygienic latrine"), "bool"),
            Fact(
                "waste_treated",
                _("Household waste collected or treated hygienically"),
                "optional_bool",
                required=False,
            ),
        ),
    ),
    "information": (
        _("Information"),
        (
            Fact("uses_telecom", _("A member uses telecom or internet services"), "bool"),
            Fact(
                "info_devices",
                _("Information devices owned"),
                "multi",
                _ch(InfoDevice),
                required=False,
            ),
            Fact("hears_loudspeaker", _("Can hear the commune or village loudspeaker"), "bool"),
        ),
    ),
}
HOUSEHOLD_SECTIONS = tuple(SECTIONS)

MEMBER_FACTS: tuple[Fact, ...] = (
    Fact("sex", _("Sex"), "choice", _ch(Sex)),
    Fact("date_of_birth", _("Date of birth"), "date"),
    Fact("relation", _("Relation to the head"), "choice", _ch(Relation)),
    Fact("health_insurance", _("Holds a valid health insurance card"), "bool"),
    Fact("in_school", _("Attending school or a training course"), "bool"),
    Fact("diploma", _("Highest diploma"), "choice", _ch(Diploma)),
    Fact("vocational_training", _("Vocational certificate or certified training"), "bool"),
    Fact("employment", _("Employment"), "choice", _ch(Employment)),
    Fact("working_capacity", _("Able to work"), "bool"),
    Fact("disability", _("Disability"), "choice", _ch(Disability)),
    Fact("social_allowance", _("Receives a monthly social allowance"), "bool"),
    Fact(
        "child_nutrition",
        _("Nutrition (children under 16)"),
        "choice",
        _ch(ChildNutrition),
        required=False,
    ),
    Fact("ill_untreated", _("Ill in the last 12 months without treatment"), "bool", required=False),
)
MEMBER_FACT_NAMES = tuple(f.name for f in MEMBER_FACTS)
# Kept on the assessment but not part of the engine's input.
NOT_CONTRACT = {"b1_score"}


def member_section(member_id: str | int) -> str:
    return f"member-{member_id}"


def member_facts_from_registry(member) -> dict[str, Any]:
    """A member's latest known values from the registry, as contract facts."""
    return {
        "member_id": str(member.pk),
        "sex": member.sex,
        "date_of_birth": member.date_of_birth.isoformat() if member.date_of_birth else None,
        "relation": member.relation,
        "health_insurance": member.health_insurance,
        "in_school": member.in_school,
        "diploma": member.diploma,
        "vocational_training": member.vocational_training,
        "employment": member.employment,
        "working_capacity": member.working_capacity,
        "disability": member.disability,
        "social_allowance": member.social_allowance,
        "child_nutrition": member.child_nutrition or None,
        "ill_untreated": False,
    }


def members_on(household, review_date: dt.date) -> list:
    """The registry members still in the household on the review date."""
    return [m for m in household.members.all() if m.left_on is None or m.left_on > review_date]


def contract_input(assessment) -> dict[str, Any]:
    """The engine's input object for one assessment (household-facts.md)."""
    return contract_record(
        assessment.round,
        assessment.facts,
        assessment.members,
        assessment.household.code,
        assessment.household.area,
    )


def contract_record(
    review_round, facts: dict[str, Any], members: list[dict[str, Any]], code: str, area: str
) -> dict[str, Any]:
    """The same from an assessment's stored columns, for readers that build no model instance."""
    return {
        **{k: v for k, v in facts.items() if k not in NOT_CONTRACT},
        "household_id": code,
        "review_date": review_round.review_date.isoformat(),
        "round_type": review_round.round_type,
        "standard": review_round.standard,
        # The area as it was on the review date (kept in the facts), else the registry's.
        "area": facts.get("area") or area,
        "members": [{k: m.get(k) for k in ("member_id", *MEMBER_FACT_NAMES)} for m in members],
        "deprivations": None,
    }
