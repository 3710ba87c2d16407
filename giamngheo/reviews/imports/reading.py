"""Reading the answers workbook: its columns, one cell at a time, and the problems found."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from giamngheo.households.imports.columns import bool_labels
from giamngheo.households.text import fold
from giamngheo.jobs.results import JobError
from giamngheo.reviews import screening
from giamngheo.reviews.facts import MEMBER_FACTS, SECTIONS, Fact
from giamngheo.reviews.workbooks import HOUSEHOLD_SHEET, MEMBER_SHEET, Parsed, sheet_title
from giamngheo.validators import control_character, date_range_error

GUIDE_SHEET = pgettext_lazy("spreadsheet sheet", "Instructions")
LISTS_SHEET = pgettext_lazy("spreadsheet sheet", "Lists")
HOUSEHOLD_FACTS = [f for _title, facts in SECTIONS.values() for f in facts]
# The columns by code: the code is the key of a row once read, and what older files have as
# their header; the template writes `header(name)`.
HOUSEHOLD_COLUMNS = ["household_code", "head_name", "form_a_markers"] + [
    f.name for f in HOUSEHOLD_FACTS
]
MEMBER_COLUMNS = ["household_code", "member_id", "full_name"] + [f.name for f in MEMBER_FACTS]
FACTS = {f.name: f for f in [*HOUSEHOLD_FACTS, *MEMBER_FACTS]}
HEADERS: dict[str, Promise] = {
    "household_code": pgettext_lazy("spreadsheet column", "Household code"),
    "head_name": pgettext_lazy("spreadsheet column", "Full name of the head of household"),
    "form_a_markers": pgettext_lazy("spreadsheet column", "Form A markers"),
    "member_id": pgettext_lazy("spreadsheet column", "Member ID"),
    "full_name": pgettext_lazy("spreadsheet column", "Full name"),
    "date_of_birth": pgettext_lazy("spreadsheet column", "Date of birth (dd/mm/yyyy)"),
}
# Compared folded (no accents, lower case), so "Có", "co" and "CÓ" are the same answer.
TRUE = {"true", "1", "có", "co", "yes", "x", "đúng", "dung", "c"}
FALSE = {"false", "0", "không", "khong", "no", "k"}
FORMATS: dict[str, Promise] = {
    "text": gettext_lazy("Text"),
    "int": gettext_lazy("Whole number"),
    "decimal": gettext_lazy("Number (decimals allowed, e.g. 24.5)"),
    "bool": gettext_lazy("Choose Có or Không (1 or 0 are accepted too)"),
    "optional_bool": gettext_lazy("Choose Có or Không, or leave empty"),
    "choice": gettext_lazy("Choose from the dropdown list"),
    "multi": gettext_lazy("Several values separated by ';'; no dropdown, type them"),
    "date": gettext_lazy("Date as text, dd/mm/yyyy"),
}
# Kinds an officer picks from a dropdown; `multi` holds several values and stays text.
LISTED_KINDS = ("bool", "optional_bool", "choice")


def header(name: str) -> str:
    """The header of the column `name` as the template writes it, in the page's language."""
    if name in HEADERS:
        return str(HEADERS[name])
    if name in FACTS:
        return str(FACTS[name].label)
    return name


