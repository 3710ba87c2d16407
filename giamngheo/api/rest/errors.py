"""One error body for every failure: {"detail": "...", "errors": [...]}.

Clients (the national database's integration, partner systems) parse a single shape, whatever
went wrong, and no bad input ever reaches a 500.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from giamngheo.errors import DomainError

logger = logging.getLogger(__name__)


class ApiError(DomainError):
    """Raise from an endpoint to answer with `status`, the standard body and `headers`
    (a throttle's Retry-After); `errors` lists the body's per-field problems."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail, status=status)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def error_body(
    detail: str, errors: list[dict[str, Any]] | None = None, code: str = ""
) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail, "errors": errors or []}
    if code:
        body["code"] = code
    return body


def _validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        out.append({"loc": loc, "field": ".".join(loc[1:] or loc), "message": error.get("msg", "")})
    return out


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict, headers=None) -> HttpResponse:
        response = api.create_response(request, body, status=status)
        for key, value in (headers or {}).items():
            response[key] = value
        return response

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, error_body(exc.detail, exc.errors), exc.headers)

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(
            request,
            422,
            error_body(_("The request is not valid."), _validation_errors(exc.errors)),
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(
            request,
            401,
            error_body(_("Authentication required: send a token or log in.")),
            {"WWW-Authenticate": 'Bearer realm="api"'},
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, error_body(str(exc)))

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body(_("Not found, or outside your unit.")))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        detail = str(exc) or _("This is outside your unit or your role.")
        return respond(request, 403, error_body(detail))

    @api.exception_handler(DomainError)
    def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
        # A service's refusal (giamngheo.errors): its status, message and code, as on the pages.
        errors = [{"field": exc.field or "", "message": m} for m in exc.messages]
        return respond(request, exc.status, error_body(exc.text, errors, str(exc.code or "")))

    @api.exception_handler(DjangoValidationError)
    def _django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        messages = [str(m) for m in exc.messages]
        return respond(
            request,
            422,
            error_body(
                messages[0] if messages else _("The request is not valid."),
                [{"message": m} for m in messages],
            ),
        )

    @api.exception_handler(RequestDataTooBig)
    def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return respond(
            request,
            413,
            error_body(_("The request body is larger than %(n)d bytes.") % {"n": limit}),
        )

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, error_body(_("Internal error; it has been logged.")))
