"""What each view declares it needs, and the check that enforces it.

Every page and endpoint states its access in one line above it, so a reader (and the test that
walks the URL conf) sees it without reading the body:

    @requires(Capability.SET_TARGETS)      a role capability from accounts.scoping
    @login_only                            any logged-in user; the data shown is the user's own
    @public                                anyone, logged in or not (the portal, the login page)

REST operations (django-ninja) use `api_requires`, `api_login_only` and `api_public` below
the router decorator. The declaration checks the role only; which rows the user may touch is
still decided by the selectors (unit and organisation scoping).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.utils import contribute_operation_callback

from giamngheo.accounts.scoping import ROLE_CAPABILITIES, has_capability

View = Callable[..., Any]


@dataclass(frozen=True)
class Access:
    """A view's declared access: `capabilities` lists alternatives (any one suffices)."""

    kind: Literal["public", "login", "capability"]
    capabilities: frozenset[str] = frozenset()

    def allows(self, user: Any) -> bool:
        if self.kind == "public":
            return True
        if not user.is_authenticated:
            return False
        return self.kind == "login" or any(has_capability(user, c) for c in self.capabilities)


def _known(capabilities: tuple[str, ...]) -> frozenset[str]:
    everything = set().union(*ROLE_CAPABILITIES.values())
    unknown = set(capabilities) - everything
    if not capabilities or unknown:
        raise ValueError(f"Unknown capability {sorted(unknown)}; see accounts.scoping.Capability")
    return frozenset(capabilities)


def _refuse() -> PermissionDenied:
    return PermissionDenied(_("This is outside your unit or your role."))


def declared(view: View) -> Access | None:
    """The access a URL callback declares (function or class-based view), if any."""
    access = getattr(view, "access", None)
    if access is None:
        access = getattr(getattr(view, "view_class", None), "access", None)
    return access


def requires(*capabilities: str) -> Callable[[View], View]:
    """The view needs one of `capabilities`: anonymous users go to the login page, others 403."""
    access = Access("capability", _known(capabilities))

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not access.allows(request.user):
                raise _refuse()
            return view(request, *args, **kwargs)

        wrapper.access = access  # type: ignore[attr-defined]
        return wrapper

    return decorate


def login_only(view: View) -> View:
    """Any logged-in user may open the view; what it shows is scoped to them."""
    wrapper = login_required(view)
    wrapper.access = Access("login")  # type: ignore[attr-defined]
    return wrapper


def public(view: View) -> View:
    """Anyone may open the view, logged in or not."""
    view.access = Access("public")  # type: ignore[attr-defined]
    return view


def _operation(access: Access) -> Callable[[View], View]:
    """Declare and enforce `access` on a ninja operation once the API has authenticated."""

    def contribute(operation: Any) -> None:
        inner = operation.view_func

        @wraps(inner)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            user = getattr(request, "auth", None) or request.user
            if not access.allows(user):
                raise _refuse()
            return inner(request, *args, **kwargs)

        checked.access = access  # type: ignore[attr-defined]
        operation.view_func = checked

    def decorate(func: View) -> View:
        func.access = access  # type: ignore[attr-defined]
        contribute_operation_callback(func, contribute)
        return func

    return decorate


def api_requires(*capabilities: str) -> Callable[[View], View]:
    """A REST operation needing one of `capabilities` (put it below `@router.get`)."""
    return _operation(Access("capability", _known(capabilities)))


api_login_only = _operation(Access("login"))
api_public = _operation(Access("public"))
