"""Many assessments classified at once by the engine's batch path, and stored in one go.

The survey-answers import, form A for a village or a workbook, and a round's re-classification
hand their assessments here: one vectorised pass per round (class, deprived indicators, the
members causing them and the structured explanation, exactly what ``assessment_classify`` stores
for one household), then one bulk update and its history rows inside the caller's transaction,
with the actor and the reason on every history row. No row is locked one by one: the round's row is,
against a concurrent step change.

On PostgreSQL a round's re-classification builds no model instance: its assessments' facts are
read as columns, classified by the same engine call, and the results go in with COPY into a
temporary table, then one ``UPDATE … FROM`` of the changed rows whose ``RETURNING`` feeds the
history rows' ``INSERT … SELECT`` (what django-simple-history writes for a change, the actor and
the reason on each). At a province's size the instances, the per-row UPDATE and the history
objects were nearly all of the time.
"""

import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.dbstats import analyze_after_commit
from giamngheo.errors import Conflict, DomainError
from giamngheo.history import REASON_MAX
from giamngheo.households.models import Household
from giamngheo.reviews import workflow
from giamngheo.reviews.facts import contract_input, contract_record
from giamngheo.reviews.models import Assessment, ReviewRound
from giamngheo.reviews.services.assessments import (
    _clear,
    _store,
    round_standard_error,
    sections_complete,
    survey_complete,
)
from giamngheo.standards import classify_codes

# What a classification writes on an assessment.
CLASSIFICATION_FIELDS = [
    "poverty_class",
    "standard",
    "deprived",
    "deprivation_count",
    "deprived_members",
    "explanation",
    "engine_version",
    "classified_at",
    "classification_error",
    "updated_at",
]
BATCH_SIZE = 2000
# Assessments read, classified and copied at a time by the column path: bounds its memory.
CHUNK = 50_000


def assessments_classify(assessments: Iterable[Assessment]) -> None:
    """Classify each assessment as ``assessment_classify`` would, in one engine pass per round
    (no saving). An assessment's error names its own household's rows, as when classified alone."""
    by_round: dict[int | None, list[Assessment]] = {}
    for a in assessments:
        by_round.setdefault(a.round_id or id(a.round), []).append(a)
    now = timezone.now()
    for group in by_round.values():
        review_round = group[0].round
        refused = round_standard_error(review_round)
        if refused is not None:
            for a in group:
                _clear(a)
                a.classification_error = refused
            continue
        records = [contract_input(a) for a in group]
        lines = classify_codes(records, standard=review_round.standard)
        first_member = 1
        for a, record, line in zip(group, records, lines, strict=True):
            if "error" in line:
                _clear(a)
                a.classification_error = _own_rows(line["error"], first_member)
            else:
                _store(a, line)
                a.classified_at = now
            first_member += len(record["members"])


def _own_rows(error: dict[str, Any], first_member: int) -> dict[str, Any]:
    # The batch numbers rows across every household; alone, a household is row 1.
    row = 1 if error["table"] == "households" else error["row"] - first_member + 1
    return {**error, "row": row}


def assessments_store(
    assessments: Sequence[Assessment], *, actor: User, fields: Iterable[str], reason: str
) -> None:
    """Write the given fields of every assessment, one history row each (who and why).

    What ``bulk_update_with_history`` does, without its one ``CASE WHEN`` per field and row
    (Django builds and compiles an expression for each: most of the time of a 10,000-row
    update): one prepared ``UPDATE … WHERE id`` sent for all rows (``executemany``), then the
    history rows in bulk.
    """
    if not assessments:
        return
    now = timezone.now()
    for a in assessments:
        a.updated_at = now
    names = list(dict.fromkeys([*fields, "updated_at"]))
    with transaction.atomic(savepoint=False):
        _update_rows(assessments, names)
        Assessment.history.bulk_history_create(
            list(assessments),
            batch_size=BATCH_SIZE,
            update=True,
            default_user=actor,
            default_change_reason=reason[:REASON_MAX],
            default_date=now,
        )
        analyze_after_commit([Assessment], len(assessments))


def _update_rows(assessments: Sequence[Assessment], names: list[str]) -> None:
    meta = Assessment._meta
    model_fields = [meta.get_field(name) for name in names]
    qn = connection.ops.quote_name
    columns = ", ".join(f"{qn(f.column)} = %s" for f in model_fields)
    sql = f"UPDATE {qn(meta.db_table)} SET {columns} WHERE {qn(meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(assessments), BATCH_SIZE):
            rows = [
                [
                    *(f.get_db_prep_save(getattr(a, f.attname), connection) for f in model_fields),
                    a.pk,
                ]
                for a in assessments[start : start + BATCH_SIZE]
            ]
            cursor.executemany(sql, rows)


