"""Every change to an account: keyword-only, in a transaction, with who did it and why.

`actor` is the user making the change, or None for the operator at the server's console (the
management commands), who is trusted as the one running the installation.
"""

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.accounts.models import Organisation, Role, User
from giamngheo.accounts.scoping import (
    MANAGED_ROLES,
    can_grant,
    can_manage_user,
    is_administrator,
)
from giamngheo.errors import DomainError
from giamngheo.geo.models import AdminUnit
from giamngheo.history import stamp

# What user_update may change; the password has its own function, which validates it.
EDITABLE = ("first_name", "last_name", "email", "role", "unit", "organisation", "is_staff")


class Refused(DomainError, PermissionDenied):
    """A change outside the grant table or the actor's accounts: 403, and on a form page the
    message stands beside the field at fault (`field`)."""

    status = 403
    default_code = "not_allowed"
    title = gettext_lazy("Not allowed")


def _require_grant(actor: User | None, role: str, unit: AdminUnit | None) -> None:
    if actor is None or can_grant(actor, role, unit):
        return
    # Name the field at fault: the role when the actor may give it nowhere, else the unit.
    role_ok = is_administrator(actor) or role in MANAGED_ROLES.get(actor.role, frozenset())
    raise Refused(
        _("You may not give the role “%(role)s” in %(unit)s.")
        % {"role": Role(role).label if role in Role.values else role, "unit": unit or "—"},
        field="unit" if role_ok else "role",
    )


def _require_organisation(actor: User | None, organisation: Organisation | None) -> None:
    """An account joins only an organisation registered inside the actor's own unit."""
    if actor is None or organisation is None or is_administrator(actor):
        return
    if actor.unit is not None and actor.unit.contains(organisation.unit):
        return
    raise Refused(
        _("The organisation %(organisation)s is outside your unit.")
        % {"organisation": organisation},
        field="organisation",
    )


def _require_manager(actor: User | None, user: User) -> None:
    if actor is None or can_manage_user(actor, user):
        return
    raise Refused(_("This account is outside the accounts you manage."))


def _save(user: User, *, actor: User | None, reason: str) -> User:
    user.full_clean(exclude=["password"])
    stamp(user, actor=actor, reason=reason)
    user.save()
    return user


# Letters and digits a person cannot misread on paper (no 0/o, 1/l/i).
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


TEMPORARY_HASHER = "pbkdf2_sha256_temporary"
_TEMPORARY = re.compile(rf"[{_TEMPORARY_ALPHABET}]{{4}}(?:-[{_TEMPORARY_ALPHABET}]{{4}}){{3}}")


def is_temporary(password: str) -> bool:
    """Whether ``password`` has the shape `temporary_password` generates (4×4 random characters)."""
    return bool(_TEMPORARY.fullmatch(password))


def temporary_password() -> str:
    """A password handed to a new account's owner, changed at the first login: 4×4 characters,
    about 79 bits, readable aloud, with a letter and a digit so every validator accepts it."""
    while True:
        text = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(16))
        if any(c.isdigit() for c in text) and any(c.isalpha() for c in text):
            return "-".join(text[i : i + 4] for i in range(0, 16, 4))


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    unit: AdminUnit | None = None,
    organisation: Organisation | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    reason: str = "",
) -> User:
    """Open an account: a role and a unit (its data scope) from the start, and a password that
    passes the configured validators."""
    _require_grant(actor, role, unit)
    _require_organisation(actor, organisation)
    user = User(
        username=username,
        role=role,
        unit=unit,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=email,
        must_change_password=True,
    )
    validate_password(password, user)
    user.set_password(password)
    return _save(user, actor=actor, reason=reason or _("account opened"))


@dataclass(frozen=True)
class NewAccount:
    """One account of a batch (`users_create`); `password` is the temporary one handed out."""

    username: str
    password: str
    role: str
    unit: AdminUnit | None
    organisation: Organisation | None = None
    first_name: str = ""
    last_name: str = ""
    email: str = ""


@transaction.atomic
def users_create(*, actor: User | None, accounts: Sequence[NewAccount], reason: str) -> list[User]:
    """Open many accounts at once, all or none, each as `user_create` opens one.

    Generated temporary passwords are hashed with the temporary hasher (accounts/hashers.py): a
    few hundred accounts take about a second instead of minutes; any other password gets the
    default, deliberately slow one."""
    users = []
    for account in accounts:
        _require_grant(actor, account.role, account.unit)
        _require_organisation(actor, account.organisation)
        user = User(
            username=account.username,
            role=account.role,
            unit=account.unit,
            organisation=account.organisation,
            first_name=account.first_name,
            last_name=account.last_name,
            email=account.email,
            must_change_password=True,
        )
        validate_password(account.password, user)
        users.append(user)
    hashes = [
        make_password(
            a.password, hasher=TEMPORARY_HASHER if is_temporary(a.password) else "default"
        )
        for a in accounts
    ]
    for user, account, hashed in zip(users, accounts, hashes, strict=True):
        user.password = hashed
        user._password = account.password  # as set_password leaves it, for the save's receivers
        _save(user, actor=actor, reason=reason or _("account opened"))
    return users


@transaction.atomic
def user_update(*, actor: User | None, user: User, data: dict[str, Any], reason: str) -> User:
    """Change an account's name, role or scope; the history keeps who changed it and why.

    The account must be one the actor manages both before and after the change."""
    _require_manager(actor, user)
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(unknown)}
        )
    if "is_staff" in data and actor is not None and not is_administrator(actor):
        raise Refused(
            _("Only the system administrator opens the admin site to someone."), field="is_staff"
        )
    _require_grant(actor, data.get("role", user.role), data.get("unit", user.unit))
    if data.get("organisation") not in (None, user.organisation):
        _require_organisation(actor, data["organisation"])
    for name, value in data.items():
        setattr(user, name, value)
    return _save(user, actor=actor, reason=reason or _("account changed"))


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User, reason: str) -> User:
    """Close an account without deleting it: what the person did stays attributed to them."""
    _require_manager(actor, user)
    if actor is not None and actor.pk == user.pk:
        raise DomainError(_("You cannot close your own account."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the account is closed."))
    user.is_active = False
    return _save(user, actor=actor, reason=reason)


@transaction.atomic
def password_set(*, actor: User | None, user: User, password: str) -> User:
    """Set a password after the configured validators accept it.

    Saving it also stores the HTTP Digest secret ODK Collect needs (api.signals), the one
    moment the clear text is known. Users may set their own; others' whoever manages the account.
    """
    if actor is None or actor.pk != user.pk:
        _require_manager(actor, user)
    validate_password(password, user)
    user.set_password(password)
    # A password someone else chose is known to them: its owner replaces it at the next login.
    user.must_change_password = actor is None or actor.pk != user.pk
    stamp(user, actor=actor, reason=_("password set"))
    user.save()
    return user
