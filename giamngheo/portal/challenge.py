"""A question the lookup asks after a few failures from one address, served by us alone.

No external service sees our citizens' addresses: the question is a sum of two small numbers,
signed with ``django.core.signing`` (so the server keeps no state per question) and good once.
It does not stop a determined program; the throttle bounds that. It makes scripted guessing from
one address cost a round trip and a parse per try, and gives the person a pause to check.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches

SALT = "giamngheo.portal.lookup.challenge"
MAX_AGE = 10 * 60
FAILURES_BEFORE = 3


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _cache():
    return caches[settings.THROTTLE_CACHE]


def _failures_key(address: str) -> str:
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    window = int(time.time() // settings.LOGIN_FAILURE_WINDOW)
    return f"lookup-challenge:{digest}:{window}"


def needed(address: str) -> bool:
    return (_cache().get(_failures_key(address)) or 0) >= FAILURES_BEFORE


def failed(address: str) -> None:
    key = _failures_key(address)
    cache = _cache()
    cache.set(key, (cache.get(key) or 0) + 1, settings.LOGIN_FAILURE_WINDOW)


def new() -> Challenge:
    a, b = secrets.randbelow(8) + 2, secrets.randbelow(8) + 2
    token = signing.dumps({"s": a + b, "n": secrets.token_hex(8)}, salt=SALT)
    return Challenge(question=f"{a} + {b}", token=token)


def passed(token: str, answer: str) -> bool:
    """The question is ours, recent and not answered before, and the answer is right.

    A question is spent by any answer, right or wrong, so one question allows one guess.
    """
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    if not isinstance(data, dict):
        return False
    fresh = _cache().add(f"lookup-challenge-used:{data.get('n')}", 1, MAX_AGE + 60)
    return fresh and str(data.get("s")) == answer.strip()
