"""The citizen lookup: lookup codes the commune issues, and matching what a citizen typed.

A lookup with the head's citizen ID and date of birth opens only what the public posting already
published; the deprivations name members' health, disability and schooling, sensitive personal
data under Law 91/2025/QH15, so they need the household's lookup code as well. Every way a lookup
can fail (unknown ID, wrong date, wrong code, no approved round) takes the same path and gives the
same answer, so the page cannot tell anyone that an ID is in the registry.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import salted_hmac

from giamngheo.accounts.models import User
from giamngheo.history import stamp
from giamngheo.households.models import Household, Member
from giamngheo.households.vocab import Relation
from giamngheo.portal.models import LookupAttempt, LookupCode
from giamngheo.reports.selectors.common import FINAL_STATUSES
from giamngheo.reviews.models import SnapshotEntry

# No 0/O, 1/I/L: a code is read off paper and typed on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # about 50 bits; guessing also meets the throttle
THROTTLE_SCOPE = "lookup"


def normalise_code(text: str) -> str:
    """What a person types (spaces, dashes, lower case) to the stored form."""
    return "".join(c for c in text.upper() if c.isalnum())


def random_code(length: int = CODE_LENGTH) -> str:
    """A code from :data:`ALPHABET`: lookup codes and request tracking codes alike."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def format_code(code: str) -> str:
    """As printed: two groups of five (``ABCDE-FGHJK``)."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def id_digest(citizen_id: str) -> str:
    """A keyed hash of a citizen ID: groups attempts on one ID without storing the ID."""
    return salted_hmac("giamngheo.portal.lookup", citizen_id.strip()).hexdigest()[:32]


@cache
def _decoy_hash() -> str:
    # A code checked against this when there is no household, so a miss costs what a hit costs.
    return make_password(secrets.token_hex(8))


def current_code(household: Household) -> LookupCode | None:
    return LookupCode.objects.filter(household=household, revoked_at__isnull=True).first()


def code_version(code: LookupCode) -> str:
    """What a grant remembers of the code it was made with (``portal.access``)."""
    return str(code.pk)


@transaction.atomic
def lookup_code_issue(*, actor: User, household: Household) -> tuple[LookupCode, str]:
    """A new code for the household; the previous one stops working. Returns the row and the
    plain code, which is never stored and so can be printed only now."""
    Household.objects.select_for_update().filter(pk=household.pk).first()
    now = timezone.now()
    for old in LookupCode.objects.filter(household=household, revoked_at__isnull=True):
        old.revoked_at = now
        stamp(old, actor=actor, reason="re-issued")
        old.save(update_fields=["revoked_at"])
    last = LookupCode.objects.filter(household=household).aggregate(v=Max("version"))["v"] or 0
    plain = random_code()
    code = LookupCode(
        household=household,
        version=last + 1,
        code_hash=make_password(plain),
        issued_at=now,
        issued_by=actor,
    )
    stamp(code, actor=actor, reason="issued" if last == 0 else "re-issued")
    code.save()
    return code, plain


@dataclass(frozen=True)
class Match:
    household: Household
    entry: SnapshotEntry | None  # the latest approved round's frozen entry
    with_code: bool
    code_version: str


def latest_entry(household: Household) -> SnapshotEntry | None:
    """The household's entry in its latest approved round, as the round froze it."""
    return (
        SnapshotEntry.objects.filter(
            household=household, snapshot__round__status__in=FINAL_STATUSES
        )
        .select_related("snapshot__round", "assessment__round")
        .order_by(
            "-snapshot__round__decision_date", "-snapshot__round__year", "-snapshot__round_id"
        )
        .first()
    )


def lookup_match(*, citizen_id: str, date_of_birth: dt.date, code: str = "") -> Match | None:
    """The household whose head has this ID and birth date, if the code (when given) is its own.

    None for every kind of miss. Without a code, a household that has no approved round is a miss
    too (nothing of it was published). The code is hashed whenever one is given, household or not.
    """
    head = (
        Member.objects.filter(citizen_id=citizen_id, relation=Relation.HEAD, left_on__isnull=True)
        .select_related("household")
        .first()
    )
    found = head is not None and head.date_of_birth == date_of_birth
    household = head.household if head is not None and found else None
    issued = current_code(household) if household is not None else None
    code_ok = False
    if code:
        encoded = issued.code_hash if issued is not None else _decoy_hash()
        code_ok = check_password(normalise_code(code), encoded) and issued is not None
    entry = latest_entry(household) if household is not None else None
    if household is None or (code and not code_ok) or (not code_ok and entry is None):
        return None
    return Match(
        household=household,
        entry=entry,
        with_code=code_ok,
        code_version=code_version(issued) if code_ok and issued is not None else "",
    )


def lookup_log(*, address: str, citizen_id: str, with_code: bool, result: str) -> LookupAttempt:
    digits = "".join(c for c in citizen_id if c.isdigit())
    return LookupAttempt.objects.create(
        address=address[:64],
        id_tail=digits[-3:],
        id_digest=id_digest(citizen_id),
        with_code=with_code,
        result=result,
    )
