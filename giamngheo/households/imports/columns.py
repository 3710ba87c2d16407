"""The columns of the registry file: one list drives the template, the reader and the checks."""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from giamngheo.geo.models import Area
from giamngheo.households.imports.guide import GuideRow
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
    name: str  # the code header, also the field's name; files with it keep working
    header: Promise  # the header the template writes, in the language of the page
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
        pgettext_lazy("spreadsheet column", "Household code"),
        "code",
        _("Household code, unique in the province; how a re-import finds the household."),
        "31-11560-000123",
        True,
        max_length=32,
    ),
    Column(
        "village_code",
        pgettext_lazy("spreadsheet column", "Village or residential group code"),
        "code",
        _("Code of the village or residential group (see the list of units)."),
        "11560-01",
        True,
        max_length=32,
    ),
    Column(
        "address",
        pgettext_lazy("spreadsheet column", "Address"),
        "text",
        _("House number, lane, hamlet."),
        "Số 12, xóm Đông",
        max_length=255,
    ),
    Column(
        "head_name",
        pgettext_lazy("spreadsheet column", "Full name of the head of household"),
        "text",
        _("Name of the head; taken from the member whose relation is head when members are given."),
        "Nguyễn Văn An",
        max_length=120,
    ),
    Column(
        "area",
        pgettext_lazy("spreadsheet column", "Area (rural/urban)"),
        "enum",
        _("rural or urban; empty: by the commune (xã rural, phường urban)."),
        "rural",
        choices=tuple(Area.choices),
    ),
    Column(
        "head_ethnicity",
        pgettext_lazy("spreadsheet column", "Ethnic group of the head"),
        "enum",
        _("Ethnic group of the head: code 01-54 or name; empty: Kinh."),
        "01",
        choices=_ethnic_choices(),
    ),
    Column(
        "phone",
        pgettext_lazy("spreadsheet column", "Phone number"),
        "text",
        _("Contact phone number."),
        "0912345678",
        max_length=20,
    ),
    Column(
        "has_merit_person",
        pgettext_lazy("spreadsheet column", "Has a person with meritorious services"),
        "bool",
        _("Has a person with meritorious services: 1 or 0."),
        "0",
    ),
    Column(
        "social_protection",
        pgettext_lazy("spreadsheet column", "Social protection beneficiary"),
        "bool",
        _("Social protection beneficiary: 1 or 0."),
        "0",
    ),
    Column(
        "no_working_capacity",
        pgettext_lazy("spreadsheet column", "No member able to work"),
        "bool",
        _("No member able to work: 1 or 0."),
        "0",
    ),
    Column(
        "causes",
        pgettext_lazy("spreadsheet column", "Causes of poverty"),
        "causes",
        _("Causes of poverty, codes separated by ';'."),
        "lack_capital;illness",
        choices=tuple(PovertyCause.choices),
    ),
)

