"""Slowing down password guessing on every endpoint that takes a secret, without letting anyone
lock a real user out.

Three counters, all in Django's cache framework so that every web and worker process shares them
(the database cache by default, Redis with ``CACHE_URL``):

1. **Pair lockout.** ``LOGIN_FAILURES_PER_PAIR`` failures for one *(subject, address)* pair within one
   fixed window of ``LOGIN_FAILURE_WINDOW`` seconds lock that pair for ``LOGIN_LOCKOUT_SECONDS``. While locked, the
   credentials are not even checked, so a locked pair cannot test passwords. The same account
   from another address, and other accounts from the same address (the officers behind one office
   proxy), are unaffected. A successful login clears the pair's counter.
2. **Address ceiling.** ``LOGIN_FAILURES_PER_ADDRESS`` failures from one address, whatever the
   subject, lock that address. It is set far above the pair limit: an office proxy with 200
   officers making the odd typo stays well below it, while one address trying many accounts hits it.
3. **Account slow-down, never a lockout.** After ``LOGIN_SLOWDOWN_AFTER`` failures for one subject
   from any addresses (guessing spread over a botnet), each further attempt for that subject must
   wait 1, 2, 4, … seconds, capped at ``LOGIN_SLOWDOWN_MAX_SECONDS``, after the previous failure;
   earlier attempts get 429 with a short Retry-After and are not counted. That bounds distributed
   guessing to about one try per cap interval. A pair that logged in successfully during the last
   ``LOGIN_KNOWN_PAIR_DAYS`` is exempt, so an attacker hammering an account cannot keep its owner
   out from their usual address; a new address waits at most the cap, however long the attack.

The key parts are generic: a *scope* (``"login"`` for every password, token and Digest endpoint,
so guesses on one do not restart the count on another) and a *subject* (the user name; a public
lookup would pass a citizen ID), with the client *address* from :func:`client_address`. Subjects
are hashed: any text may arrive, and cache keys must stay short ASCII.

Why not django-axes: it locks per its lockout parameters with one failure limit, has no per-account
slow-down (its account lockout is exactly what lets an attacker lock a user out), and works through
Django's ``authenticate()``, which HTTP Digest never calls. The client address follows
``TRUSTED_PROXIES`` by CIDR with the standard library's ``ipaddress``, the rule the deployment
guide states (right-most untrusted hop), which django-ipware's prefix matching does not express.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest

LOGIN = "login"

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may check its secret; if not, why and for how many seconds."""

    allowed: bool
    reason: str = ""  # "pair", "address" or "account"
    retry_after: int = 0


