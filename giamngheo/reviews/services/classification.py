"""Many assessments classified at once by the engine's batch path, and stored in one go.

The survey-answers import, form A for a village or a workbook, and a round's re-classification
hand their assessments here: one vectorised pass per round (class, deprived indicators, the
members causing them and the structured explanation, exactly what ``assessment_classify`` stores
for one household), then one bulk update and its history rows inside the caller's transaction,
with the actor and the reason on every history row. No row is locked one by one: the round's row is,
against a concurrent step change.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.dbstats import analyze_after_commit
from giamngheo.errors import Conflict, DomainError
from giamngheo.history import REASON_MAX
from giamngheo.reviews import workflow
from giamngheo.reviews.facts import contract_input
from giamngheo.reviews.models import Assessment, ReviewRound
from giamngheo.reviews.services.assessments import (
    _clear,
    _store,
    round_standard_error,
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
    assessments_store(
        changed,
        actor=actor,
        fields=CLASSIFICATION_FIELDS,
        reason=reason or _("Round classified again"),
    )
    return {"classified": len(due), "changed": len(changed)}
