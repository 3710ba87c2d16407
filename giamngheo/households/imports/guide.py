"""The instructions sheet of an import workbook: one shape for the registry's and a round's."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo.spreadsheets import append_row, set_cell


@dataclass(frozen=True)
class GuideRow:
    """One column of an import workbook as its instructions sheet (and the import page) describe it."""

    sheet: str
    header: str
    meaning: str
    required: bool
    format: str
    allowed: str
    example: str = ""
    code: str = ""
    table: str = ""


def write_guide(
    sheet: Worksheet,
    title: str,
    paragraphs: Sequence[str],
    rows: Sequence[GuideRow],
    widths: Sequence[int],
) -> None:
    """An instructions sheet: a title, the paragraphs, then one row per column of the workbook
    (with an example column when any row has one); every cell text."""
    set_cell(sheet, 1, 1, title).font = Font(bold=True, size=14)
    for paragraph in paragraphs:
        append_row(sheet, [paragraph])
    sheet.append([])
    examples = any(row.example for row in rows)
    heading = [_("Sheet"), _("Column"), _("Meaning"), _("Required"), _("Format")]
    heading += [_("Allowed values")] + ([_("Example")] if examples else [])
    append_row(sheet, heading)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        values = [row.sheet, row.header, row.meaning, _("yes") if row.required else ""]
        values += [row.format, row.allowed] + ([row.example] if examples else [])
        append_row(sheet, values)
    for index, width in enumerate(widths[: len(heading)], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
