"""The answers workbook to download, prefilled with what the round already holds.

In the language of the page: an instructions sheet first, then the households and members
sheets with one header row and a dropdown on every coded column (its values on a hidden lists
sheet), every cell written as text, dates as dd/mm/yyyy.
"""

import datetime as dt
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.households.imports.guide import GuideRow, write_guide
from giamngheo.reviews import screening
from giamngheo.reviews.facts import MEMBER_FACTS, Fact
from giamngheo.reviews.imports.reading import (
    FACTS,
    FORMATS,
    GUIDE_SHEET,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_FACTS,
    LISTED_KINDS,
    LISTS_SHEET,
    MEMBER_COLUMNS,
    _facts_text,
    header,
    labels,
)
from giamngheo.reviews.models import ReviewRound
from giamngheo.reviews.workbooks import HOUSEHOLD_SHEET, MEMBER_SHEET, sheet_title
from giamngheo.spreadsheets import (
    DROPDOWN_LAST_ROW,
    Dropdowns,
    append_row,
)

HEADER_FONT = Font(bold=True)
# Columns whose cells stay text whatever is typed: codes, member ids and dates.
TEXT_COLUMNS = {"household_code", "member_id", "date_of_birth"}


def column_guide() -> list[GuideRow]:
    """Every column of both sheets as the instructions sheet describes it."""
    fixed = {
        "household_code": (_("Household code, as listed in the round; do not change it."), True),
        "head_name": (_("Name of the head, for reading only; it is not imported."), False),
        "form_a_markers": (
            _(
                "Form A markers that apply, separated by ';'; 0 or không when none applies. "
                "Read during the screening step only."
            ),
            False,
        ),
        "member_id": (_("Member ID from the registry; do not change it."), True),
        "full_name": (_("Member's name, for reading only; it is not imported."), False),
    }
    rows = []
    for sheet, names in ((HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS), (MEMBER_SHEET, MEMBER_COLUMNS)):
        for name in names:
            if name in FACTS:
                fact = FACTS[name]
                meaning = str(fact.help or fact.label)
                required, kind = fact.required, fact.kind
                allowed = _facts_text(fact) if kind in (*LISTED_KINDS, "multi") else ""
            else:
                meaning, required = fixed[name]
                kind, allowed = (
                    ("multi", _marker_text())
                    if name == "form_a_markers"
                    else (
                        "text",
                        "",
                    )
                )
            rows.append(
                GuideRow(
                    sheet_title(sheet),
                    header(name),
                    meaning,
                    required,
                    str(FORMATS[kind]),
                    allowed,
                )
            )
    return rows


def _marker_text() -> str:
    return "; ".join(f"{m.code} ({m.label})" for m in screening.MARKERS)


def template_xlsx(review_round: ReviewRound) -> bytes:
    """The import template, prefilled with the round's listed households and current answers."""
    wb = Workbook()
    guide = wb.active
    guide.title = str(GUIDE_SHEET)
    hh = wb.create_sheet(sheet_title(HOUSEHOLD_SHEET))
    mm = wb.create_sheet(sheet_title(MEMBER_SHEET))
    lists = Dropdowns(wb, str(LISTS_SHEET))
    append_row(hh, [header(name) for name in HOUSEHOLD_COLUMNS])
    append_row(mm, [header(name) for name in MEMBER_COLUMNS])
    names = {}
    assessments = review_round.assessments.select_related("household").order_by("household__code")
    for a in assessments:
        names.update(a.household.members.values_list("pk", "full_name"))
        append_row(
            hh,
            [a.household.code, a.household.head_name, ";".join(a.screening.get("markers", []))]
            + [_cell(f, a.facts.get(f.name)) for f in HOUSEHOLD_FACTS],
        )
        for m in a.members:
            append_row(
                mm,
                [a.household.code, str(m["member_id"]), names.get(int(m["member_id"]), "")]
                + [_cell(f, m.get(f.name)) for f in MEMBER_FACTS],
            )
    for sheet, columns in ((hh, HOUSEHOLD_COLUMNS), (mm, MEMBER_COLUMNS)):
        _prepare(sheet, columns, lists)
    _guide(guide)
    wb.active = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _prepare(sheet, columns: list[str], lists: Dropdowns) -> None:
    last_row = max(DROPDOWN_LAST_ROW, sheet.max_row + 100)
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(1, index)
        cell.font = HEADER_FONT
        sheet.column_dimensions[cell.column_letter].width = max(12, min(len(header(name)) + 2, 40))
        if name in TEXT_COLUMNS:
            sheet.column_dimensions[cell.column_letter].number_format = "@"
        fact = FACTS.get(name)
        if fact is not None and fact.kind in LISTED_KINDS:
            lists.add(
                sheet,
                index,
                header(name),
                labels(fact),
                error=_("Choose a value from the list: %(values)s.")
                % {"values": _facts_text(fact)},
                last_row=last_row,
            )
    sheet.freeze_panes = "A2"


def _guide(guide) -> None:
    paragraphs = (
        _(
            "One row per household on the sheet %(households)s and one row per member on the "
            "sheet %(members)s, prefilled with what the round holds. Change the answers; keep "
            "the codes and the header row."
        )
        % {"households": sheet_title(HOUSEHOLD_SHEET), "members": sheet_title(MEMBER_SHEET)},
        _(
            "Coded columns have a dropdown: click the cell and choose a value. Their values are "
            "listed on the hidden sheet %(lists)s (right-click a sheet tab, Unhide, to see it). "
            "The codes (for example male, head) are accepted too."
        )
        % {"lists": LISTS_SHEET},
        _(
            "Columns holding several values (information devices, form A markers) have no "
            "dropdown: type the values separated by ';'."
        ),
        _(
            "If any row is wrong nothing is saved and every problem is listed with its row and "
            "column; importing the same file again changes nothing."
        ),
    )
    write_guide(
        guide,
        _("How to fill in the answers workbook of a review round"),
        paragraphs,
        column_guide(),
        (14, 34, 60, 10, 30, 60),
    )


def _cell(fact: Fact, value: Any) -> Any:
    """A stored answer as the officer would have typed it: text, labels, dates dd/mm/yyyy."""
    if value is None:
        return None
    if fact.kind == "multi":
        found = dict(fact.choices)
        return ";".join(str(found.get(v, v)) for v in value)
    if fact.kind in ("bool", "optional_bool"):
        return labels(fact)[0 if value else 1]
    if fact.kind == "choice":
        return str(dict(fact.choices).get(value, value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if fact.kind == "date":
        try:
            return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)
