"""The template the app hands out, and the export of a user's households (citizen IDs masked)."""

import io
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from giamngheo.households.imports.columns import COLUMNS, HOUSEHOLDS, MEMBERS, choice_codes
from giamngheo.households.models import Household, Member, mask_citizen_id
from giamngheo.spreadsheets import XlsxStream, append_row, set_cell

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def _header(sheet, table: str) -> None:
    for index, column in enumerate(COLUMNS[table], start=1):
        cell = set_cell(sheet, 1, index, column.name)
        cell.font = HEADER_FONT
        note = str(column.note)
        if column.choices and column.kind in ("enum", "causes") and len(column.choices) < 20:
            note += " " + _("Allowed: %(codes)s.") % {"codes": choice_codes(column)}
        cell.comment = Comment(note, "GiảmNghèo")
        if column.required:
            cell.fill = REQUIRED_FILL
        if column.kind in ("citizen_id", "code"):
            sheet.column_dimensions[cell.column_letter].number_format = "@"
        sheet.column_dimensions[cell.column_letter].width = max(12, len(column.name) + 2)
    sheet.freeze_panes = "A2"


def template_workbook() -> bytes:
    """Sheets households and members with the header row, and a guide sheet with a note and an
    example for every column (the example is not on the data sheets, so it is never imported)."""
    book = Workbook()
    sheets = {HOUSEHOLDS: book.active, MEMBERS: book.create_sheet(MEMBERS)}
    sheets[HOUSEHOLDS].title = HOUSEHOLDS
    for table, sheet in sheets.items():
        _header(sheet, table)
        for row in range(2, 1002):
            for index, column in enumerate(COLUMNS[table], start=1):
                if column.kind in ("citizen_id", "code"):
                    sheet.cell(row=row, column=index).number_format = "@"
    guide = book.create_sheet(_("guide"))
    append_row(guide, [_("Sheet"), _("Column"), _("Required"), _("What to write"), _("Example")])
    for cell in guide[1]:
        cell.font = HEADER_FONT
    for table in (HOUSEHOLDS, MEMBERS):
        for column in COLUMNS[table]:
            note = str(column.note)
            if column.choices and column.kind in ("enum", "causes") and len(column.choices) < 20:
                note += " " + _("Allowed: %(codes)s.") % {"codes": choice_codes(column)}
            append_row(
                guide,
                [table, column.name, _("yes") if column.required else "", note, column.example],
            )
    guide.append([])
    append_row(
        guide,
        [
            _(
                "Households are matched by household_code and members by household_code and member_no: "
                "importing the same file again changes nothing. If any row is wrong nothing is imported "
                "and every problem is listed with its row and column."
            )
        ],
    )
    for letter, width in zip("ABCDE", (12, 22, 10, 80, 24), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Rows read from the database per round trip: enough to keep it busy, few enough to keep memory flat.
CHUNK = 5000
HOUSEHOLD_FIELDS = (
    "code",
    "unit__code",
    "address",
    "head_name",
    "area",
    "head_ethnicity",
    "phone",
    "has_merit_person",
    "social_protection",
    "no_working_capacity",
    "causes",
    "status",
)
Progress = Callable[[int], None]


def export_workbook(households: QuerySet[Household]) -> bytes:
    """The template's layout filled with `households` (already scoped); IDs are masked."""
    out = io.BytesIO()
    export_write(households, out)
    return out.getvalue()


def export_members(households: QuerySet[Household]) -> QuerySet[Member]:
    return Member.objects.filter(household__in=households.order_by().values("pk"))


def export_write(
    households: QuerySet[Household], file: Any, progress: Progress | None = None
) -> tuple[int, int]:
    """Stream the export of `households` into `file` in constant memory; returns the number of
    households and members written. `progress(rows)` hears every `CHUNK` rows of both sheets."""
    rows = 0
    with XlsxStream(file) as book:
        sheet = book.sheet(HOUSEHOLDS)
        sheet.append([c.name for c in COLUMNS[HOUSEHOLDS]] + ["status"])
        values = households.order_by("code").values_list(*HOUSEHOLD_FIELDS)
        for row in values.iterator(chunk_size=CHUNK):
            # Causes joined, as the template asks for them; flags are written as 1/0.
            sheet.append((*row[:10], ";".join(row[10] or ()), row[11]))
            rows += 1
            if progress is not None and rows % CHUNK == 0:
                progress(rows)
        count = rows
        sheet = book.sheet(MEMBERS)
        names = [c.name for c in COLUMNS[MEMBERS]]
        sheet.append(names)
        fields = ["household__code" if n == "household_code" else n for n in names]
        masked = names.index("citizen_id")
        members = export_members(households).order_by("household__code", "member_no")
        for member in members.values_list(*fields).iterator(chunk_size=CHUNK):
            row = list(member)
            row[masked] = mask_citizen_id(row[masked])
            sheet.append(row)
            rows += 1
            if progress is not None and rows % CHUNK == 0:
                progress(rows)
    return count, rows - count
