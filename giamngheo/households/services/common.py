"""Errors, audit stamping and the derived fields every registry service keeps in step."""

from collections import defaultdict

from django.db import models
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.errors import Conflict, DomainError
from giamngheo.households.models import Household, Member
from giamngheo.households.text import search_text
from giamngheo.households.vocab import Relation

# HistoricalRecords stores the reason in a 100-character column.
REASON_MAX = 100


class RecordInvalid(DomainError):
    """Errors on a household's own fields and on its members' fields (by position); a form shows
    each beside its field."""

    def __init__(
        self,
        household: dict[str, list[str]] | None = None,
        members: dict[int, dict[str, list[str]]] | None = None,
    ) -> None:
        self.household_errors = dict(household or {})
        self.member_errors = {i: dict(e) for i, e in (members or {}).items()}
        flat: dict[str, list[str]] = dict(self.household_errors)
        for index, errors in self.member_errors.items():
            for field, messages in errors.items():
                flat[f"members.{index}.{field}"] = messages
        super().__init__(flat)


class ErrorCollector:
    """Gathers every problem of a submission so the officer sees them all at once."""

    def __init__(self) -> None:
        self.household: dict[str, list[str]] = defaultdict(list)
        self.members: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))

    def add(self, field: str, message: str, member: int | None = None) -> None:
        if member is None:
            self.household[field].append(str(message))
        else:
            self.members[member][field].append(str(message))

    def raise_if_any(self) -> None:
        if self.household or self.members:
            raise RecordInvalid(self.household, self.members)


class PossibleDuplicates(Conflict):
    """Likely the same person as someone already registered; the officer confirms or merges
    (409: the record is fine, the registry already holds someone like it)."""

    default_code = "possible_duplicates"

    def __init__(self, matches: list) -> None:
        self.matches = matches
        super().__init__(_("Possible duplicates found: %(n)s") % {"n": len(matches)})


def clean_reason(reason: str, default: str = "") -> str:
    reason = (reason or default).strip()
    return reason[:REASON_MAX]


def require_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise RecordInvalid(
            {"reason": [_("Say why this change is made; it is kept in the audit history.")]}
        )
    return clean_reason(reason)


def stamp(obj: models.Model, actor: User, reason: str) -> None:
    """Who and why, for the history row the next save writes."""
    obj._history_user = actor
    obj._change_reason = clean_reason(reason)


def save_audited(obj: models.Model, actor: User, reason: str) -> None:
    stamp(obj, actor, reason)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()


def search_text_for(household: Household, member_names: list[str]) -> str:
    """What the registry's search matches: the code, the names and the address."""
    return search_text(household.code, [household.head_name, *member_names, household.address])


def sync_household(household: Household, actor: User, reason: str) -> None:
    """Keep `head_name` (audited) and `search_text` (not audited) in step with the members."""
    names = list(Member.objects.filter(household=household).values_list("relation", "full_name"))
    head = next((name for relation, name in names if relation == Relation.HEAD), None)
    if head and head != household.head_name:
        household.head_name = head
        stamp(household, actor, reason)
        household.save()
    text = search_text_for(household, [name for _, name in names])
    if text != household.search_text:
        household.search_text = text
        Household.objects.filter(pk=household.pk).update(search_text=text)
