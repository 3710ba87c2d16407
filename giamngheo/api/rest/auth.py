"""Who is calling: a bearer token (machine clients) or the browser session (with CSRF)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from giamngheo.api import throttle
from giamngheo.api.credentials import token_user
from giamngheo.api.rest.errors import ApiError


def _too_many() -> ApiError:
    return ApiError(
        429,
        _("Too many failed authentication attempts; try again later."),
        headers={"Retry-After": str(throttle.retry_after())},
    )


class TokenAuth(HttpBearer):
    """`Authorization: Bearer gn_…`; failures count against the client address."""

    def authenticate(self, request: HttpRequest, token: str):
        if throttle.is_blocked(request):
            raise _too_many()
        user = token_user(token)
        if user is None:
            throttle.record_failure(request)
            return None
        request.user = user
        return user


# The logged-in browser; unsafe methods need the CSRF token like any form.
AUTH = [TokenAuth(), SessionAuth(csrf=True)]
