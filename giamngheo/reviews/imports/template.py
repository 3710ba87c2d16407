"""The answers workbook to download, prefilled with what the round already holds."""

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.reviews import screening
from giamngheo.reviews.facts import MEMBER_FACTS, Fact
from giamngheo.reviews.imports.reading import (
    GUIDE_SHEET,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_FACTS,
    MEMBER_COLUMNS,
    _facts_text,
)
from giamngheo.reviews.models import ReviewRound
from giamngheo.reviews.workbooks import HOUSEHOLD_SHEET, MEMBER_SHEET
from giamngheo.spreadsheets import append_row


def template_xlsx(review_round: ReviewRound) -> bytes:
    """The import template, prefilled with the round's listed households and current answers."""
    wb = Workbook()
    hh = wb.active
    hh.title = HOUSEHOLD_SHEET
    append_row(hh, HOUSEHOLD_COLUMNS)
    mm = wb.create_sheet(MEMBER_SHEET)
    append_row(mm, MEMBER_COLUMNS)
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
                [a.household.code, m["member_id"], names.get(int(m["member_id"]), "")]
                + [_cell(f, m.get(f.name)) for f in MEMBER_FACTS],
            )
    guide = wb.create_sheet(GUIDE_SHEET)
    append_row(guide, [_("Column"), _("Meaning"), _("Allowed values")])
    append_row(
        guide,
        ["form_a_markers", _("Form A markers, separated by ;"), " | ".join(screening.MARKER_CODES)],
    )
    for f in HOUSEHOLD_FACTS + list(MEMBER_FACTS):
        append_row(guide, [f.name, str(f.label), _facts_text(f)])
    for ws in (hh, mm, guide):
        for cell in ws[1]:
            cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(fact: Fact, value: Any) -> Any:
    if value is None:
        return None
    if fact.kind == "multi":
        return ";".join(value)
    if fact.kind in ("bool", "optional_bool"):
        return "có" if value else "không"
    return value
