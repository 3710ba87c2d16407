"""How ODK Collect proves who it is: HTTP Digest (RFC 2617, qop=auth), or Basic over HTTPS.

Nonces are signed and time-stamped, so they need no session or cookie (Collect may drop cookies
between requests); the highest nonce count seen per nonce is remembered so that a captured
request cannot be replayed. Bearer tokens serve other clients.
"""

import base64
import hashlib
import re
import secrets

from django.contrib.auth import authenticate, get_user_model
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from giamngheo.accounts import throttle
from giamngheo.accounts.models import User
from giamngheo.api.credentials import constant_time_equal, digest_ha1, digest_realm, token_user
from giamngheo.api.openrosa.responses import message

NONCE_MAX_AGE = 300
_SALT = "giamngheo.api.openrosa.digest"
_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def new_nonce() -> str:
    return signing.TimestampSigner(salt=_SALT).sign(secrets.token_hex(12))


def nonce_valid(nonce: str) -> bool:
    try:
        signing.TimestampSigner(salt=_SALT).unsign(nonce, max_age=NONCE_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return False
    return True


def challenge(text: str | None = None, *, stale: bool = False) -> HttpResponse:
    response = message(text or _("Log in with your GiảmNghèo username and password."), 401)
    value = (
        f'Digest realm="{digest_realm()}", qop="auth", algorithm=MD5, '
        f'nonce="{new_nonce()}", opaque="{hashlib.md5(_SALT.encode()).hexdigest()}"'  # noqa: S324
    )
    if stale:
        value += ", stale=true"
    response["WWW-Authenticate"] = value
    return response


def _too_many(verdict: throttle.Verdict) -> HttpResponse:
    response = message(_("Too many failed authentication attempts; try again later."), 429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def parse_digest(header: str) -> dict[str, str]:
    return {m[0].lower(): (m[1] if m[1] or not m[2] else m[2]) for m in _PARAM.findall(header)}


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324


def _digest_user(request: HttpRequest, params: dict[str, str]) -> User | HttpResponse | None:
    username = params.get("username", "")
    needed = ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce")
    if any(not params.get(k) for k in needed) or params.get("qop") != "auth":
        return None
    verdict = throttle.check(request, username)
    if not verdict.allowed:
        return _too_many(verdict)
    if params["realm"] != digest_realm():
        return None
    if not nonce_valid(params["nonce"]):
        return challenge(stale=True)
    # The uri must be this request's, or a response computed for another URL would be accepted.
    if params["uri"].split("?")[0] != request.path:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    ha1 = digest_ha1(user) if user else None
    if ha1 is None:
        throttle.failed(request, username)
        return None
    ha2 = _md5(f"{request.method}:{params['uri']}")
    expected = _md5(
        f"{ha1}:{params['nonce']}:{params['nc']}:{params['cnonce']}:{params['qop']}:{ha2}"
    )
    if not constant_time_equal(expected, params["response"].lower()):
        throttle.failed(request, username)
        return None
    try:
        nc = int(params["nc"], 16)
    except ValueError:
        return None
    key = "openrosa-nc:" + hashlib.sha256(params["nonce"].encode()).hexdigest()
    if nc <= (cache.get(key) or 0):
        return challenge(stale=True)  # a replayed request: ask for a fresh nonce
    cache.set(key, nc, NONCE_MAX_AGE + 60)
    throttle.succeeded(request, username)
    return user


def _basic_user(request: HttpRequest, value: str) -> User | HttpResponse | None:
    try:
        username, _sep, password = base64.b64decode(value).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    verdict = throttle.check(request, username)
    if not verdict.allowed:
        return _too_many(verdict)
    user = authenticate(request, username=username, password=password)
    if user is None:
        throttle.failed(request, username)
    else:
        throttle.succeeded(request, username)
    return user


def openrosa_user(request: HttpRequest) -> User | HttpResponse:
    """The authenticated user, or the response to send (a Digest challenge, 429)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    scheme = scheme.lower()
    result: User | HttpResponse | None = None
    if scheme == "digest":
        result = _digest_user(request, parse_digest(value))
    elif scheme == "basic":
        if not request.is_secure():
            return challenge(_("Basic authentication is accepted only over HTTPS."))
        result = _basic_user(request, value.strip())
    elif scheme == "bearer":
        verdict = throttle.check(request)
        if not verdict.allowed:
            return _too_many(verdict)
        result = token_user(value.strip())
        if result is None:
            throttle.failed(request)
    elif request.method in ("GET", "HEAD") and request.user.is_authenticated:
        result = request.user  # a browser (ODK Web Forms) with its session
    if isinstance(result, HttpResponse):
        return result
    if result is None:
        return challenge(_("Wrong username or password.") if header else None)
    return result
