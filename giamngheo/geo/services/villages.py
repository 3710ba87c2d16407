"""Villages and residential groups (thôn, tổ dân phố, bản, ấp…): import and template.

There is no public dataset of villages, so each province imports its own list. An import either
applies completely or not at all, and reports every bad row at once so the file is fixed in one
go. An existing village is never renamed by an import: that is a decision for the admin screen.
The demo's invented villages are made in `giamngheo.demo.villages`.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.dbstats import analyze_after_commit
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.geo.version import units_changed
from giamngheo.history import REASON_MAX
from giamngheo.spreadsheets import append_row, csv_reader
from giamngheo.validators import control_character, date_range_error

COLUMNS = ["commune_code", "village_code", "name", "division_type", "valid_from"]
REQUIRED_COLUMNS = COLUMNS[:4]
VILLAGE_CODE_RE = re.compile(r"^[0-9A-Za-z_.]{1,20}$")
EXAMPLE_ROW = ["11311", "01", "Tổ dân phố 1", "tổ dân phố", ""]  # Phường Hồng Bàng, Hải Phòng
SOURCE = "villages import"


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in a spreadsheet: the header is row 1
    field: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d, %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    commune_code: str
    village_code: str
    name: str
    division_type: str
    valid_from: dt.date | None
    commune: AdminUnit | None = None


def villages_import(
    *,
    actor: Any | None,
    file: Any,
    filename: str = "",
    may_manage: Callable[[AdminUnit], bool] | None = None,
) -> ImportReport:
    """Import villages from a CSV or .xlsx file; nothing is written unless every row is valid.

    `actor` is the acting user (None for the command line) and `may_manage` says whether they may
    add villages to a commune. Who may is decided in `accounts`, above geo, so the caller passes
    that rule in (`accounts.scoping.unit_manager`); without an actor there is no restriction.
    Re-importing the same file is a no-op.
    """
    if actor is not None and may_manage is None:
        raise ValueError("villages_import needs may_manage when it acts for a user")
    report = ImportReport()
    content = _read_bytes(file)
    filename = filename or str(getattr(file, "name", "") or "")
    try:
        table = _read_table(content, filename)
    except ValueError as exc:
        report.errors.append(RowError(1, _("file"), str(exc)))
        return report
    header = [str(h or "").strip().lower() for h in (table[0] if table else [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        report.errors.append(
            RowError(
                1,
                ", ".join(missing),
                _("Missing column(s). The first row must read: %(columns)s.")
                % {"columns": ", ".join(COLUMNS)},
            )
        )
        return report
    with transaction.atomic():
        rows = _parse_rows(header, table[1:], report.errors)
        _check_communes(rows, may_manage, report.errors)
        to_create = _check_villages(rows, report)
        report.errors.sort(key=lambda e: e.row)
        if report.errors:
            report.created = report.unchanged = 0
            return report
        villages_create(
            units=to_create,
            source=f"{SOURCE} {Path(filename).name}".strip()[:120],
            actor=actor,
        )
        report.created = len(to_create)
    return report


def _read_bytes(file: Any) -> bytes:
    if isinstance(file, bytes):
        return file
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def _read_table(content: bytes, filename: str) -> list[list[Any]]:
    if content.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            _(
                "The file is neither .xlsx nor UTF-8 CSV. Save it from Excel as .xlsx or 'CSV UTF-8'."
            )
        ) from exc
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv_reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise ValueError(
            _("The CSV file cannot be read (%(error)s). Save it from Excel as 'CSV UTF-8'.")
            % {"error": exc}
        ) from None


def _read_xlsx(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValueError(
            _("The .xlsx file cannot be read; open it in Excel and save it again.")
        ) from exc
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell(value)
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _control_message(code: str) -> str:
    return _("Contains a control character (%(code)s); retype the cell.") % {"code": code}


def _parse_rows(
    header: list[str], table: Iterable[list[Any]], errors: list[RowError]
) -> list[_Row]:
    rows = []
    for number, values in enumerate(table, start=2):
        record = dict(zip(header, values, strict=False))
        if not any(_cell(v) for v in values):
            continue
        unusable = [(c, code) for c, v in record.items() if (code := control_character(v))]
        if unusable:
            column, code = unusable[0]
            errors.append(RowError(number, column, _control_message(code)))
            continue
        commune_code = _cell(record.get("commune_code"))
        if commune_code.isdigit():
            commune_code = commune_code.zfill(5)  # Excel drops the leading zeros of "00004"
        row = _Row(
            number,
            commune_code,
            _cell(record.get("village_code")),
            _cell(record.get("name")),
            _cell(record.get("division_type")).lower(),
            None,
        )
        try:
            row.valid_from = _parse_date(record.get("valid_from"))
        except ValueError:
            errors.append(
                RowError(
                    number,
                    "valid_from",
                    _("Write the date as YYYY-MM-DD or DD/MM/YYYY, or leave it empty."),
                )
            )
        outside = row.valid_from and date_range_error("valid_from", row.valid_from)
        if outside:
            errors.append(RowError(number, "valid_from", outside))
            row.valid_from = None
        if not row.commune_code:
            errors.append(
                RowError(number, "commune_code", _("Enter the 5-digit code of the commune."))
            )
        if not VILLAGE_CODE_RE.match(row.village_code):
            errors.append(
                RowError(
                    number,
                    "village_code",
                    _(
                        "Enter the village's code within its commune: letters, digits, '.' or '_', at most 20 characters."
                    ),
                )
            )
        if not row.name:
            errors.append(
                RowError(
                    number,
                    "name",
                    _("Enter the village's name, e.g. “Thôn Đông” or “Tổ dân phố 3”."),
                )
            )
        elif len(row.name) > 200:
            errors.append(
                RowError(number, "name", _("Shorten the name to at most 200 characters."))
            )
        if len(row.division_type) > 40:
            errors.append(
                RowError(
                    number,
                    "division_type",
                    _("Shorten the type to at most 40 characters, e.g. “thôn”."),
                )
            )
        rows.append(row)
    return rows


def _check_communes(
    rows: list[_Row], may_manage: Callable[[AdminUnit], bool] | None, errors: list[RowError]
) -> None:
    codes = {r.commune_code for r in rows if r.commune_code}
    communes: dict[str, list[AdminUnit]] = {}
    for unit in AdminUnit.objects.filter(level=Level.COMMUNE, code__in=codes).order_by(
        "valid_from"
    ):
        communes.setdefault(unit.code, []).append(unit)
    for row in rows:
        if not row.commune_code:
            continue
        found = communes.get(row.commune_code, [])
        current = [u for u in found if u.is_current]
        if not found:
            errors.append(
                RowError(
                    row.number,
                    "commune_code",
                    _(
                        "No commune has the code %(code)s. Use the 5-digit code of today's commune, as listed under Administrative units."
                    )
                    % {"code": row.commune_code},
                )
            )
        elif not current:
            errors.append(
                RowError(
                    row.number,
                    "commune_code",
                    _(
                        "Commune %(code)s (%(name)s) ceased to exist on %(date)s. Use the code of the commune it became part of: %(successors)s."
                    )
                    % {
                        "code": row.commune_code,
                        "name": found[0].name,
                        "date": found[0].valid_to,
                        "successors": _successors(found[0]),
                    },
                )
            )
        elif may_manage is not None and not may_manage(current[0]):
            errors.append(
                RowError(
                    row.number,
                    "commune_code",
                    _(
                        "Commune %(code)s (%(name)s) is outside your unit; ask its province to import it."
                    )
                    % {"code": row.commune_code, "name": current[0].name},
                )
            )
        else:
            row.commune = current[0]
            row.division_type = row.division_type or _default_type(current[0])


def _successors(unit: AdminUnit) -> str:
    edges = unit.successions.select_related("successor").order_by("-is_default", "successor__code")
    return ", ".join(f"{e.successor.code} {e.successor.name}" for e in edges) or "—"


def _default_type(commune: AdminUnit) -> str:
    return "tổ dân phố" if commune.division_type == "phường" else "thôn"


def _check_villages(rows: list[_Row], report: ImportReport) -> list[AdminUnit]:
    """Rows to create; duplicates and conflicts with existing villages go to `report.errors`."""
    codes = {f"{r.commune_code}-{r.village_code}" for r in rows}
    existing: dict[str, AdminUnit] = {}
    for unit in AdminUnit.objects.filter(level=Level.VILLAGE, code__in=codes).order_by("valid_to"):
        existing.setdefault(unit.code, unit)  # the current row (valid_to NULL) sorts last
    seen: dict[str, int] = {}
    to_create = []
    for row in rows:
        code = f"{row.commune_code}-{row.village_code}"
        if code in seen:
            report.errors.append(
                RowError(
                    row.number,
                    "village_code",
                    _(
                        "Village %(village)s of commune %(commune)s is already in row %(row)d; keep one row per village."
                    )
                    % {"village": row.village_code, "commune": row.commune_code, "row": seen[code]},
                )
            )
            continue
        seen[code] = row.number
        if row.commune is None or not row.name:
            continue
        unit = existing.get(code)
        if unit is None:
            to_create.append(
                AdminUnit(
                    code=code,
                    name=row.name,
                    division_type=row.division_type,
                    level=Level.VILLAGE,
                    parent=row.commune,
                    valid_from=row.valid_from,
                )
            )
            continue
        conflict = _conflict(unit, row)
        if conflict:
            report.errors.append(RowError(row.number, *conflict))
        else:
            report.unchanged += 1
    return to_create


def _conflict(unit: AdminUnit, row: _Row) -> tuple[str, str] | None:
    values = {"village": row.village_code, "existing": unit.name}
    if not unit.is_current:
        return "village_code", _(
            "Village %(village)s (%(existing)s) was closed on %(date)s; give the new village a new code."
        ) % {**values, "date": unit.valid_to}
    if unit.name != row.name:
        return "name", _(
            "Village %(village)s already exists as “%(existing)s”. An import never renames a village: rename it on the administrative units screen, or correct this row."
        ) % values
    if unit.division_type != row.division_type:
        return "division_type", _(
            "Village %(village)s (%(existing)s) already exists with type “%(type)s”; change it on the administrative units screen, or correct this row."
        ) % {**values, "type": unit.division_type}
    if row.valid_from and unit.valid_from != row.valid_from:
        return "valid_from", _(
            "Village %(village)s (%(existing)s) already exists valid from %(date)s; leave this cell empty or correct it."
        ) % {**values, "date": unit.valid_from or "—"}
    return None


def villages_create(*, units: list[AdminUnit], source: str, actor: Any | None = None) -> None:
    """Insert unsaved villages in bulk, give them their materialised paths, record their history.

    (The national catalogue loader, load_units, writes without history: it is not a person's edit.)
    """
    for unit in units:
        unit.source = source
    AdminUnit.objects.bulk_create(units)
    for unit in units:
        unit.path = unit.compute_path()
    AdminUnit.objects.bulk_update(units, ["path"], batch_size=500)
    units_changed()
    AdminUnit.history.bulk_history_create(
        units, batch_size=500, default_user=actor, default_change_reason=source[:REASON_MAX]
    )
    analyze_after_commit([AdminUnit], len(units))


def village_template() -> bytes:
    """The .xlsx users fill in: the header row and one example row, codes kept as text."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "villages"
    append_row(sheet, COLUMNS)
    append_row(sheet, EXAMPLE_ROW)
    for column, width in zip("ABCDE", (16, 14, 32, 16, 14), strict=True):
        sheet.column_dimensions[column].width = width
        for cell in sheet[column]:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