ALLOWED = Verdict(allowed=True)


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's address: ``X-Forwarded-For`` counts only behind a trusted proxy.

    Walks the chain from the right (the hop nearest to us) and returns the first address that is
    not a trusted proxy; a client can prepend anything to the header, so nothing left of that is
    believed. A malformed hop stops the walk at the last proxy that reported it.
    """
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    current = _parse(remote)
    if not networks or current is None:
        return remote

    def trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in networks)

    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    while trusted(current) and hops:
        nearer = _parse(hops.pop())
        if nearer is None:
            break
        current = nearer
    return str(current)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]


def _subject(subject: str) -> str:
    return subject.strip().casefold()


class Throttle:
    """The three counters over one cache; the module functions use the configured cache."""

    def __init__(self, cache: BaseCache, scope: str = LOGIN) -> None:
        self.cache = cache
        self.scope = scope

    # Keys -----------------------------------------------------------------------------------
    def _key(self, kind: str, *parts: str) -> str:
        return f"throttle:{self.scope}:{kind}:{_digest(*parts)}"

    def _keys(self, address: str, subject: str) -> dict[str, str]:
        subject = _subject(subject)
        return {
            "pair": self._key("pair", subject, address),
            "address": self._key("addr", address),
            "account": self._key("acct", subject),
            "known": self._key("known", subject, address),
        }

    # Reading --------------------------------------------------------------------------------
    def check(self, *, address: str, subject: str = "") -> Verdict:
        """Call before checking the secret; a refused attempt must not check it."""
        now = time.time()
        keys = self._keys(address, subject)
        names = ["pair", "address", "account"] if subject else ["address"]
        found = self.cache.get_many([keys[n] + ":until" for n in names] + [keys["known"]])

        def wait(name: str) -> int:
            until = found.get(keys[name] + ":until")
            return math.ceil(until - now) if until and until > now else 0

        if subject and (seconds := wait("pair")):
            return Verdict(False, "pair", seconds)
        if seconds := wait("address"):
            return Verdict(False, "address", seconds)
        if subject and (seconds := wait("account")) and not found.get(keys["known"]):
            return Verdict(False, "account", seconds)
        return ALLOWED

    # Writing --------------------------------------------------------------------------------
    def _count(self, key: str, window: int, now: float) -> int:
        """This failure's number within the current fixed window, counted atomically.

        Each failure claims the next free slot with ``add()``, which is atomic on the database
        cache (unique key) and on Redis (SET NX); the database cache's ``incr()`` is a read then a
        write, and parallel guesses would overwrite each other's counts.
        """
        key = f"{key}:{int(now // window)}"
        n = (self.cache.get(key) or 0) + 1
        while not self.cache.add(f"{key}:{n}", 1, window):
            n += 1
        self.cache.set(key, n, window)  # where the next failure starts looking
        return n

    def _lock(self, key: str, seconds: int, now: float) -> None:
        # The value is the deadline; the cache's expiry only tidies up, a little later.
        self.cache.set(key + ":until", now + seconds, seconds + 60)

    def failed(self, *, address: str, subject: str = "") -> None:
        """Record a wrong secret; locks the pair or address, or slows the account, as due."""
        now = time.time()
        window = settings.LOGIN_FAILURE_WINDOW
        lockout = settings.LOGIN_LOCKOUT_SECONDS
        keys = self._keys(address, subject)
        if self._count(keys["address"], window, now) >= settings.LOGIN_FAILURES_PER_ADDRESS:
            self._lock(keys["address"], lockout, now)
        if not subject:
            return
        if self._count(keys["pair"], window, now) >= settings.LOGIN_FAILURES_PER_PAIR:
            self._lock(keys["pair"], lockout, now)
        beyond = self._count(keys["account"], window, now) - settings.LOGIN_SLOWDOWN_AFTER
        if beyond >= 0:
            delay = min(2 ** min(beyond, 30), settings.LOGIN_SLOWDOWN_MAX_SECONDS)
            self._lock(keys["account"], delay, now)

    def succeeded(self, *, address: str, subject: str) -> None:
        """The right secret: the pair starts afresh and is known to be its owner's.

        Runs on every authenticated OpenRosa request, hence two cache calls when nothing failed.
        """
        keys = self._keys(address, subject)
        counter = f"{keys['pair']}:{int(time.time() // settings.LOGIN_FAILURE_WINDOW)}"
        if count := self.cache.get(counter):
            # Parallel failures may have claimed a few slots past the count: clear those too.
            last = count + settings.LOGIN_FAILURES_PER_PAIR
            slots = [f"{counter}:{n}" for n in range(1, last + 1)]
            self.cache.delete_many([counter, keys["pair"] + ":until", *slots])
        known_for = settings.LOGIN_KNOWN_PAIR_DAYS * 86400
        if not self.cache.touch(keys["known"], known_for):
            self.cache.set(keys["known"], 1, known_for)


def throttle(scope: str = LOGIN) -> Throttle:
    return Throttle(caches[settings.THROTTLE_CACHE], scope)


def check(request: HttpRequest, subject: str = "", *, scope: str = LOGIN) -> Verdict:
    return throttle(scope).check(address=client_address(request), subject=subject)


def failed(request: HttpRequest, subject: str = "", *, scope: str = LOGIN) -> None:
    throttle(scope).failed(address=client_address(request), subject=subject)


def succeeded(request: HttpRequest, subject: str, *, scope: str = LOGIN) -> None:
    throttle(scope).succeeded(address=client_address(request), subject=subject)