def _stored(a: Assessment) -> tuple[Any, ...]:
    return tuple(
        getattr(a, f) for f in CLASSIFICATION_FIELDS if f not in ("classified_at", "updated_at")
    )


@transaction.atomic
def round_reclassify(*, actor: User, review_round: ReviewRound, reason: str = "") -> dict[str, int]:
    """Classify again every household of the round whose form B is complete (after a new engine
    version, or a standard's file corrected), during the survey step; only changed results are
    written, each with a history row."""
    if not can(actor, Capability.COLLECT_ANSWERS, review_round.unit):
        raise PermissionDenied(_("This is outside your unit or your role."))
    ReviewRound.objects.select_for_update().filter(pk=review_round.pk).first()
    review_round.refresh_from_db()
    if review_round.is_locked:
        raise Conflict(_("This round is approved and locked; changes go through a change request."))
    if review_round.status not in workflow.SURVEY_OPEN:
        raise DomainError(
            _(
                "Answers cannot be changed in step “%(step)s”; after the meeting only a "
                "complaint's re-check changes a result."
            )
            % {"step": review_round.get_status_display()}
        )
    reason = reason or _("Round classified again")
    if connection.vendor == "postgresql":
        return _reclassify_columns(review_round, actor=actor, reason=reason)
    return _reclassify_instances(review_round, actor=actor, reason=reason)


def _reclassify_instances(review_round: ReviewRound, *, actor: User, reason: str) -> dict[str, int]:
    due = [
        a
        for a in review_round.assessments.select_related("household").filter(screened_out=False)
        if survey_complete(a)
    ]
    for a in due:
        a.round = review_round
    before = {a.pk: _stored(a) for a in due}
    assessments_classify(due)
    changed = [a for a in due if _stored(a) != before[a.pk]]
    assessments_store(changed, actor=actor, fields=CLASSIFICATION_FIELDS, reason=reason)
    return {"classified": len(due), "changed": len(changed)}


# The results of one classification, as the temporary table and its COPY take them. A null
# standard keeps the stored one (a household the engine refused keeps it, as ``_clear`` does).
_RESULT_COLUMNS = {
    "id": pl.Int64,
    "poverty_class": pl.String,
    "standard": pl.String,
    "deprived": pl.String,
    "deprivation_count": pl.Int64,
    "deprived_members": pl.String,
    "explanation": pl.String,
    "engine_version": pl.String,
    "classified_at": pl.String,
    "classification_error": pl.String,
}
_RESULT_TYPES = {
    "id": "bigint",
    "poverty_class": "text",
    "standard": "text",
    "deprived": "jsonb",
    "deprivation_count": "integer",
    "deprived_members": "jsonb",
    "explanation": "jsonb",
    "engine_version": "text",
    "classified_at": "timestamptz",
    "classification_error": "jsonb",
}
# In the session's own schema: never another table of that name.
_RESULTS = "pg_temp.gn_reclassified"


def _reclassify_columns(review_round: ReviewRound, *, actor: User, reason: str) -> dict[str, int]:
    qn = connection.ops.quote_name
    now = timezone.now()
    refused = round_standard_error(review_round)
    columns = ", ".join(f"{qn(c)} {t}" for c, t in _RESULT_TYPES.items())
    classified = 0
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_RESULTS}")
        cursor.execute(f"CREATE TEMPORARY TABLE {_RESULTS} ({columns}) ON COMMIT DROP")
        copy_sql = (
            f"COPY {_RESULTS} ({', '.join(qn(c) for c in _RESULT_TYPES)}) "
            "FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        )
        for chunk in _due_chunks(review_round):
            frame = _results(review_round, chunk, refused, now)
            classified += frame.height
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False, null_value="\\N")
            with cursor.cursor.copy(copy_sql) as copy:
                copy.write(buffer.getvalue())
        changed = _write_changed(cursor, actor=actor, reason=reason[:REASON_MAX], now=now)
        cursor.execute(f"DROP TABLE {_RESULTS}")
    analyze_after_commit([Assessment], changed)
    return {"classified": classified, "changed": changed}


