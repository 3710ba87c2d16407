"""Freezing what an approved round's documents print (Decision 24/2021/QĐ-TTg, Art. 4(5)).

Once the chairman signs, the lists change only by a new decision, which is a round of its own.
The registry keeps moving (people rename, move, die), so the round keeps its own copy of every
fact its posting list, decision and certificates print; documents and the public posting page
read that copy, never the live registry.

`snapshots_take` works on the model registry it is given, so the data migration that freezes
rounds approved before snapshots existed runs the same code on its historical models.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps as django_apps
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.dbstats import analyze_after_commit
from giamngheo.errors import Conflict, DomainError
from giamngheo.households.vocab import ChildNutrition
from giamngheo.reviews.models import ReviewRound, RoundSnapshot
from giamngheo.reviews.printed import CLASS_VI, ESCAPED_VI, category_vi
from giamngheo.reviews.services.summaries import summaries_write

BATCH = 2000
ASSESSMENT_FIELDS = (
    "id",
    "household_id",
    "household__code",
    "household__head_name",
    "household__unit_id",
    "household__unit__name",
    "household__address",
    "household__area",
    "household__head_ethnicity",
    "household__has_merit_person",
    "household__social_protection",
    "household__no_working_capacity",
    "household__causes",
    "members",
    "poverty_class",
    "deprived",
    "deprivation_count",
    "explanation",
)


def _member_names(member_model, household_ids: list[int]) -> dict[int, list[tuple]]:
    names: dict[int, list[tuple]] = {}
    for start in range(0, len(household_ids), BATCH):
        rows = (
            member_model.objects.filter(household_id__in=household_ids[start : start + BATCH])
            .order_by("household_id", "member_no")
            .values_list(
                "household_id", "pk", "full_name", "relation", "sex", "date_of_birth", "ethnicity"
            )
        )
        for household_id, *member in rows:
            names.setdefault(household_id, []).append(tuple(member))
    return names


def _year(value) -> str:
    """The birth year as forms 14/15 print it, from a date or its ISO text."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value or "")
    return text[:4] if text[:4].isdigit() else ""


def _members(assessed: list, registry: list[tuple]) -> list[dict]:
    """The members the round assessed, named as the registry named them that day.

    Sex and birth year are the assessment's facts on the review date (the registry's when the
    assessment did not record them); ethnicity is the registry's, which the facts do not hold.
    """
    by_id = {str(member[0]): member[1:] for member in registry}
    out = []
    for fact in assessed or []:
        name, relation, sex, born, ethnicity = by_id.get(
            str(fact.get("member_id", "")), ("", "", "", None, "")
        )
        out.append(
            {
                "name": name,
                "relation": fact.get("relation") or relation,
                "sex": fact.get("sex") or sex,
                "born": _year(fact.get("date_of_birth")) or _year(born),
                "ethnicity": ethnicity,
            }
        )
    return out


def member_details(assessed: list, printed: list[dict], registry: list[tuple]) -> list[dict]:
    """Frozen names and relations (`printed`) completed with the details forms 14/15 print."""
    details = _members(assessed, registry)
    return [
        {**(details[index] if index < len(details) else {}), **member}
        for index, member in enumerate(printed)
    ]


CHILD_AGE = 16  # Decree 07/2021/NĐ-CP: the child indicators concern members under 16
SCHOOL_FROM = 5
MALNOURISHED = {ChildNutrition.STUNTED.value, ChildNutrition.UNDERWEIGHT.value}


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def child_counts(members: list, review_date: dt.date) -> dict[str, int]:
    """Form 11's counts for one household from the member facts its assessment recorded.

    A member whose birth date was not recorded is not counted as a child.
    """
    child_from = years_before(review_date, CHILD_AGE)
    school_until = years_before(review_date, SCHOOL_FROM)
    out = dict.fromkeys(
        ("children", "children_malnourished", "children_uninsured", "children_out_of_school"), 0
    )
    for fact in members or []:
        try:
            born = dt.date.fromisoformat(str(fact.get("date_of_birth") or ""))
        except ValueError:
            continue
        if born <= child_from:
            continue
        out["children"] += 1
        out["children_malnourished"] += fact.get("child_nutrition") in MALNOURISHED
        out["children_uninsured"] += fact.get("health_insurance") is False
        out["children_out_of_school"] += born <= school_until and fact.get("in_school") is False
    return out


def _json_prep(field: Any) -> Callable[[Any], Any]:
    return lambda value: field.get_db_prep_save(value, connection)


def _same(value):
    return value


