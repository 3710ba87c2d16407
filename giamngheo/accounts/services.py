"""Every change to an account: keyword-only, in a transaction, with who did it and why.

`actor` is the user making the change, or None for the operator at the server's console (the
management commands), who is trusted as the one running the installation.
"""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.models import Organisation, Role, User
from giamngheo.accounts.scoping import can_grant, can_manage_user, is_administrator
from giamngheo.errors import DomainError
from giamngheo.geo.models import AdminUnit
from giamngheo.history import stamp

# What user_update may change; the password has its own function, which validates it.
EDITABLE = ("first_name", "last_name", "email", "role", "unit", "organisation", "is_staff")


def _require_grant(actor: User | None, role: str, unit: AdminUnit | None) -> None:
    if actor is None or can_grant(actor, role, unit):
        return
    raise PermissionDenied(
        _("You may not give the role “%(role)s” in %(unit)s.")
        % {"role": Role(role).label if role in Role.values else role, "unit": unit or "—"}
    )


def _require_manager(actor: User | None, user: User) -> None:
    if actor is None or can_manage_user(actor, user):
        return
    raise PermissionDenied(_("This account is outside the accounts you manage."))


def _save(user: User, *, actor: User | None, reason: str) -> User:
    user.full_clean(exclude=["password"])
    stamp(user, actor=actor, reason=reason)
    user.save()
    return user


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
        raise PermissionDenied(_("Only the system administrator opens the admin site to someone."))
    _require_grant(actor, data.get("role", user.role), data.get("unit", user.unit))
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
