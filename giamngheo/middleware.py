import re
from collections.abc import Callable

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext

from giamngheo.api.openrosa.responses import message as openrosa_message
from giamngheo.api.rest.errors import error_body
from giamngheo.errors import DomainError
from giamngheo.validators import CONTROL_CHARACTERS, control_character


class LanguageMiddleware:
    """Vietnamese unless the person chose otherwise: the browser's Accept-Language is ignored,
    because commune offices often run English-language browsers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class InputGuardMiddleware:
    """Refuses, with a 4xx that says why, input no page or endpoint can use: control characters
    (PostgreSQL refuses NUL in text, so they would otherwise end as a 500 deep in a query), bodies
    over the limit, and JSON nested deeper than any document the API defines.

    Checked once here for every page and endpoint; uploaded files are not looked into (binary).
    OpenRosa checks its own bodies (its size limit is larger and Collect must authenticate first).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        if refusal is not None:
            status, text = refusal
            return self._respond(request, status, text)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return self._respond(request, 413, _too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
        return None

    def _refusal(self, request: HttpRequest) -> tuple[int, str] | None:
        found = _control_in_url(request)
        if found is None:
            found = _control_in_headers(request)
        if found is not None:
            return 400, _refuse_control(*found)
        if _is_openrosa(request):
            return None
        length = request.META.get("CONTENT_LENGTH") or ""
        limit = _body_limit(request)
        if length.isdigit() and int(length) > limit:
            return 413, _too_large(limit)
        content_type = request.content_type or ""
        try:
            if content_type in FORM_TYPES:
                for key, values in request.POST.lists():
                    found = _first_control(key, [key, *values])
                    if found is not None:
                        return 400, _refuse_control(*found)
            elif request.body and (
                content_type.endswith("json") or request.path.startswith("/api/v1/")
            ):
                return _json_refusal(request.body)
        except RequestDataTooBig:
            # Django's limit on what is held in memory: every part of the body but files.
            return 413, _too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        except MultiPartParserError as exc:
            return 400, gettext("The upload is not valid multipart data: %(e)s") % {"e": exc}
        return None

    def _respond(self, request: HttpRequest, status: int, text: str) -> HttpResponse:
        if _is_openrosa(request):
            return openrosa_message(text, status)
        if request.path.startswith("/api/"):
            return JsonResponse(error_body(text), status=status)
        return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A JSON string with its escapes; what is inside can never open or close a level. An unclosed
# string runs to the end, so every match attempt succeeds and the scan stays linear (an attempt
# that failed at each quote of a hostile body would make it quadratic).
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.DOTALL)
# An escaped control character (\u0000 … \u001f except tab/LF/CR, \u007f) after an even number
# of backslashes, i.e. a real escape and not the text "\\u0000".
_JSON_CONTROL = re.compile(rb"(?<!\\)(?:\\\\)*\\u00(0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])")
_RAW_CONTROL = re.compile(CONTROL_CHARACTERS.pattern.encode())
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _is_openrosa(request: HttpRequest) -> bool:
    return request.path.startswith("/api/openrosa/")


def _body_limit(request: HttpRequest) -> int:
    """Files (imports, evidence) may be larger than a form or JSON document."""
    if (request.content_type or "") == "multipart/form-data":
        return settings.UPLOAD_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _first_control(name: str, values: list[str]) -> tuple[str, str] | None:
    for value in values:
        code = control_character(value)
        if code is not None:
            return name, code
    return None


def _control_in_url(request: HttpRequest) -> tuple[str, str] | None:
    code = control_character(request.path)
    if code is not None:
        return gettext("the address"), code
    for key, values in request.GET.lists():
        found = _first_control(key, [key, *values])
        if found is not None:
            return found
    return None


def _control_in_headers(request: HttpRequest) -> tuple[str, str] | None:
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            code = control_character(value)
            if code is not None:
                return key[5:].replace("_", "-").title(), code
    return None


def _json_refusal(body: bytes) -> tuple[int, str] | None:
    if _JSON_CONTROL.search(body) or _RAW_CONTROL.search(body):
        return 400, gettext(
            "The JSON body contains a control character (such as NUL); remove it and send it again."
        )
    depth = _json_depth(body)
    if depth > settings.API_MAX_JSON_DEPTH:
        return 400, gettext(
            "The JSON body is nested %(depth)d levels deep; at most %(n)d are allowed."
        ) % {"depth": depth, "n": settings.API_MAX_JSON_DEPTH}
    return None


def _json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest, counted without parsing (a parser recurses and a
    hostile document of a few kilobytes exhausts Python's stack)."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1).astype(np.int32)
    return int(np.cumsum(steps, dtype=np.int32).max())


def _refuse_control(field: str, code: str) -> str:
    return gettext(
        "“%(field)s” contains a control character (%(code)s), which is not allowed; remove it "
        "and try again."
    ) % {"field": field, "code": code}


def _too_large(limit: int) -> str:
    return gettext("The request body is larger than %(n)d bytes.") % {"n": limit}


class DomainErrorMiddleware:
    """The one way a service's refusal reaches a page: its message, with its status (400, 404,
    409…), on the app's message page, or as a partial for htmx. A refusal of scope
    (`PermissionDenied`) is shown the same way with 403, so the person reads why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return error_page(request, exception.text, exception.status, str(exception.title))
        if isinstance(exception, PermissionDenied):
            text = str(exception) or gettext("This is outside your unit or your role.")
            return error_page(request, text, 403, gettext("Not allowed"))
        return None


def error_page(request: HttpRequest, text: str, status: int, title: str) -> HttpResponse:
    """`<app>/message.html` when the app has its own frame (portal, reports), else the site's."""
    match = getattr(request, "resolver_match", None)
    app = match.app_name if match is not None else ""
    if getattr(request, "htmx", False):
        names = ["_message.html"]
    else:
        names = [f"{app}/message.html", "message.html"] if app else ["message.html"]
    context = {"title": title, "text": text}
    return TemplateResponse(request, names, context, status=status).render()


class PasswordChangeRequiredMiddleware:
    """Whoever signs in with a password someone else chose (a new or reset account) replaces it
    before anything else: until then every page leads to the password form."""

    ALLOWED = {"password_change", "logout"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in self.ALLOWED:
                return redirect("password_change")
        return self.get_response(request)