MEMBER_COLUMNS = (
    Column(
        "household_code",
        pgettext_lazy("spreadsheet column", "Household code"),
        "code",
        _("Code of the member's household, as on the households sheet."),
        "31-11560-000123",
        True,
        max_length=32,
    ),
    Column(
        "member_no",
        pgettext_lazy("spreadsheet column", "Member number"),
        "int",
        _("Member number within the household: 1, 2, 3…"),
        "1",
        True,
    ),
    Column(
        "full_name",
        pgettext_lazy("spreadsheet column", "Full name"),
        "text",
        _("Full name with tone marks."),
        "Nguyễn Văn An",
        True,
        max_length=120,
    ),
    Column(
        "sex",
        pgettext_lazy("spreadsheet column", "Sex"),
        "enum",
        _("male or female."),
        "male",
        True,
        choices=tuple(Sex.choices),
    ),
    Column(
        "date_of_birth",
        pgettext_lazy("spreadsheet column", "Date of birth (dd/mm/yyyy)"),
        "date",
        _("Date of birth: YYYY-MM-DD or DD/MM/YYYY."),
        "01/05/1980",
    ),
    Column(
        "relation",
        pgettext_lazy("spreadsheet column", "Relation to the head"),
        "enum",
        _("Relation to the head: head, spouse, child, parent, grandchild, sibling, other."),
        "head",
        True,
        choices=tuple(Relation.choices),
    ),
    Column(
        "citizen_id",
        pgettext_lazy("spreadsheet column", "Personal identification number"),
        "citizen_id",
        _(
            "12-digit citizen ID number; may be empty for young children. Format the column as Text to keep the leading 0."
        ),
        "031080001234",
    ),
    Column(
        "ethnicity",
        pgettext_lazy("spreadsheet column", "Ethnic group"),
        "enum",
        _("Ethnic group: code 01-54 or name; empty: Kinh."),
        "01",
        choices=_ethnic_choices(),
    ),
    Column(
        "in_school",
        pgettext_lazy("spreadsheet column", "Attending school or training"),
        "bool",
        _("Attending school or training: 1 or 0."),
        "0",
    ),
    Column(
        "diploma",
        pgettext_lazy("spreadsheet column", "Highest diploma"),
        "enum",
        _("Highest diploma completed."),
        "upper_secondary",
        choices=tuple(Diploma.choices),
    ),
    Column(
        "vocational_training",
        pgettext_lazy("spreadsheet column", "Vocational certificate"),
        "bool",
        _("Holds a vocational certificate: 1 or 0."),
        "0",
    ),
    Column(
        "health_insurance",
        pgettext_lazy("spreadsheet column", "Health insurance card"),
        "bool",
        _("Holds a valid health insurance card: 1 or 0."),
        "1",
    ),
    Column(
        "disability",
        pgettext_lazy("spreadsheet column", "Disability level"),
        "enum",
        _("Disability: none, mild, severe, especially_severe."),
        "none",
        choices=tuple(Disability.choices),
    ),
    Column(
        "employment",
        pgettext_lazy("spreadsheet column", "Employment status"),
        "enum",
        _("Employment status."),
        "self_employed",
        choices=tuple(Employment.choices),
    ),
    Column(
        "working_capacity",
        pgettext_lazy("spreadsheet column", "Able to work"),
        "bool",
        _("Able to work: 1 or 0; empty: 1."),
        "1",
    ),
    Column(
        "social_allowance",
        pgettext_lazy("spreadsheet column", "Monthly social allowance"),
        "bool",
        _("Receives a monthly social allowance: 1 or 0."),
        "0",
    ),
    Column(
        "child_nutrition",
        pgettext_lazy("spreadsheet column", "Nutrition of the child"),
        "enum",
        _("Children only: normal, stunted, underweight; otherwise empty."),
        "",
        choices=tuple(ChildNutrition.choices),
    ),
    Column(
        "is_merit_person",
        pgettext_lazy("spreadsheet column", "Person with meritorious services"),
        "bool",
        _("Person with meritorious services: 1 or 0."),
        "0",
    ),
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


SHEET_TITLES = {
    HOUSEHOLDS: pgettext_lazy("spreadsheet sheet", "Households"),
    MEMBERS: pgettext_lazy("spreadsheet sheet", "Members"),
}
GUIDE_TITLE = pgettext_lazy("spreadsheet sheet", "Instructions")
LISTS_TITLE = pgettext_lazy("spreadsheet sheet", "Lists")
# Kinds an officer picks from a list in the template; `causes` holds several values and stays text.
LISTED_KINDS = ("enum", "bool")


def _in_each_language(text: Promise) -> set[str]:
    found = set()
    for language in ("vi", "en"):
        with translation.override(language):
            found.add(fold(str(text)))
    return found


def header_names(column: Column) -> set[str]:
    """Headers a file may give this column, folded: its code, its Vietnamese or English header."""
    return {fold(column.name)} | _in_each_language(column.header)


def table_of_sheet(title: str) -> str | None:
    """The table a sheet holds, by its code name or its title in either language."""
    folded = fold(title)
    for table, sheet_title in SHEET_TITLES.items():
        if folded == table or folded in _in_each_language(sheet_title):
            return table
    return None


def column_header(table: str, name: str) -> str:
    """The header people read for the column `name` of `table` (the code for unknown names)."""
    for column in COLUMNS[table]:
        if column.name == name:
            return str(column.header)
    return name


def enum_lookup(column: Column) -> dict[str, str]:
    """Folded code or label (Vietnamese or English) → code."""
    lookup: dict[str, str] = {}
    for code, label in column.choices:
        lookup[fold(code)] = code
        for language in ("vi", "en"):
            with translation.override(language):
                lookup.setdefault(fold(str(label)), code)
    return lookup


def bool_labels() -> list[str]:
    return [gettext_now("Yes"), gettext_now("No")]


def labels(column: Column) -> list[str]:
    """What the template's dropdown (or the guide, for several values) offers for `column`."""
    if column.kind == "bool":
        return bool_labels()
    return [str(label) for _code, label in column.choices]


def allowed_values(column: Column) -> str:
    """The allowed values as an error message or the guide names them."""
    return "; ".join(labels(column))


def choice_codes(column: Column) -> str:
    return ", ".join(code for code, _label in column.choices)


def example(column: Column) -> str:
    """The column's example as an officer would type it (a label rather than a code)."""
    if column.kind == "bool" and column.example:
        return bool_labels()[0 if column.example == "1" else 1]
    if column.kind == "enum" and column.example:
        return dict(column.choices).get(column.example, column.example).__str__()
    if column.kind == "causes":
        found = dict(column.choices)
        return "; ".join(str(found.get(code, code)) for code in column.example.split(";"))
    return column.example


FORMATS = {
    "text": _("Text"),
    "code": _("Text, kept exactly as typed"),
    "enum": _("Choose from the dropdown list"),
    "bool": _("Choose Có or Không (1 or 0 are accepted too)"),
    "date": _("Date as text, dd/mm/yyyy"),
    "int": _("Whole number"),
    "citizen_id": _("12 digits, as text (keeps the leading 0)"),
    "causes": _("Several values separated by ';'; no dropdown, type them"),
}


def column_guide() -> list[GuideRow]:
    """Every column of both sheets, in the language of the page: the instructions sheet of the
    template and the column guide of the import page are both made from this."""
    rows = []
    for table in (HOUSEHOLDS, MEMBERS):
        for column in COLUMNS[table]:
            rows.append(
                GuideRow(
                    table=table,
                    sheet=str(SHEET_TITLES[table]),
                    header=str(column.header),
                    code=column.name,
                    meaning=str(column.note),
                    required=column.required,
                    format=str(FORMATS[column.kind]),
                    allowed=allowed_values(column)
                    if column.kind in (*LISTED_KINDS, "causes")
                    else "",
                    example=example(column),
                )
            )
    return rows


def dropdown_preview(table: str = MEMBERS, name: str = "relation") -> tuple[str, list[str]]:
    """One coded column's header and the values its dropdown offers, for the import page."""
    column = next(c for c in COLUMNS[table] if c.name == name)
    return str(column.header), labels(column)
