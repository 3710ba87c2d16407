"""The template the app hands out, and the export of a user's households (citizen IDs masked)."""

import io

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from giamngheo.households.imports.columns import COLUMNS, HOUSEHOLDS, MEMBERS, choice_codes
from giamngheo.households.models import Household, Member, mask_citizen_id
from giamngheo.spreadsheets import append_row, set_cell

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


def export_workbook(households: QuerySet[Household]) -> bytes:
    """The template's layout filled with `households` (already scoped); IDs are masked."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(HOUSEHOLDS)
    append_row(sheet, [c.name for c in COLUMNS[HOUSEHOLDS]] + ["status"])
    for h in households.select_related("unit").order_by("code").iterator(chunk_size=2000):
        append_row(
            sheet,
            [
                h.code,
                h.unit.code,
                h.address,
                h.head_name,
                h.area,
                h.head_ethnicity,
                h.phone,
                int(h.has_merit_person),
                int(h.social_protection),
                int(h.no_working_capacity),
                ";".join(h.causes or []),
                h.status,
            ],
        )
    sheet = book.create_sheet(MEMBERS)
    names = [c.name for c in COLUMNS[MEMBERS]]
    append_row(sheet, names)
    members = Member.objects.filter(household__in=households).select_related("household")
    for m in members.order_by("household__code", "member_no").iterator(chunk_size=2000):
        row = []
        for name in names:
            if name == "household_code":
                row.append(m.household.code)
            elif name == "citizen_id":
                row.append(mask_citizen_id(m.citizen_id))
            else:
                value = getattr(m, name)
                row.append(int(value) if isinstance(value, bool) else value)
        append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
