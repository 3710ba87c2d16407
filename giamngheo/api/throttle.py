"""Counting failed logins per client address and per username, so guessing is slow.

Both counters matter: one address trying many usernames, and many addresses trying one.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limits:
    per_ip: int
    per_username: int
    window_seconds: int


def limits() -> Limits:
    return Limits(
        per_ip=getattr(settings, "API_AUTH_FAILURES_PER_IP", 20),
        per_username=getattr(settings, "API_AUTH_FAILURES_PER_USERNAME", 10),
        window_seconds=getattr(settings, "API_AUTH_FAILURE_WINDOW", 900),
    )


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _keys(request: HttpRequest, username: str | None) -> list[tuple[str, int]]:
    lim = limits()
    keys = [(f"api-auth-fail:ip:{client_ip(request)}", lim.per_ip)]
    if username:
        # Hashed: any text may arrive as a username, and cache keys must stay plain ASCII.
        name = hashlib.sha256(username.lower().encode()).hexdigest()
        keys.append((f"api-auth-fail:user:{name}", lim.per_username))
    return keys


def is_blocked(request: HttpRequest, username: str | None = None) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request, username))


def record_failure(request: HttpRequest, username: str | None = None) -> None:
    window = limits().window_seconds
    for key, _limit in _keys(request, username):
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, window)


def retry_after() -> int:
    return limits().window_seconds
