"""Opening many officers' accounts from one workbook (.xlsx) or CSV file, all or none.

The file is checked row by row first; every problem is listed with its row, column and the fix,
and nothing is written unless every row passes. Then each account gets a temporary password
(changed at its owner's first login) and the passwords come back once, as a workbook the page
hands over a single time (`seal`/`unseal`): they are stored nowhere in clear. The files themselves
(template, reading, passwords workbook) are `onboarding_files`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from giamngheo.accounts import selectors
from giamngheo.accounts.models import Organisation, Role, User
from giamngheo.accounts.onboarding_files import (
    HEADERS,
    MAX_ROWS,
    SHEET,
    header_map,
    rows_of,
    vi_role_labels,
)
from giamngheo.accounts.scoping import can_grant, is_administrator
from giamngheo.accounts.services import NewAccount, temporary_password, users_create
from giamngheo.errors import DomainError
from giamngheo.geo.models import AdminUnit


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
    rows = rows_of(name, source)
    if not rows:
        raise DomainError(_("The file is empty; fill in the template."), field="file")
    columns = header_map(rows[0][1])
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
    allowed_text = ", ".join(vi_role_labels(allowed_roles))
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
