"""Plausibility rules for members, shared by the entry forms (services) and the import.

The thresholds are data-entry guards, not law: they catch typing mistakes (a year of birth
off by a century, a parent and child swapped) before they distort the review.
"""

import datetime as dt
import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from giamngheo.households.vocab import Relation
from giamngheo.law import cited_message

EARLIEST_BIRTH = dt.date(1900, 1, 1)
# Law on Residence 2020, Art. 10: the head is normally an adult; 15 is the age from which
# the Labour Code 2019 (Art. 143) lets a person work and the lowest plausible head of a household.
MIN_HEAD_AGE = 15
# Smallest plausible gap between the generations of one household, in years.
MIN_GENERATION_GAP = 12

# The citizen ID number (Decree 137/2015/NĐ-CP): exactly 12 digits. The one definition;
# the model field, the entry form, the import and the searches all take it from here.
CITIZEN_ID_DIGITS = 12
# Unanchored, for an HTML `pattern` attribute (which always matches the whole value).
CITIZEN_ID_PATTERN = rf"\d{{{CITIZEN_ID_DIGITS}}}"
# Anchored, for Python's `re` and for Polars' `str.contains` over an import column.
CITIZEN_ID_REGEX = rf"^{CITIZEN_ID_PATTERN}$"
# 9 to 11 digits: a spreadsheet that read the number as a number dropped its leading zeros.
CITIZEN_ID_LOST_ZERO_REGEX = rf"^\d{{9,{CITIZEN_ID_DIGITS - 1}}}$"
CITIZEN_ID = re.compile(CITIZEN_ID_REGEX)
CITIZEN_ID_LAW = "Decree 137/2015/NĐ-CP"

MSG_CITIZEN_ID = cited_message(
    _("A citizen ID number has exactly 12 digits (%(law)s)."), law=CITIZEN_ID_LAW
)
MSG_CITIZEN_ID_LOST_ZERO = _(
    "A citizen ID number has 12 digits; the leading 0 was probably lost. Format the column as Text and type the number again."
)
# The model field's validator; Member.full_clean() runs it on every form and service save.
citizen_id_validator = RegexValidator(CITIZEN_ID_REGEX, MSG_CITIZEN_ID)
MSG_FUTURE_BIRTH = _("The date of birth is in the future.")
MSG_TOO_OLD = _("The date of birth is before 1900; check the year.")
MSG_HEAD_TOO_YOUNG = _("The head of household must be at least %(age)s years old.")
MSG_CHILD_GAP = _(
    "A child must be at least %(gap)s years younger than the head; check both dates of birth."
)
MSG_GRANDCHILD_GAP = _(
    "A grandchild must be at least %(gap)s years younger than the head; check both dates of birth."
)
MSG_PARENT_GAP = _(
    "A parent must be at least %(gap)s years older than the head; check both dates of birth."
)
MSG_ONE_HEAD = _("A household has exactly one head.")


def years_between(earlier: dt.date, later: dt.date) -> int:
    """Whole years from `earlier` to `later`, the birthday counted on the day."""
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def is_citizen_id(value: str | None) -> bool:
    """A well-formed citizen ID number (not an empty one)."""
    return value is not None and CITIZEN_ID.match(value) is not None


def citizen_id_error(value: str | None) -> str | None:
    """What is wrong with a typed citizen ID number, or None; an empty one is allowed."""
    if value and not is_citizen_id(value):
        return str(MSG_CITIZEN_ID)
    return None


def birth_date_error(dob: dt.date | None, today: dt.date) -> str | None:
    if dob is None:
        return None
    if dob > today:
        return str(MSG_FUTURE_BIRTH)
    if dob < EARLIEST_BIRTH:
        return str(MSG_TOO_OLD)
    return None


def relation_error(
    relation: str, dob: dt.date | None, head_dob: dt.date | None, today: dt.date
) -> str | None:
    """Why this member's age contradicts their relation to the head, if it does."""
    if dob is None:
        return None
    if relation == Relation.HEAD:
        if years_between(dob, today) < MIN_HEAD_AGE:
            return str(MSG_HEAD_TOO_YOUNG) % {"age": MIN_HEAD_AGE}
        return None
    if head_dob is None:
        return None
    gap = years_between(head_dob, dob) if dob >= head_dob else -years_between(dob, head_dob)
    if relation == Relation.CHILD and gap < MIN_GENERATION_GAP:
        return str(MSG_CHILD_GAP) % {"gap": MIN_GENERATION_GAP}
    if relation == Relation.GRANDCHILD and gap < 2 * MIN_GENERATION_GAP:
        return str(MSG_GRANDCHILD_GAP) % {"gap": 2 * MIN_GENERATION_GAP}
    if relation == Relation.PARENT and -gap < MIN_GENERATION_GAP:
        return str(MSG_PARENT_GAP) % {"gap": MIN_GENERATION_GAP}
    return None
