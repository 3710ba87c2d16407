"""A job's errors as a workbook: one row per error, every cell text, to sort and fix from."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.jobs.models import Job
from giamngheo.spreadsheets import append_row


def _text(value) -> str:
    return "" if value is None else str(value)


def error_report_xlsx(job: Job) -> bytes:
    result = job.result or {}
    errors = result.get("errors") or []
    book = Workbook()
    sheet = book.active
    sheet.title = _("Errors")[:31]
    append_row(sheet, [_("Sheet"), _("Row"), _("Column"), _("Value"), _("Problem and fix")])
    for error in errors:
        append_row(
            sheet,
            [_text(error.get(key)) for key in ("sheet", "row", "column", "value", "message")],
        )
    about = book.create_sheet(_("Job")[:31])
    append_row(about, [_("Job"), _text(job.title)])
    append_row(about, [_("Status"), _text(job.get_status_display())])
    append_row(about, [_("Summary"), _text(result.get("summary"))])
    append_row(about, [_("Errors"), _text(job.error_count)])
    if job.error_count > len(errors):
        note = _("Only the first %(kept)s errors were kept; fix them and run the job again.")
        append_row(about, ["", note % {"kept": len(errors)}])
    for ws in (sheet, about):
        for cell in ws[1] if ws is sheet else ws["A"]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
