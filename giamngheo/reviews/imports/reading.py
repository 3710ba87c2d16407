"""Reading the answers workbook: its columns, one cell at a time, and the problems found."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from giamngheo.jobs.results import JobError
from giamngheo.reviews.facts import MEMBER_FACTS, SECTIONS, Fact
from giamngheo.reviews.workbooks import HOUSEHOLD_SHEET, MEMBER_SHEET, Parsed
from giamngheo.validators import control_character, date_range_error

GUIDE_SHEET = "huong_dan"
HOUSEHOLD_FACTS = [f for _title, facts in SECTIONS.values() for f in facts]
HOUSEHOLD_COLUMNS = ["household_code", "head_name", "form_a_markers"] + [
    f.name for f in HOUSEHOLD_FACTS
]
MEMBER_COLUMNS = ["household_code", "member_id", "full_name"] + [f.name for f in MEMBER_FACTS]
TRUE = {"true", "1", "có", "co", "yes", "x", "đúng"}
FALSE = {"false", "0", "không", "khong", "no"}


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    message: str
    value: Any = ""  # what the cell held

    def __str__(self) -> str:
        return _("Sheet %(sheet)s, row %(row)d, column %(field)s: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "field": self.column,
            "message": self.message,
        }

    def as_job_error(self) -> JobError:
        value = "" if self.value is None else str(self.value)
        return JobError(
            sheet=self.sheet, row=self.row, column=self.column, value=value, message=self.message
        )


class AnswersInvalid(ValidationError):
    """The file's rows have problems; nothing was saved. `problems` says where each one is."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__([str(p) for p in problems])


def _facts_text(fact: Fact) -> str:
    if fact.choices:
        return " | ".join(code for code, _label in fact.choices)
    return {
        "int": _("whole number"),
        "decimal": _("number"),
        "bool": _("yes/no (có/không)"),
        "optional_bool": _("yes/no or empty"),
        "date": _("date YYYY-MM-DD or DD/MM/YYYY"),
    }.get(fact.kind, "")


def coerce(fact: Fact, raw: Any) -> tuple[Any, str]:
    """(value, error) for one cell; the error says how to fix it."""
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
        low = text.lower()
        if low in TRUE:
            return True, ""
        if low in FALSE:
            return False, ""
        return None, _("“%(v)s” is not yes/no; write “có” or “không”.") % {"v": text}
    if fact.kind == "choice":
        codes = [c for c, _label in fact.choices]
        return (
            (text, "")
            if text in codes
            else (
                None,
                _("“%(v)s” is not allowed; use one of: %(codes)s.")
                % {"v": text, "codes": ", ".join(codes)},
            )
        )
    if fact.kind == "multi":
        codes = [c for c, _label in fact.choices]
        values = [v.strip() for v in text.split(";") if v.strip()]
        bad = [v for v in values if v not in codes]
        if bad:
            return None, _("“%(v)s” is not allowed; use codes from: %(codes)s, separated by ;.") % {
                "v": ", ".join(bad),
                "codes": ", ".join(codes),
            }
        return values, ""
    if fact.kind == "date":
        day = _date(raw, text)
        if day is None:
            return None, _("“%(v)s” is not a date; write YYYY-MM-DD or DD/MM/YYYY.") % {"v": text}
        outside = date_range_error(str(fact.label), day)
        if outside:
            return None, outside
        return day.isoformat(), ""
    return None, "?"


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
