"""Who is calling: a bearer token (machine clients) or the browser session (with CSRF)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from giamngheo.accounts import throttle
from giamngheo.api.credentials import token_user
from giamngheo.api.rest.errors import ApiError


def too_many(verdict: throttle.Verdict) -> ApiError:
    return ApiError(
        429,
        _("Too many failed authentication attempts; try again later."),
        headers={"Retry-After": str(verdict.retry_after)},
    )


class TokenAuth(HttpBearer):
    """`Authorization: Bearer gn_…`; failures count against the client address."""

    def authenticate(self, request: HttpRequest, token: str):
        # Tokens name no account: a wrong one counts only towards the address ceiling.
        verdict = throttle.check(request)
        if not verdict.allowed:
            raise too_many(verdict)
        user = token_user(token)
        if user is None:
            throttle.failed(request)
            return None
        request.user = user
        return user


# The logged-in browser; unsafe methods need the CSRF token like any form.
AUTH = [TokenAuth(), SessionAuth(csrf=True)]
