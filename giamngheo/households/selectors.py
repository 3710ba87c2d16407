"""Reads of the registry, always through the actor's territory (accounts.scoping)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import Overlap as ArrayOverlap
from django.db import connection
from django.db.models import Case, Func, Q, QuerySet, TextField, Value, When
from django.http import Http404
from django.utils.translation import gettext

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, actor_roots, can, has_capability, scoped
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.history import action_label
from giamngheo.households.models import (
    Household,
    HouseholdStatus,
    LifeEvent,
    Member,
    RegistryImport,
    mask_citizen_id,
)
from giamngheo.households.rules import is_citizen_id
from giamngheo.households.text import CODE, FIELD, code_key, fold, tokens


def searched_citizen_id(query: str) -> str:
    """The citizen ID a search asks for, or "": only an exact 12-digit number is one, so a
    partial number never lists the people whose IDs begin with it. A page that shows the
    matches logs the reading (`personal_data_access_record`)."""
    query = (query or "").strip()
    return query if is_citizen_id(query) else ""


def search_q(query: str, *, path: str = "") -> Q:
    """The registry's search. An exact citizen ID finds its members' households and nothing
    else; any other query finds a household whose code is, begins with or (four characters or
    more, with a digit) contains it, or whose names or address hold every word whole, with or
    without tone marks, the last word also as the start of a word (typing "nguyen van a" finds
    "Nguyễn Văn Anh"). `path` reaches the household from another model (`"household__"`), so
    every list searches the same way."""
    citizen_id = searched_citizen_id(query)
    if citizen_id:
        holders = Member.objects.filter(citizen_id=citizen_id).values("household_id")
        return Q(**{f"{path}pk__in": holders})
    words, code = tokens(query or ""), code_key(query)
    if not words and not code:
        return Q()
    # search_text is stored folded (see households.text), so a case-sensitive LIKE is right
    # and lets PostgreSQL answer every branch from the one trigram index.
    field = f"{path}search_text__contains"
    condition = Q(**{field: f"{CODE}{code}"})
    if len(code) >= 4 and any(c.isdigit() for c in code):
        # Officers often know only a household's number, the end of its code ("000011").
        condition |= Q(**{f"{path}code__contains": code})
    if words:
        by_words = Q(**{field: f" {words[-1]}"})
        for word in words[:-1]:
            by_words &= Q(**{field: f" {word} "})
        condition |= by_words
    return condition


def search_rank(query: str, *, path: str = "") -> Case | Value:
    """How well a household found by `search_q` matches, best first: 0 the exact code or a
    full name, 1 a code or a name that begins with the query, 2 the words found anywhere."""
    words, code = tokens(query or ""), code_key(query)
    if searched_citizen_id(query) or not (words or code):
        return Value(0)
    field = f"{path}search_text__contains"
    phrase = " ".join(words) or CODE  # no words: no name can match
    return Case(
        When(Q(**{field: f"{CODE}{code}{CODE}"}), then=Value(0)),
        When(Q(**{field: f"{FIELD} {phrase} {FIELD}"}), then=Value(0)),
        When(Q(**{field: f"{CODE}{code}"}), then=Value(1)),
        When(Q(**{field: f"{FIELD} {phrase}"}), then=Value(1)),
        default=Value(2),
    )


def household_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Household]:
    """Households the actor may read, narrowed by `q` (see `search_q`), `unit` (a village id)
    and `status`, best matches first and then by code."""
    query = (filters or {}).get("q") or ""
    households = _listed(actor, filters).filter(search_q(query))
    return households.order_by(search_rank(query), "code")


def household_page_list(
    *, actor: User, filters: dict[str, Any] | None = None
) -> "RankedHouseholds":
    """`household_list` for a paginated page: the same households in the same order, read tier by
    tier (`RankedHouseholds`)."""
    query = (filters or {}).get("q") or ""
    return RankedHouseholds(_listed(actor, filters), query)


def _listed(actor: User, filters: dict[str, Any] | None) -> QuerySet[Household]:
    """The households a list shows before its search: the actor's, by village and status."""
    filters = filters or {}
    households = scoped(Household.objects.all(), actor, Capability.READ_RECORDS)
    if filters.get("q"):
        households = _searchable_scope(actor, households)
    if filters.get("unit"):
        households = households.filter(unit_id=filters["unit"])
    if filters.get("status") in HouseholdStatus.values:
        households = households.filter(status=filters["status"])
    return households.select_related("unit")


# A household's searched fields as an array: `search_text` ("#code# / name / … / address /")
# without its last slash, split at the slashes between fields. Migration 0007 indexes it.
SEARCH_FIELDS_SQL = "string_to_array(rtrim(%(field)s, ' /'), ' / ')"


class SearchFields(Func):
    template = SEARCH_FIELDS_SQL.replace("%(field)s", "%(expressions)s")
    output_field = ArrayField(TextField())