def _entries(review_round, snapshot_id: int, registry) -> list[dict]:
    """The round's entries as field → value, one per assessed household."""
    assessment_model = registry.get_model("reviews", "Assessment")
    outcome_model = registry.get_model("reviews", "Outcome")
    flows = {
        h: (start, flow)
        for h, start, flow in outcome_model.objects.filter(round_id=review_round.pk).values_list(
            "household_id", "start_class", "flow"
        )
    }
    rows = list(
        assessment_model.objects.filter(round_id=review_round.pk).values(*ASSESSMENT_FIELDS)
    )
    names = _member_names(
        registry.get_model("households", "Member"), [r["household_id"] for r in rows]
    )
    entries = []
    for r in rows:
        klass = r["poverty_class"] or ""
        start, flow = flows.get(r["household_id"], ("", ""))
        members = _members(r["members"], names.get(r["household_id"], []))
        entries.append(
            {
                "snapshot_id": snapshot_id,
                "assessment_id": r["id"],
                "household_id": r["household_id"],
                "household_code": r["household__code"],
                "head_name": r["household__head_name"],
                "village_id": r["household__unit_id"],
                "village": r["household__unit__name"],
                "address": r["household__address"],
                "area": r["household__area"],
                "head_ethnicity": r["household__head_ethnicity"],
                "has_merit_person": r["household__has_merit_person"],
                "social_protection": r["household__social_protection"],
                "no_working_capacity": r["household__no_working_capacity"],
                "causes": r["household__causes"] or [],
                "members": members,
                "member_count": len(members),
                "poverty_class": klass,
                "start_class": start,
                "flow": flow,
                "class_printed": CLASS_VI.get(klass, ""),
                "category_printed": category_vi(klass, flow),
                "escape_printed": ESCAPED_VI.get(flow, ""),
                "deprived": r["deprived"] or [],
                "deprivation_count": r["deprivation_count"] or 0,
                "explanation": r["explanation"] or [],
                **child_counts(r["members"], review_round.review_date),
            }
        )
    return entries


def snapshot_open(
    snapshot_model: Any, review_round: Any, taken_from: str, note: str, now: dt.datetime
) -> Any:
    """The round's snapshot row, naming its commune as the round's unit is named that day."""
    return snapshot_model.objects.create(
        round_id=review_round.pk,
        taken_at=now,
        taken_from=taken_from,
        note=note,
        commune_code=review_round.unit.code,
        commune_name=review_round.unit.name,
    )


def snapshots_take(
    rounds: Iterable,
    *,
    taken_from: str,
    note: str = "",
    registry=django_apps,
    insert: Callable | None = None,
) -> int:
    """Freeze each round's printed facts and count each periodic round's summary from them;
    returns the number of entries written.

    Reads the round's stored outcomes (written at approval), so it runs after them. `insert`
    (model, field names, rows of database values) replaces `bulk_create` for seed data.
    """
    rounds = list(rounds)
    snapshot_model = registry.get_model("reviews", "RoundSnapshot")
    entry_model = registry.get_model("reviews", "SnapshotEntry")
    now = timezone.now()
    written = 0
    for review_round in rounds:
        snapshot = snapshot_open(snapshot_model, review_round, taken_from, note, now)
        entries = _entries(review_round, snapshot.pk, registry)
        # A migration's historical model may predate some columns; a later migration fills them.
        columns = {f.attname for f in entry_model._meta.concrete_fields}
        entries = [{k: v for k, v in e.items() if k in columns} for e in entries]
        if insert is None:
            entry_model.objects.bulk_create(
                [entry_model(**values) for values in entries], batch_size=BATCH
            )
            analyze_after_commit([entry_model], len(entries))
        elif entries:
            names = list(entries[0])
            fields = [entry_model._meta.get_field(n) for n in names]
            # Only JSON needs converting; text, numbers and booleans go to the driver as they are.
            prepare = [_json_prep(f) if isinstance(f, models.JSONField) else _same for f in fields]
            insert(
                entry_model,
                names,
                (tuple(p(e[n]) for p, n in zip(prepare, names, strict=True)) for e in entries),
            )
        written += len(entries)
    summaries_write(rounds, registry=registry)
    return written


@transaction.atomic
def round_snapshot_take(
    *, review_round: ReviewRound, taken_from: str = RoundSnapshot.Source.APPROVAL
) -> RoundSnapshot:
    """Freeze an approved round once; a second snapshot would be a second version of a decision."""
    if not review_round.is_locked:
        raise DomainError(_("Only an approved round is frozen."))
    if RoundSnapshot.objects.filter(round=review_round).exists():
        raise Conflict(_("This round's approved lists are already frozen."))
    snapshots_take([review_round], taken_from=taken_from)
    return RoundSnapshot.objects.get(round=review_round)
