"""Reading an uploaded workbook or CSV into rows: shared by the answers, baseline and
resident-count imports, below the services that check and save what the rows say.
"""

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import load_workbook

from giamngheo.households.text import fold
from giamngheo.spreadsheets import csv_reader

HOUSEHOLD_SHEET, MEMBER_SHEET = "households", "members"
SHEET_TITLES = {
    HOUSEHOLD_SHEET: pgettext_lazy("spreadsheet sheet", "Households"),
    MEMBER_SHEET: pgettext_lazy("spreadsheet sheet", "Members"),
}


def sheet_title(sheet: str) -> str:
    """The title the templates give the sheet `sheet`, in the language of the page."""
    return str(SHEET_TITLES.get(sheet, sheet))


def _find_sheet(names: list[str], sheet: str) -> str | None:
    """The workbook's sheet holding `sheet`: by its code name or its title in either language."""
    wanted = {sheet}
    for language in ("vi", "en"):
        with translation.override(language):
            wanted.add(fold(sheet_title(sheet)))
    return next((name for name in names if fold(name) in wanted), None)


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
        households = _find_sheet(wb.sheetnames, HOUSEHOLD_SHEET)
        members = _find_sheet(wb.sheetnames, MEMBER_SHEET)
        if households is None and len(wb.sheetnames) > 1:
            raise ValidationError(
                _("The workbook has no sheet “%(s)s”: start from the downloaded template.")
                % {"s": sheet_title(HOUSEHOLD_SHEET)}
            )
        first = wb[households] if households is not None else wb.worksheets[0]
        parsed = Parsed(households=_rows(first.iter_rows(values_only=True)))
        if members is not None:
            parsed.members = _rows(wb[members].iter_rows(values_only=True))
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
