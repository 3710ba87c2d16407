"""Opening many officers' accounts from one workbook (.xlsx) or CSV file, all or none.

The file is checked row by row first; every problem is listed with its row, column and the fix,
and nothing is written unless every row passes. Then each account gets a temporary password
(changed at its owner's first login) and the passwords come back once, as a workbook the page
hands over a single time (`seal`/`unseal`): they are stored nowhere in clear.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from giamngheo.accounts import selectors
from giamngheo.accounts.models import Organisation, Role, User
from giamngheo.accounts.scoping import can_grant, is_administrator
from giamngheo.accounts.services import NewAccount, temporary_password, users_create
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


@dataclass(frozen=True)
class RowProblem:
    """One problem of the file: where it is, what was written, and how to fix it."""

    row: int | None
    column: str
    value: str
    message: str
    sheet: str = SHEET

    def __str__(self) -> str:
        return f"{self.sheet} {self.row or ''} {self.column}: {self.message}"


class OnboardingInvalid(DomainError):
    """The file has problems; no account was opened. `errors` lists every one of them."""

    default_code = "onboarding_invalid"

    def __init__(self, errors: list[RowProblem]) -> None:
        self.errors = sorted(
            errors,
            key=lambda e: (
                e.row or 0,
                list(HEADERS.values()).index(e.column) if e.column in HEADERS.values() else 99,
            ),
        )
        super().__init__(_("%(n)s problems found; no account was opened.") % {"n": len(errors)})


@dataclass
class Onboarded:
    """The accounts opened and, once, their temporary passwords."""

    users: list[User] = field(default_factory=list)
    passwords: dict[int, str] = field(default_factory=dict)


# --- the template --------------------------------------------------------------------------


def _vi_role_labels(roles: Iterable[str]) -> list[str]:
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
    labels = _vi_role_labels(roles)
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


def _rows_of(name: str, source: BinaryIO) -> list[tuple[int, list[str]]]:
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


def _header_map(header: list[str]) -> dict[str, int]:
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


def _role_names() -> dict[str, str]:
    """Every way a role may be written: its id, its English and its Vietnamese label."""
    names = {}
    for value, label in Role.choices:
        names[value] = value
        with translation.override("en"):
            names[str(label).lower()] = value
        with translation.override("vi"):
            names[str(Role(value).label).lower()] = value
    return names


# --- checking and opening ------------------------------------------------------------------


def users_onboard(*, actor: User, name: str, source: BinaryIO, reason: str = "") -> Onboarded:
    """Open every account of the file, or none: a problem anywhere raises `OnboardingInvalid`
    listing them all. Returns the accounts and their temporary passwords (shown once)."""
    rows = _rows_of(name, source)
    if not rows:
        raise DomainError(_("The file is empty; fill in the template."), field="file")
    columns = _header_map(rows[0][1])
    records = [
        (number, {key: cells[i] if i < len(cells) else "" for key, i in columns.items()})
        for number, cells in rows[1:]
        if any(cells)
    ]
    if not records:
        raise DomainError(_("The file has no account rows under its header."), field="file")
    if len(records) > MAX_ROWS:
        raise DomainError(
            _("The file has %(n)s rows; upload at most %(max)s accounts at a time.")
            % {"n": len(records), "max": MAX_ROWS},
            field="file",
        )
    problems: list[RowProblem] = []
    accounts = _check(actor, records, problems)
    if problems:
        raise OnboardingInvalid(problems)
    users = users_create(
        actor=actor,
        accounts=accounts,
        reason=reason or _("opened from a workbook of %(n)s accounts") % {"n": len(accounts)},
    )
    return Onboarded(
        users=users, passwords={u.pk: a.password for u, a in zip(users, accounts, strict=True)}
    )


def _check(
    actor: User, records: list[tuple[int, dict[str, str]]], problems: list[RowProblem]
) -> list[NewAccount]:
    def problem(row: int, key: str, value: str, message: str) -> None:
        problems.append(RowProblem(row, HEADERS[key], value, message))

    role_names = _role_names()
    allowed_roles = [v for v, _label in selectors.grantable_roles(actor)]
    allowed_text = ", ".join(_vi_role_labels(allowed_roles))
    codes = {r.get("unit_code", "") for _n, r in records}
    units = _units_by_code(codes - {""})
    organisations = selectors.organisations_for(actor)
    usernames = [r.get("username", "") for _n, r in records]
    taken_lower = set(
        User.objects.annotate(lower=Lower("username"))
        .filter(lower__in={u.lower() for u in usernames if u})
        .values_list("lower", flat=True)
    )
    first_row: dict[str, int] = {}
    accounts: list[NewAccount] = []
    for number, record in records:
        before = len(problems)
        username = record.get("username", "")
        if not username:
            problem(number, "username", "", _("Write the username the officer will sign in with."))
        elif username.lower() in first_row:
            problem(
                number,
                "username",
                username,
                _("This username is already on row %(row)s of the file; give each account its own.")
                % {"row": first_row[username.lower()]},
            )
        elif username.lower() in taken_lower:
            problem(
                number,
                "username",
                username,
                _("An account with this username already exists; choose another one."),
            )
        if username:
            first_row.setdefault(username.lower(), number)

        full_name = " ".join(record.get("full_name", "").split())
        if not full_name:
            problem(number, "full_name", "", _("Write the officer's full name."))
        first_name, _sep, last_name = full_name.rpartition(" ")
        if not first_name:
            first_name, last_name = last_name, ""

        email = record.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problem(
                    number,
                    "email",
                    email,
                    _(
                        "This is not an email address; write it as name@example.gov.vn or leave it empty."
                    ),
                )

        role_text = record.get("role", "")
        role = role_names.get(role_text.strip().lower())
        if not role_text:
            problem(number, "role", "", _("Choose a role: %(roles)s.") % {"roles": allowed_text})
        elif role is None:
            problem(
                number,
                "role",
                role_text,
                _("Unknown role; choose one of: %(roles)s.") % {"roles": allowed_text},
            )
        elif role not in allowed_roles:
            problem(
                number,
                "role",
                role_text,
                _("You may not give this role; you may give: %(roles)s.") % {"roles": allowed_text},
            )
            role = None

        code = record.get("unit_code", "")
        unit = units.get(code)
        if not code:
            if role != Role.SYSTEM_ADMIN:
                problem(
                    number,
                    "unit_code",
                    "",
                    _("Write the official code of the unit the account works in."),
                )
        elif unit is None:
            problem(
                number,
                "unit_code",
                code,
                _(
                    "No unit of today has this code; check it on the sheet “Đơn vị” or the units pages."
                ),
            )
        elif not _in_scope(actor, unit):
            problem(
                number,
                "unit_code",
                code,
                _("%(unit)s is outside your unit; you may open accounts only in %(own)s.")
                % {"unit": unit, "own": actor.unit or "—"},
            )
        elif role is not None and not can_grant(actor, role, unit):
            problem(
                number,
                "unit_code",
                code,
                _("You may not give the role “%(role)s” in %(unit)s.")
                % {"role": Role(role).label, "unit": unit},
            )

        organisation = None
        organisation_text = record.get("organisation", "")
        if organisation_text:
            organisation = _organisation(organisations, organisation_text)
            if organisation is None:
                problem(
                    number,
                    "organisation",
                    organisation_text,
                    _(
                        "No organisation with this name is registered in your unit; write its name as the organisations list shows it."
                    ),
                )
        elif role == Role.PARTNER_OFFICER:
            problem(
                number,
                "organisation",
                "",
                _("A partner organisation officer belongs to an organisation: write its name."),
            )

        if len(problems) > before or role is None:
            continue
        account = NewAccount(
            username=username,
            password=temporary_password(),
            role=role,
            unit=unit,
            organisation=organisation,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
        _check_model(number, account, problems)
        accounts.append(account)
    return accounts


def _in_scope(actor: User, unit: AdminUnit) -> bool:
    return is_administrator(actor) or (actor.unit is not None and actor.unit.contains(unit))


def _units_by_code(codes: set[str]) -> dict[str, AdminUnit]:
    found: dict[str, list[AdminUnit]] = {}
    for unit in AdminUnit.objects.current().filter(code__in=codes):
        found.setdefault(unit.code, []).append(unit)
    return {code: units[0] for code, units in found.items() if len(units) == 1}


def _organisation(organisations: Any, text: str) -> Organisation | None:
    matches = list(organisations.filter(Q(name__iexact=text) | Q(short_name__iexact=text))[:2])
    return matches[0] if len(matches) == 1 else None


# Model fields a workbook column fills, for the model's own checks (lengths, characters).
_FIELD_COLUMN = {
    "username": "username",
    "first_name": "full_name",
    "last_name": "full_name",
    "email": "email",
    "role": "role",
    "unit": "unit_code",
    "organisation": "organisation",
}


def _check_model(number: int, account: NewAccount, problems: list[RowProblem]) -> None:
    user = User(
        username=account.username,
        role=account.role,
        unit=account.unit,
        organisation=account.organisation,
        first_name=account.first_name,
        last_name=account.last_name,
        email=account.email,
    )
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            key = _FIELD_COLUMN.get(name, "username")
            value = getattr(account, name, "") if name != "unit" else ""
            for message in messages:
                problems.append(RowProblem(number, HEADERS[key], str(value or ""), message))


# --- the passwords, once -------------------------------------------------------------------


def passwords_workbook(result: Onboarded) -> bytes:
    """The new accounts with their temporary passwords, every cell text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Mật khẩu tạm thời")
    append_row(
        sheet,
        ["Tên đăng nhập", "Họ và tên", "Vai trò", "Mã đơn vị", "Đơn vị", "Mật khẩu tạm thời"],
    )
    with translation.override("vi"):
        for user in result.users:
            append_row(
                sheet,
                [
                    user.username,
                    user.get_full_name(),
                    str(Role(user.role).label),
                    user.unit.code if user.unit else "",
                    str(user.unit or ""),
                    result.passwords[user.pk],
                ],
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
