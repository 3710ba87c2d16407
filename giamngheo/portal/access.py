"""What a citizen proved about a household in this browser session, and for how long.

A lookup with the head's citizen ID and date of birth proves little (both are printed on a card that
is often photocopied): it opens only what the public posting already published. The lookup code the
commune printed for the household is a second factor: with it, the household's own personal data
(Law 91/2025/QH15 on personal data protection) may be shown to it and it may file requests.
The grant lives in the session for a short time and names the code it was made with, so a re-issued
code ends every grant made with the old one.
"""

import time
from dataclasses import dataclass

from django.http import HttpRequest

from giamngheo.households.models import Household
from giamngheo.portal import services

SESSION_KEY = "portal_citizen_access"
GRANT_SECONDS = 15 * 60


@dataclass(frozen=True)
class CitizenAccess:
    household: Household
    with_code: bool


def grant(
    request: HttpRequest, household: Household, *, with_code: bool, code_version: str = ""
) -> None:
    """Remember the proof for :data:`GRANT_SECONDS`; a new session key guards against fixation."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "household": household.pk,
        "with_code": with_code,
        "code_version": code_version,
        "until": time.time() + GRANT_SECONDS,
    }


def revoke(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def stored(request: HttpRequest) -> dict | None:
    """The raw grant if it has not expired (the caller checks ``code_version`` against the household)."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or data.get("until", 0) < time.time():
        return None
    return data


def current(request: HttpRequest) -> CitizenAccess | None:
    """The household this session may see, or None.

    A grant made with a lookup code ends as soon as the commune re-issues the code: it names the
    code's version, which must still be the household's valid one.
    """
    data = stored(request)
    if data is None:
        return None
    household = Household.objects.filter(pk=data.get("household")).first()
    if household is None:
        return None
    with_code = bool(data.get("with_code"))
    if with_code:
        valid = services.current_code(household)
        if valid is None or services.code_version(valid) != str(data.get("code_version") or ""):
            revoke(request)
            return None
    return CitizenAccess(household=household, with_code=with_code)