def search_tiers(query: str, *, path: str = "") -> list[Q]:
    """The ranks of `search_rank` as conditions, best first, each excluding the ones before and
    together finding what `search_q` finds: a page takes the first tier's rows by code, then the
    next tier's, and never sorts the matches of a common name all together. One tier (no
    ranking) for an empty query or a citizen ID.

    A code or a field equal to the query, or beginning with it, holds every word of it, so the
    first two tiers need no `search_q`: alone, their condition is the one an index answers and
    the planner estimates well."""
    words, code = tokens(query or ""), code_key(query)
    if searched_citizen_id(query) or not (words or code):
        return [search_q(query, path=path)]
    field = f"{path}search_text__contains"
    phrase = " ".join(words) or CODE  # as in search_rank
    if connection.vendor == "postgresql":
        # The same condition (a field equal to the code between hashes or to the phrase) in the
        # form the index of migration 0007 answers, with statistics of how common a name is.
        exact = Q(
            ArrayOverlap(
                SearchFields(f"{path}search_text"),
                Value([f"{CODE}{code}{CODE}", phrase], output_field=ArrayField(TextField())),
            )
        )
    else:
        exact = Q(**{field: f"{CODE}{code}{CODE}"}) | Q(**{field: f"{FIELD} {phrase} {FIELD}"})
    begins = Q(**{field: f"{CODE}{code}"}) | Q(**{field: f"{FIELD} {phrase}"})
    return [exact, ~exact & begins, ~exact & ~begins & search_q(query, path=path)]


class RankedHouseholds:
    """`household_list`'s households in the same order (rank, then code), read a page at a time
    tier by tier (`search_tiers`): each tier's rows come sorted by code with their own LIMIT, and
    the next tier is read only when the page is not full yet.

    Sorting every match by rank before taking a page cost 1.3 s for "nguyen van an" at 1 M
    households (90 k matches). A paginator slices this as it slices a query set; `matches` is
    the unordered query set of every match, for counting.
    """

    ordered = True  # for Paginator: the order is rank, then code

    def __init__(self, households: QuerySet[Household], query: str) -> None:
        self.households = households.order_by()
        self.matches = self.households.filter(search_q(query))
        self.tiers = search_tiers(query)

    def count(self) -> int:
        return self.matches.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Household]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("RankedHouseholds takes a slice without a step")
        start, stop = key.start or 0, key.stop
        if stop is None or start < 0 or stop < start:
            raise ValueError("RankedHouseholds takes a bounded, non-negative slice")
        if len(self.tiers) == 1:
            return list(self.households.filter(self.tiers[0]).order_by("code")[start:stop])
        rows: list[Household] = []
        before = 0  # rows of the tiers read so far (up to `stop`)
        for tier in self.tiers:
            if before >= stop:
                break
            households = self.households.filter(tier)
            skip = max(start - before, 0)
            if skip:
                # The page starts further on: count this tier (up to the page's end) to skip it.
                size = households[: stop - before].count()
                if size <= skip:
                    before += size
                    continue
            page = list(households.order_by("code")[skip : stop - before])
            rows += page
            before += skip + len(page)  # the tier's size when it ended before the page did
        return rows


# A territory of at most this many units (a commune: its villages and their former units) is
# passed to a search as a list of ids.
SCOPE_IDS_MAX = 500


def _searchable_scope(actor: User, households: QuerySet[Household]) -> QuerySet[Household]:
    """The same households, with a small territory given as its unit ids.

    With the territory as a subquery, PostgreSQL joined it village by village and repeated the
    trigram scan of a common name for each (2.3 s for a commune of 10,000 households at 1 M);
    with the ids it reads the commune's rows once.
    """
    if actor_roots(actor) is None or not has_capability(actor, Capability.READ_RECORDS):
        return households
    units = scoped(AdminUnit.objects.all(), actor, Capability.READ_RECORDS, unit_field="")
    ids = list(units.values_list("pk", flat=True)[: SCOPE_IDS_MAX + 1])
    if len(ids) > SCOPE_IDS_MAX:
        return households
    return Household.objects.filter(unit_id__in=ids)


def household_get(*, actor: User, pk: int, capability: str = Capability.READ_RECORDS) -> Household:
    household = (
        scoped(Household.objects.all(), actor, capability)
        .select_related("unit")
        .filter(pk=pk)
        .first()
    )
    if household is None:
        raise Http404
    return household


