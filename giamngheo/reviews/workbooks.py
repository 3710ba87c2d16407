"""Reading an uploaded workbook or CSV into rows: shared by the answers, baseline and
resident-count imports, below the services that check and save what the rows say.
"""

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from giamngheo.spreadsheets import csv_reader

HOUSEHOLD_SHEET, MEMBER_SHEET = "households", "members"


@dataclass
class Parsed:
    households: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    members: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def parse(name: str, content: bytes) -> Parsed:
    """Rows keyed by the header, with their sheet row numbers for the error messages."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise ValidationError(_("The file is not a readable .xlsx workbook.")) from exc
        if HOUSEHOLD_SHEET not in wb.sheetnames and len(wb.sheetnames) > 1:
            raise ValidationError(
                _("The workbook has no sheet “%(s)s”: start from the downloaded template.")
                % {"s": HOUSEHOLD_SHEET}
            )
        first = wb[HOUSEHOLD_SHEET] if HOUSEHOLD_SHEET in wb.sheetnames else wb.worksheets[0]
        parsed = Parsed(households=_rows(first.iter_rows(values_only=True)))
        if MEMBER_SHEET in wb.sheetnames:
            parsed.members = _rows(wb[MEMBER_SHEET].iter_rows(values_only=True))
        return parsed
    if suffix == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("Save the CSV file as UTF-8.")) from exc
        return Parsed(households=_rows(csv_reader(io.StringIO(text))))
    raise ValidationError(_("Upload the template as .xlsx or .csv."))


def _rows(rows) -> list[tuple[int, dict[str, Any]]]:
    it = iter(rows)
    header = [str(h).strip() if h is not None else "" for h in next(it, [])]
    out = []
    for row_no, values in enumerate(it, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        out.append((row_no, dict(zip(header, values, strict=False))))
    return out
