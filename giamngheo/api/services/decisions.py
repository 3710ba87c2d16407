"""Staff decisions on field submissions the server could not apply by itself, and on the
member changes they report."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, require
from giamngheo.api.models import (
    MemberChange,
    MemberChangeKind,
    MemberChangeState,
    ReviewState,
    Submission,
)
from giamngheo.api.openrosa.parsing import Unusable
from giamngheo.api.openrosa.receiving import apply_submission
from giamngheo.errors import Conflict, DomainError
from giamngheo.households.services.common import PossibleDuplicates, RecordInvalid, clean_reason
from giamngheo.households.services.events import life_event_record
from giamngheo.households.services.records import member_add, member_update
from giamngheo.households.vocab import LifeEventKind
from giamngheo.reviews import workflow
from giamngheo.reviews.facts import member_facts_from_registry, member_section
from giamngheo.reviews.models import Assessment
from giamngheo.reviews.services.assessments import assessment_reclassify


def _lock_queued(submission: Submission) -> Submission:
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.state != ReviewState.NEEDS_REVIEW:
        raise Conflict(_("This submission is no longer waiting for review."))
    return locked


def submission_apply(*, actor: User, submission: Submission, note: str = "") -> Submission:
    """Apply a queued submission through the normal path; if it still fails, it stays queued.

    Applying writes survey answers, so it takes the right to collect them there (the commune
    officer's), not only the right to edit records. Returns the submission: `state` says
    whether it was applied, `problem` why not.
    """
    require(actor, Capability.EDIT_RECORDS, submission.commune)
    require(actor, Capability.COLLECT_ANSWERS, submission.commune)
    with transaction.atomic():
        locked = _lock_queued(submission)
        try:
            with transaction.atomic():
                apply_submission(actor=actor, submission=locked)
        except Unusable as exc:
            locked.problem = exc.problem
            locked.problem_detail = exc.detail
            locked.state = ReviewState.NEEDS_REVIEW
        locked.reviewer = actor
        locked.reviewed_at = timezone.now()
        locked.review_note = note.strip()
        locked._history_user = actor
        locked._change_reason = clean_reason(note, _("applied after review"))
        locked.save()
    return locked


def submission_dismiss(*, actor: User, submission: Submission, note: str) -> Submission:
    """Set a queued submission aside for good, saying why; it is kept, never deleted."""
    require(actor, Capability.EDIT_RECORDS, submission.commune)
    if not (note or "").strip():
        raise DomainError(_("Say why this submission is dismissed."))
    with transaction.atomic():
        locked = _lock_queued(submission)
        locked.state = ReviewState.DISMISSED
        locked.reviewer = actor
        locked.reviewed_at = timezone.now()
        locked.review_note = note.strip()
        locked._history_user = actor
        locked._change_reason = clean_reason(note)
        locked.save()
    return locked


# Registry fields a confirmed new member takes from the submission's answers.
NEW_MEMBER_FIELDS = (
    "sex",
    "relation",
    "in_school",
    "diploma",
    "vocational_training",
    "health_insurance",
    "disability",
    "employment",
    "working_capacity",
    "social_allowance",
)
EVENT_OF = {
    MemberChangeKind.BORN: LifeEventKind.BIRTH,
    MemberChangeKind.MOVED_IN: LifeEventKind.MEMBER_JOINED,
    MemberChangeKind.DEPARTED: LifeEventKind.MEMBER_LEFT,
    MemberChangeKind.DECEASED: LifeEventKind.DEATH,
}


def _lock_pending(change: MemberChange) -> MemberChange:
    locked = (
        MemberChange.objects.select_for_update(of=("self",))
        .select_related("submission__assessment__household__unit", "member__household")
        .get(pk=change.pk)
    )
    if locked.state != MemberChangeState.PENDING:
        raise Conflict(_("This member change was already decided."))
    if locked.submission.assessment is None:
        raise Conflict(_("The submission was never applied to an assessment."))
    return locked


def _survey_open_assessment(change: MemberChange) -> Assessment | None:
    """The submission's assessment while its answers may still change, else None (an
    assessment past the survey step keeps what it was classified with)."""
    assessment = Assessment.objects.select_for_update().get(pk=change.submission.assessment_id)
    if assessment.round.is_locked or assessment.round.status not in workflow.SURVEY_OPEN:
        return None
    return assessment


def _save_assessment(assessment: Assessment, actor: User, reason: str) -> None:
    assessment_reclassify(assessment)
    assessment._history_user = actor
    assessment._change_reason = reason
    assessment.save()


def _decide(change: MemberChange, actor: User, state: str, reason: str) -> None:
    change.state = state
    change.reviewer = actor
    change.reviewed_at = timezone.now()
    change.reason = reason
    change._history_user = actor
    change._change_reason = reason
    change.save()


def member_change_confirm(*, actor: User, change: MemberChange, note: str = "") -> MemberChange:
    """Write a confirmed change into the registry and record its life event.

    A new member is added (Member created through households' member_add); one who moved away
    or died keeps their row with `left_on` (member_update). The event is recorded with the
    date the enumerator gave (a newborn's: the date of birth).
    """
    require(actor, Capability.EDIT_RECORDS, change.submission.commune)
    with transaction.atomic():
        locked = _lock_pending(change)
        household = locked.submission.assessment.household
        reason = clean_reason(
            note,
            _("Confirmed from field submission %(id)s") % {"id": locked.submission.instance_id},
        )
        try:
            if locked.kind in (MemberChangeKind.BORN, MemberChangeKind.MOVED_IN):
                member = _add_member(actor, household, locked, reason)
            else:
                member = locked.member
                if member is None or member.household_id != household.pk:
                    raise Conflict(_("The member is no longer in this household."))
                member_update(
                    actor=actor, member=member, data={"left_on": locked.date}, reason=reason
                )
            event = life_event_record(
                actor=actor,
                household=household,
                kind=EVENT_OF[locked.kind],
                date=locked.date,
                reason=reason,
                note=f"{member.full_name} · {locked.submission.instance_id}",
            )
        except RecordInvalid as exc:
            # Name the field: the officer sees these on the submission's page, not a form.
            raise ValidationError(
                [f"{field}: {m}" for field, ms in exc.message_dict.items() for m in ms]
            ) from None
        locked.member = member
        locked.life_event = event
        _decide(locked, actor, MemberChangeState.CONFIRMED, reason)
    return locked


def _add_member(actor: User, household, change: MemberChange, reason: str):
    data = {k: change.data[k] for k in NEW_MEMBER_FIELDS if change.data.get(k) is not None}
    data["full_name"] = change.full_name
    data["child_nutrition"] = change.data.get("child_nutrition") or ""
    dob = change.data.get("date_of_birth")
    data["date_of_birth"] = dt.date.fromisoformat(dob) if dob else None
    try:
        member = member_add(actor=actor, household=household, data=data, reason=reason)
    except PossibleDuplicates as exc:
        raise Conflict(
            _(
                "%(name)s may already be registered (%(found)s); check the registry before "
                "confirming."
            )
            % {
                "name": change.full_name,
                "found": ", ".join(f"{m.full_name} · {m.household_code}" for m in exc.matches),
            }
        ) from None
    assessment = _survey_open_assessment(change)
    if assessment is not None:
        # The survey's `new-N` becomes the registry's id, so the next round finds the member.
        for row in assessment.members:
            if row.get("member_id") == change.survey_id:
                row["member_id"] = str(member.pk)
        old, new = member_section(change.survey_id), member_section(member.pk)
        assessment.sections_done = [new if s == old else s for s in assessment.sections_done]
        deprived = assessment.deprived_members or {}
        assessment.deprived_members = {
            k: [str(member.pk) if i == change.survey_id else i for i in v]
            for k, v in deprived.items()
        }
        assessment._history_user = actor
        assessment._change_reason = reason
        assessment.save()
    return member


def member_change_reject(*, actor: User, change: MemberChange, reason: str) -> MemberChange:
    """Set a reported change aside, saying why; the registry is left as it is.

    While the survey is open the assessment follows: a rejected new member is taken out, and
    a member rejected as gone is counted again (their answers are needed before it is
    classified).
    """
    require(actor, Capability.EDIT_RECORDS, change.submission.commune)
    if not (reason or "").strip():
        raise DomainError(_("Say why this member change is rejected."))
    reason = clean_reason(reason)
    with transaction.atomic():
        locked = _lock_pending(change)
        assessment = _survey_open_assessment(locked)
        if assessment is not None:
            if locked.kind in (MemberChangeKind.BORN, MemberChangeKind.MOVED_IN):
                assessment.members = [
                    m for m in assessment.members if m.get("member_id") != locked.survey_id
                ]
            elif locked.member is not None and not any(
                m.get("member_id") == str(locked.member_id) for m in assessment.members
            ):
                assessment.members = [
                    *assessment.members,
                    member_facts_from_registry(locked.member),
                ]
                section = member_section(locked.member_id)
                assessment.sections_done = [s for s in assessment.sections_done if s != section]
            _save_assessment(assessment, actor, reason)
        _decide(locked, actor, MemberChangeState.REJECTED, reason)
    return locked