def _due_chunks(review_round: ReviewRound) -> Iterator[list[tuple[Any, ...]]]:
    """The round's assessments with form B complete, as (id, facts, members, code, area)
    rows; JSON decoded here, as the model's fields would."""
    qn = connection.ops.quote_name
    a, h = qn(Assessment._meta.db_table), qn(Household._meta.db_table)
    sql = (
        f"SELECT a.id, a.facts::text, a.members::text, a.sections_done::text, h.code, h.area "
        f"FROM {a} a JOIN {h} h ON h.id = a.household_id "
        "WHERE a.round_id = %s AND NOT a.screened_out"
    )
    loads = json.loads
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, [review_round.pk])
        while rows := cursor.fetchmany(CHUNK):
            chunk = []
            for pk, facts, members, done, code, area in rows:
                members = loads(members)
                if sections_complete(members, loads(done)):
                    chunk.append((pk, loads(facts), members, code, area))
            if chunk:
                yield chunk
    finally:
        cursor.close()


def _results(
    review_round: ReviewRound,
    chunk: list[tuple[Any, ...]],
    refused: dict[str, Any] | None,
    now: datetime,
) -> pl.DataFrame:
    """What ``assessments_classify`` sets on each assessment, as columns of JSON text."""
    dumps = json.dumps
    ids = [row[0] for row in chunk]
    if refused is not None:
        error = dumps(refused)
        return _cleared_frame(ids, [error] * len(ids))
    records = [
        contract_record(review_round, facts, members, code, area)
        for _pk, facts, members, code, area in chunk
    ]
    lines = classify_codes(records, standard=review_round.standard)
    out: dict[str, list[Any]] = {name: [] for name in _RESULT_COLUMNS}
    out["id"] = ids
    stamp = now.isoformat()
    first_member = 1
    for record, line in zip(records, lines, strict=True):
        if "error" in line:
            out["poverty_class"].append("")
            out["standard"].append(None)
            out["deprived"].append("[]")
            out["deprivation_count"].append(0)
            out["deprived_members"].append("{}")
            out["explanation"].append("[]")
            out["engine_version"].append("")
            out["classified_at"].append(None)
            out["classification_error"].append(dumps(_own_rows(line["error"], first_member)))
        else:
            out["poverty_class"].append(line["class"])
            out["standard"].append(line["standard"])
            out["deprived"].append(dumps(list(line.get("deprived", []))))
            out["deprivation_count"].append(line.get("deprivation_count", 0))
            out["deprived_members"].append(dumps(line.get("deprived_members", {})))
            out["explanation"].append(dumps(line.get("explanation", [])))
            out["engine_version"].append(line.get("engine_version", ""))
            out["classified_at"].append(stamp)
            out["classification_error"].append("{}")
        first_member += len(record["members"])
    return pl.DataFrame(out, schema=_RESULT_COLUMNS)


def _cleared_frame(ids: list[int], errors: list[str]) -> pl.DataFrame:
    n = len(ids)
    return pl.DataFrame(
        {
            "id": ids,
            "poverty_class": [""] * n,
            "standard": [None] * n,
            "deprived": ["[]"] * n,
            "deprivation_count": [0] * n,
            "deprived_members": ["{}"] * n,
            "explanation": ["[]"] * n,
            "engine_version": [""] * n,
            "classified_at": [None] * n,
            "classification_error": errors,
        },
        schema=_RESULT_COLUMNS,
    )


def _write_changed(cursor: Any, *, actor: User, reason: str, now: datetime) -> int:
    """One statement: the rows whose stored result differs are updated, and each updated row
    is copied into the history table as django-simple-history writes a change ("~")."""
    qn = connection.ops.quote_name
    meta = Assessment._meta
    history = Assessment.history.model._meta
    compared = [f for f in _RESULT_TYPES if f not in ("id", "classified_at")]

    def new(name: str) -> str:
        # A null standard keeps the stored one.
        if name == "standard":
            return "COALESCE(t.standard, a.standard)"
        return f"t.{qn(name)}"

    sets = ", ".join(
        [*(f"{qn(f)} = {new(f)}" for f in _RESULT_TYPES if f != "id"), f"{qn('updated_at')} = %s"]
    )
    differs = (
        f"({', '.join(f'a.{qn(f)}' for f in compared)}) IS DISTINCT FROM "
        f"({', '.join(new(f) for f in compared)})"
    )
    copied = [f.column for f in meta.concrete_fields]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    assert {f.column for f in history.concrete_fields} == {*copied, "history_id", *extra}
    sql = (
        f"WITH changed AS (UPDATE {qn(meta.db_table)} a SET {sets} FROM {_RESULTS} t "
        f"WHERE a.id = t.id AND {differs} RETURNING a.*) "
        f"INSERT INTO {qn(history.db_table)} ({', '.join(qn(c) for c in [*copied, *extra])}) "
        f"SELECT {', '.join(qn(c) for c in copied)}, %s, %s, '~', %s FROM changed ORDER BY id"
    )
    cursor.execute(sql, [now, now, reason, actor.pk])
    return cursor.rowcount