def _header_lookup(names: list[str]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name in names:
        lookup.setdefault(fold(name), name)
        for language in ("vi", "en"):
            with translation.override(language):
                lookup.setdefault(fold(header(name)), name)
    return lookup


def by_code(rows: list[tuple[int, dict[str, Any]]], names: list[str]) -> list:
    """Rows keyed by column code: a header may be the code, or the Vietnamese or English
    header, with or without accents, in any case."""
    lookup = _header_lookup(names)
    out = []
    for row_no, row in rows:
        keyed: dict[str, Any] = {}
        for key, value in row.items():
            keyed.setdefault(lookup.get(fold(str(key)), str(key)), value)
        out.append((row_no, keyed))
    return out


def keyed_by_code(parsed: Parsed) -> Parsed:
    return Parsed(
        households=by_code(parsed.households, HOUSEHOLD_COLUMNS),
        members=by_code(parsed.members, MEMBER_COLUMNS),
    )


def labels(fact: Fact) -> list[str]:
    """What the dropdown of `fact` offers (and what the guide lists for several values)."""
    if fact.kind in ("bool", "optional_bool"):
        return bool_labels()
    return [str(label) for _code, label in fact.choices]


def choice_lookup(choices) -> dict[str, str]:
    """Folded code or label, in Vietnamese or English → code."""
    lookup: dict[str, str] = {}
    for code, label in choices:
        lookup.setdefault(fold(code), code)
        for language in ("vi", "en"):
            with translation.override(language):
                lookup.setdefault(fold(str(label)), code)
    return lookup


def marker_lookup() -> dict[str, str]:
    return choice_lookup([(m.code, m.label) for m in screening.MARKERS])


@dataclass
class Problem:
    sheet: str
    row: int
    field: str  # the column's code; people read its header (`column`)
    message: str
    value: Any = ""  # what the cell held

    @property
    def column(self) -> str:
        return header(self.field) if self.field else ""

    @property
    def sheet_title(self) -> str:
        return sheet_title(self.sheet)

    def __str__(self) -> str:
        return _("Sheet %(sheet)s, row %(row)d, column %(field)s: %(message)s") % {
            "sheet": self.sheet_title,
            "row": self.row,
            "field": self.column,
            "message": self.message,
        }

    def as_job_error(self) -> JobError:
        value = "" if self.value is None else str(self.value)
        return JobError(
            sheet=self.sheet_title,
            row=self.row,
            column=self.column,
            value=value,
            message=self.message,
        )


class AnswersInvalid(ValidationError):
    """The file's rows have problems; nothing was saved. `problems` says where each one is."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__([str(p) for p in problems])


def _facts_text(fact: Fact) -> str:
    """The allowed values of `fact`, as messages and the guide name them."""
    if fact.kind in ("choice", "multi", *LISTED_KINDS):
        return "; ".join(labels(fact))
    return str(FORMATS.get(fact.kind, ""))


def coerce(fact: Fact, raw: Any) -> tuple[Any, str]:
    """(value, error) for one cell; the error says how to fix it.

    A coded value may be its code or its label (as the template's dropdown gives it), in
    Vietnamese or English, with or without accents."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if fact.required:
            return None, _("required; enter %(what)s.") % {"what": _facts_text(fact)}
        return ([] if fact.kind == "multi" else None), ""
    text = str(raw).strip()
    if fact.kind == "int":
        cleaned = re.sub(r"[.,\s]", "", text) if isinstance(raw, str) else text
        try:
            value = int(float(cleaned)) if not isinstance(raw, str) else int(cleaned)
        except ValueError:
            return None, _("“%(v)s” is not a whole number; write digits only, e.g. 1200000.") % {
                "v": text
            }
        return _bounded(fact, value)
    if fact.kind == "decimal":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None, _("“%(v)s” is not a number; write e.g. 24.5.") % {"v": text}
        return _bounded(fact, number)
    if fact.kind in ("bool", "optional_bool"):
        low = fold(text)
        if low in TRUE:
            return True, ""
        if low in FALSE:
            return False, ""
        return None, _("“%(v)s” is not yes/no; write “có” or “không”.") % {"v": text}
    if fact.kind == "choice":
        code = choice_lookup(fact.choices).get(fold(text))
        if code is None:
            return None, _("“%(v)s” is not allowed; use one of: %(codes)s.") % {
                "v": text,
                "codes": _facts_text(fact),
            }
        return code, ""
    if fact.kind == "multi":
        lookup = choice_lookup(fact.choices)
        parts = [v.strip() for v in text.split(";") if v.strip()]
        bad = [v for v in parts if fold(v) not in lookup]
        if bad:
            return None, _(
                "“%(v)s” is not allowed; use values from: %(codes)s, separated by ;."
            ) % {"v": ", ".join(bad), "codes": _facts_text(fact)}
        return list(dict.fromkeys(lookup[fold(v)] for v in parts)), ""
    if fact.kind == "date":
        day = _date(raw, text)
        if day is None:
            return None, _("“%(v)s” is not a date; write it as dd/mm/yyyy.") % {"v": text}
        outside = date_range_error(str(fact.label), day)
        if outside:
            return None, outside
        return day.isoformat(), ""
    return None, "?"


def markers(text: str) -> tuple[list[str], list[str]]:
    """(codes, unknown parts) of a markers cell: codes or labels separated by ';'."""
    lookup = marker_lookup()
    parts = [m.strip() for m in text.split(";") if m.strip()]
    return (
        list(dict.fromkeys(lookup[fold(m)] for m in parts if fold(m) in lookup)),
        [m for m in parts if fold(m) not in lookup],
    )


def _date(raw: Any, text: str) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _bounded(fact: Fact, value: float) -> tuple[Any, str]:
    if fact.min_value is not None and value < fact.min_value:
        return None, _("must be at least %(n)s.") % {"n": fact.min_value}
    if fact.max_value is not None and value > fact.max_value:
        return None, _("must be at most %(n)s.") % {"n": fact.max_value}
    return value, ""


def _control_characters(parsed: Parsed) -> list[Problem]:
    """Cells with NUL or other control characters: never typed on purpose, and PostgreSQL
    refuses NUL in text, so they are reported before any lookup reads the file."""
    problems = []
    for sheet, rows in ((HOUSEHOLD_SHEET, parsed.households), (MEMBER_SHEET, parsed.members)):
        for row_no, row in rows:
            for column, value in row.items():
                code = control_character(value)
                if code is not None:
                    problems.append(
                        Problem(
                            sheet,
                            row_no,
                            str(column),
                            _("contains a control character (%(code)s); retype the cell.")
                            % {"code": code},
                            value=value,
                        )
                    )
    return problems
