"""The onboarding files: the template officers fill in, the reading of what they upload (.xlsx or
CSV, every cell as text, rows numbered as the spreadsheet numbers them), and the workbook that hands
the temporary passwords over once. Checking the rows and opening the accounts is `onboarding`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from giamngheo.accounts import selectors
from giamngheo.accounts.models import Role, User
from giamngheo.accounts.scoping import is_administrator
from giamngheo.errors import DomainError
from giamngheo.geo.models import AdminUnit, Level, q_within
from giamngheo.spreadsheets import append_row, csv_reader, set_cell

# A batch is hashed and written in one request: a password hash takes 0.2-0.3 s of one core, so
# 300 accounts stay well inside the web server's timeout (WEB_TIMEOUT_SECONDS, 120 s) on two.
MAX_ROWS = 300

SHEET = "Người dùng"
GUIDE = "Hướng dẫn"
UNITS = "Đơn vị"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the workbook's header, Vietnamese as the province's officers write it
    aliases: tuple[str, ...]
    required: bool
    note: Any
    example: str


COLUMNS = (
    Column(
        "username",
        "Tên đăng nhập",
        ("username",),
        True,
        gettext_lazy(
            "The name the officer signs in with: letters, digits and . @ + - _ only, unique."
        ),
        "lothimai.xaa",
    ),
    Column(
        "full_name",
        "Họ và tên",
        ("full name", "full_name", "name"),
        True,
        gettext_lazy("Full name as on the citizen ID card."),
        "Lò Thị Mai",
    ),
    Column(
        "email",
        "Email",
        ("e-mail",),
        False,
        gettext_lazy("Optional; a valid email address."),
        "mai.lt@example.gov.vn",
    ),
    Column(
        "role",
        "Vai trò",
        ("role",),
        True,
        gettext_lazy("Choose from the list: only the roles you may give are offered."),
        "Cán bộ xã",
    ),
    Column(
        "unit_code",
        "Mã đơn vị (mã hành chính)",
        ("mã đơn vị", "unit_code", "unit code"),
        True,
        gettext_lazy(
            "Today's official code of the province, commune or village the account works in "
            "(its data is limited to that unit); the sheet “Đơn vị” lists yours."
        ),
        "11001",
    ),
    Column(
        "organisation",
        "Tổ chức",
        ("organisation", "organization"),
        False,
        gettext_lazy(
            "Required for a partner organisation officer: the organisation's name or short name "
            "as registered in your unit."
        ),
        "",
    ),
)
HEADERS = {c.key: c.header for c in COLUMNS}


# --- the template --------------------------------------------------------------------------


def vi_role_labels(roles: Iterable[str]) -> list[str]:
    with translation.override("vi"):
        return [str(Role(r).label) for r in roles]


def template_workbook(*, actor: User) -> bytes:
    """The header row, a drop-down of the roles `actor` may give (in Vietnamese), the units
    they may give them in, and the guide sheet "Hướng dẫn"."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        cell = set_cell(sheet, 1, index, column.header)
        cell.font = bold
        sheet.column_dimensions[cell.column_letter].width = max(16, len(column.header) + 4)
    sheet.freeze_panes = "A2"
    roles = [value for value, _label in selectors.grantable_roles(actor)]
    labels = vi_role_labels(roles)
    role_letter = sheet.cell(row=1, column=_index("role")).column_letter
    choice = DataValidation(
        type="list",
        formula1='"' + ",".join(labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Vai trò",
        error=_("Choose a role from the list."),
    )
    choice.add(f"{role_letter}2:{role_letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(choice)
    unit_letter = sheet.cell(row=1, column=_index("unit_code")).column_letter
    for row in range(2, MAX_ROWS + 2):
        sheet[f"{unit_letter}{row}"].number_format = "@"

    guide = book.create_sheet(GUIDE)
    append_row(guide, [_("Column"), _("Required"), _("What to write"), _("Example")])
    for cell in guide[1]:
        cell.font = bold
    for column in COLUMNS:
        append_row(
            guide,
            [column.header, _("yes") if column.required else "", str(column.note), column.example],
        )
    guide.append([])
    append_row(guide, [_("Roles you may give"), "", ", ".join(labels)])
    append_row(
        guide,
        [
            _(
                "One account per row. If any row is wrong no account is opened and every problem "
                "is listed with its row and column. Each new account gets a temporary password, "
                "handed to you once as a workbook; its owner must change it at the first login."
            )
        ],
    )
    for letter, width in zip("ABCD", (28, 10, 90, 24), strict=True):
        guide.column_dimensions[letter].width = width

    units = book.create_sheet(UNITS)
    append_row(units, [_("Official code"), _("Name"), _("Level")])
    for cell in units[1]:
        cell.font = bold
    for unit in _units_listed(actor):
        append_row(units, [unit.code, str(unit), unit.get_level_display()])
    units.column_dimensions["A"].width = 14
    units.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _index(key: str) -> int:
    return [c.key for c in COLUMNS].index(key) + 1


def _units_listed(actor: User) -> Iterable[AdminUnit]:
    """Today's provinces and communes the actor may open accounts in (villages are many: their
    codes are on the units pages)."""
    units = AdminUnit.objects.current().filter(level__in=[Level.PROVINCE, Level.COMMUNE])
    if not is_administrator(actor):
        if actor.unit is None:
            return []
        units = units.filter(q_within(actor.unit))
    return units.order_by("path").iterator(chunk_size=2000)


# --- reading -------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def rows_of(name: str, source: BinaryIO) -> list[tuple[int, list[str]]]:
    """The file's rows as text, numbered as the spreadsheet numbers them (header = 1)."""
    if name.lower().endswith(".xlsx"):
        try:
            book = load_workbook(source, read_only=True, data_only=True)
        except Exception:
            raise DomainError(
                _("This is not an Excel (.xlsx) file that can be read; save it as .xlsx again.")
            ) from None
        try:
            sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
            return [
                (number, [_text(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
        finally:
            book.close()
    if name.lower().endswith(".csv"):
        try:
            text = source.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError(
                _("The CSV file is not UTF-8; save it as 'CSV UTF-8' and upload it again.")
            ) from None
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        return [
            (number, [c.strip() for c in cells])
            for number, cells in enumerate(csv_reader(io.StringIO(text), delimiter=delimiter), 1)
        ]
    raise DomainError(_("Upload the template as .xlsx, or as .csv (UTF-8)."), field="file")


def header_map(header: list[str]) -> dict[str, int]:
    names = {c.header.lower(): c.key for c in COLUMNS}
    for column in COLUMNS:
        names.update({alias: column.key for alias in column.aliases})
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = names.get(title.strip().lower())
        if key and key not in found:
            found[key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in found]
    if missing:
        raise DomainError(
            _("The file has no column %(columns)s; download the template and keep its header row.")
            % {"columns": ", ".join(f"“{m}”" for m in missing)},
            field="file",
        )
    return found


# --- the passwords, once -------------------------------------------------------------------


def passwords_workbook(users: Iterable[User], passwords: dict[int, str]) -> bytes:
    """The new accounts with their temporary passwords, every cell text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Mật khẩu tạm thời")
    append_row(
        sheet,
        ["Tên đăng nhập", "Họ và tên", "Vai trò", "Mã đơn vị", "Đơn vị", "Mật khẩu tạm thời"],
    )
    with translation.override("vi"):
        for user in users:
            append_row(
                sheet,
                [
                    user.username,
                    user.get_full_name(),
                    str(Role(user.role).label),
                    user.unit.code if user.unit else "",
                    str(user.unit or ""),
                    passwords[user.pk],
                ],
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