def member_get(*, actor: User, pk: int, capability: str = Capability.EDIT_RECORDS) -> Member:
    member = (
        scoped(Member.objects.all(), actor, capability, unit_field="household__unit")
        .select_related("household__unit")
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise Http404
    return member


def villages_for(*, actor: User, capability: str = Capability.READ_RECORDS) -> QuerySet[AdminUnit]:
    """The villages a household may be filed under for this actor (today's units only)."""
    villages = AdminUnit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True)
    return (
        scoped(villages, actor, capability, unit_field="")
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def can_see_citizen_ids(*, actor: User, household: Household) -> bool:
    """Full numbers only for those who may edit this household: the Personal Data Protection Law
    (Law 91/2025/QH15) limits personal data to what the purpose needs."""
    return can(actor, Capability.EDIT_RECORDS, household.unit)


@dataclass(frozen=True)
class MembersForDisplay:
    members: list[Member]
    unmasked: bool

    @property
    def reveals_citizen_ids(self) -> bool:
        """Whether showing this list is processing of personal data that must be logged."""
        return self.unmasked and any(m.citizen_id for m in self.members)


def household_members_for_display(*, actor: User, household: Household) -> MembersForDisplay:
    """The members, and whether their citizen IDs are shown in full.

    The caller logs the showing through `personal_data_access_record` when it
    `reveals_citizen_ids`; a selector never writes.
    """
    members = list(household.members.order_by("member_no"))
    return MembersForDisplay(members, can_see_citizen_ids(actor=actor, household=household))


@dataclass(frozen=True)
class DuplicateCandidate:
    member_index: int
    full_name: str
    household_code: str
    household_pk: int | None


def likely_duplicates(
    *,
    actor: User,
    unit: AdminUnit,
    people: list[tuple[int, str, dt.date]],
    exclude_pks: list[int] | None = None,
) -> list[DuplicateCandidate]:
    """Registered people in the same village with the same name (tone marks ignored) and birth date."""
    if not people:
        return []
    dates = {dob for _, _, dob in people}
    rows = (
        Member.objects.filter(household__unit=unit, date_of_birth__in=dates)
        .exclude(pk__in=exclude_pks or [])
        .select_related("household__unit")
    )
    found = []
    for other in rows:
        for index, name, dob in people:
            if other.date_of_birth == dob and fold(other.full_name) == fold(name):
                visible = can(actor, Capability.READ_RECORDS, other.household.unit)
                found.append(
                    DuplicateCandidate(
                        index,
                        other.full_name,
                        other.household.code,
                        other.household_id if visible else None,
                    )
                )
    return found


def household_history(*, household: Household, limit: int = 200) -> list[dict[str, Any]]:
    """Who changed what and why, newest first, household and members together.

    Citizen IDs appear masked: the history is read by anyone who may read the household.
    """
    records = list(household.history.select_related("history_user")[:limit])
    records += list(
        Member.history.filter(household_id=household.pk).select_related("history_user")[:limit]
    )
    records += list(
        LifeEvent.history.filter(household_id=household.pk).select_related("history_user")[:limit]
    )
    records += _imported(household, records)
    records.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    entries = []
    for record in records[:limit]:
        changes = []
        if record.history_type == "~" and record.prev_record is not None:
            delta = record.diff_against(record.prev_record)
            for change in delta.changes:
                old, new = change.old, change.new
                if change.field == "citizen_id":
                    old, new = mask_citizen_id(old), mask_citizen_id(new)
                field = record.instance_type._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _display(field, old),
                        "new": _display(field, new),
                    }
                )
        entries.append(
            {
                "record": record,
                "action": action_label(record.history_type),
                "model": record.instance_type._meta.verbose_name,
                "label": _label(record),
                "changes": changes,
            }
        )
    return entries


@dataclass
class ImportedRecord:
    """The "created" line of a row an import wrote and nobody has changed since: the import's
    audit record (`RegistryImport`) says who, when and why, and the row still holds its values."""

    instance: Household | Member
    event: RegistryImport
    history_type: str = "+"
    history_id: int = 0
    prev_record: None = None

    def __post_init__(self) -> None:
        self.history_date = self.event.imported_at
        self.history_user = self.event.user
        source = gettext("imported from %(file)s") % {"file": self.event.source or "—"}
        self.history_change_reason = f"{self.event.reason} ({source})"
        self.instance_type = type(self.instance)
        self.code = getattr(self.instance, "code", "")
        if isinstance(self.instance, Member):
            self.full_name = self.instance.full_name


def _imported(household: Household, records: list[Any]) -> list[ImportedRecord]:
    created = {(r.instance_type, r.id) for r in records if r.history_type == "+"}
    rows: list[Household | Member] = [household]
    rows += list(household.members.filter(imported_in__isnull=False))
    events = {
        e.pk: e
        for e in RegistryImport.objects.filter(
            pk__in={r.imported_in_id for r in rows if r.imported_in_id}
        ).select_related("user")
    }
    return [
        ImportedRecord(row, events[row.imported_in_id])
        for row in rows
        if row.imported_in_id and (type(row), row.pk) not in created
    ]


def _display(field: Any, value: Any) -> Any:
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else None
    if choices and value in choices:
        return choices[value]
    if value is True or value is False:
        return gettext("yes") if value else gettext("no")
    return value if value not in (None, "") else "—"


def _label(record: Any) -> str:
    if hasattr(record, "full_name"):
        return record.full_name
    if hasattr(record, "kind"):
        return record.get_kind_display()
    return record.code
