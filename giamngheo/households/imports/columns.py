"""The columns of the registry file: one list drives the template, the reader and the checks."""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from giamngheo.geo.models import Area
from giamngheo.households.text import fold
from giamngheo.households.vocab import (
    ETHNIC_GROUPS,
    ChildNutrition,
    Diploma,
    Disability,
    Employment,
    PovertyCause,
    Relation,
    Sex,
)

HOUSEHOLDS, MEMBERS = "households", "members"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, code, enum, bool, date, int, citizen_id, causes
    note: Promise
    example: str
    required: bool = False
    choices: tuple[tuple[str, object], ...] = field(default=())
    max_length: int = 0


def _ethnic_choices() -> tuple[tuple[str, str], ...]:
    return tuple(ETHNIC_GROUPS)


HOUSEHOLD_COLUMNS = (
    Column(
        "household_code",
        "code",
        _("Household code, unique in the province; how a re-import finds the household."),
        "31-11560-000123",
        True,
        max_length=32,
    ),
    Column(
        "village_code",
        "code",
        _("Code of the village or residential group (see the list of units)."),
        "11560-01",
        True,
        max_length=32,
    ),
    Column("address", "text", _("House number, lane, hamlet."), "Số 12, xóm Đông", max_length=255),
    Column(
        "head_name",
        "text",
        _("Name of the head; taken from the member whose relation is head when members are given."),
        "Nguyễn Văn An",
        max_length=120,
    ),
    Column(
        "area",
        "enum",
        _("rural or urban; empty: by the commune (xã rural, phường urban)."),
        "rural",
        choices=tuple(Area.choices),
    ),
    Column(
        "head_ethnicity",
        "enum",
        _("Ethnic group of the head: code 01-54 or name; empty: Kinh."),
        "01",
        choices=_ethnic_choices(),
    ),
    Column("phone", "text", _("Contact phone number."), "0912345678", max_length=20),
    Column("has_merit_person", "bool", _("Has a person with meritorious services: 1 or 0."), "0"),
    Column("social_protection", "bool", _("Social protection beneficiary: 1 or 0."), "0"),
    Column("no_working_capacity", "bool", _("No member able to work: 1 or 0."), "0"),
    Column(
        "causes",
        "causes",
        _("Causes of poverty, codes separated by ';'."),
        "lack_capital;illness",
        choices=tuple(PovertyCause.choices),
    ),
)

MEMBER_COLUMNS = (
    Column(
        "household_code",
        "code",
        _("Code of the member's household, as on the households sheet."),
        "31-11560-000123",
        True,
        max_length=32,
    ),
    Column("member_no", "int", _("Member number within the household: 1, 2, 3…"), "1", True),
    Column(
        "full_name", "text", _("Full name with tone marks."), "Nguyễn Văn An", True, max_length=120
    ),
    Column("sex", "enum", _("male or female."), "male", True, choices=tuple(Sex.choices)),
    Column("date_of_birth", "date", _("Date of birth: YYYY-MM-DD or DD/MM/YYYY."), "1980-05-01"),
    Column(
        "relation",
        "enum",
        _("Relation to the head: head, spouse, child, parent, grandchild, sibling, other."),
        "head",
        True,
        choices=tuple(Relation.choices),
    ),
    Column(
        "citizen_id",
        "citizen_id",
        _(
            "12-digit citizen ID number; may be empty for young children. Format the column as Text to keep the leading 0."
        ),
        "031080001234",
    ),
    Column(
        "ethnicity",
        "enum",
        _("Ethnic group: code 01-54 or name; empty: Kinh."),
        "01",
        choices=_ethnic_choices(),
    ),
    Column("in_school", "bool", _("Attending school or training: 1 or 0."), "0"),
    Column(
        "diploma",
        "enum",
        _("Highest diploma completed."),
        "upper_secondary",
        choices=tuple(Diploma.choices),
    ),
    Column("vocational_training", "bool", _("Holds a vocational certificate: 1 or 0."), "0"),
    Column("health_insurance", "bool", _("Holds a valid health insurance card: 1 or 0."), "1"),
    Column(
        "disability",
        "enum",
        _("Disability: none, mild, severe, especially_severe."),
        "none",
        choices=tuple(Disability.choices),
    ),
    Column(
        "employment",
        "enum",
        _("Employment status."),
        "self_employed",
        choices=tuple(Employment.choices),
    ),
    Column("working_capacity", "bool", _("Able to work: 1 or 0; empty: 1."), "1"),
    Column("social_allowance", "bool", _("Receives a monthly social allowance: 1 or 0."), "0"),
    Column(
        "child_nutrition",
        "enum",
        _("Children only: normal, stunted, underweight; otherwise empty."),
        "",
        choices=tuple(ChildNutrition.choices),
    ),
    Column("is_merit_person", "bool", _("Person with meritorious services: 1 or 0."), "0"),
)

COLUMNS = {HOUSEHOLDS: HOUSEHOLD_COLUMNS, MEMBERS: MEMBER_COLUMNS}

# Defaults of the model for optional columns left empty.
DEFAULTS = {
    "head_ethnicity": "01",
    "ethnicity": "01",
    "diploma": Diploma.NONE,
    "disability": Disability.NONE,
    "employment": Employment.NOT_IN_LABOUR_FORCE,
    "working_capacity": True,
}

TRUE_WORDS = {"1", "true", "yes", "y", "x", "co", "c", "dung"}
FALSE_WORDS = {"0", "false", "no", "n", "khong", "k", "sai"}


def enum_lookup(column: Column) -> dict[str, str]:
    """Folded code or label (Vietnamese or English) → code."""
    lookup: dict[str, str] = {}
    for code, label in column.choices:
        lookup[fold(code)] = code
        for language in ("vi", "en"):
            with translation.override(language):
                lookup.setdefault(fold(str(label)), code)
    return lookup


def choice_codes(column: Column) -> str:
    return ", ".join(code for code, _label in column.choices)
