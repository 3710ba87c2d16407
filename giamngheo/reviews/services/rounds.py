"""Opening a round, listing its households and moving it through the steps."""

import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.dbstats import analyze_after_commit
from giamngheo.errors import Conflict, DomainError
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.households.models import Household, HouseholdStatus
from giamngheo.law import cited
from giamngheo.reviews import legal, workflow
from giamngheo.reviews.models import (
    Assessment,
    Attachment,
    ChangeRequest,
    ReviewRound,
    RoundStatus,
    RoundTransition,
    RoundType,
)
from giamngheo.reviews.services.assessments import assessment_prefill, previous_assessments
from giamngheo.reviews.services.documents import round_documents_schedule
from giamngheo.reviews.services.outcomes import outcomes_compute
from giamngheo.reviews.services.snapshots import round_snapshot_take
from giamngheo.reviews.workdays import period_end
from giamngheo.standards import StandardError, select_standard
from giamngheo.storage import display_name

ATTACHMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".odt"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def _require(actor: User, capability: str, unit: AdminUnit) -> None:
    if not can(actor, capability, unit):
        raise PermissionDenied(_("This is outside your unit or your role."))


@transaction.atomic
def round_create(
    *,
    actor: User,
    unit: AdminUnit,
    round_type: str,
    review_date: dt.date,
    year: int | None = None,
) -> ReviewRound:
    """Open a round; its standard follows the contract's rule (a periodic round in year N sets
    the lists for N+1, poverty-standards.md §0)."""
    _require(actor, Capability.EDIT_RECORDS, unit)
    if unit.level != Level.COMMUNE:
        raise DomainError(_("A review round belongs to a commune."))
    year = year or review_date.year
    if round_type not in RoundType.values:
        raise DomainError(_("Unknown round type."))
    if round_type == RoundType.PERIODIC:
        start, end = legal.periodic_window(year)
        if not start <= review_date <= end:
            raise DomainError(
                _("A periodic review runs from %(start)s to %(end)s (%(article)s).")
                % {
                    "start": f"{start:%d/%m/%Y}",
                    "end": f"{end:%d/%m/%Y}",
                    "article": cited(legal.PERIODIC_WINDOW_ARTICLE),
                }
            )
    try:
        standard = select_standard(review_date, round_type).id
    except StandardError as exc:
        raise DomainError(
            _("No poverty standard applies to this date: %(e)s") % {"e": exc}
        ) from exc
    review_round = ReviewRound(
        unit=unit,
        year=year,
        round_type=round_type,
        review_date=review_date,
        standard=standard,
        created_by=actor,
        step_started_at=timezone.now(),
    )
    review_round.step_deadline = workflow.step_deadline(review_round, RoundStatus.LISTING)
    try:
        with transaction.atomic():
            review_round.save()
    except IntegrityError:
        raise Conflict(
            _("This commune already has a periodic round for %(year)d.") % {"year": year}
        ) from None
    RoundTransition.objects.create(
        round=review_round,
        from_status=RoundStatus.LISTING,
        to_status=RoundStatus.LISTING,
        actor=actor,
        reason=_("Round opened"),
    )
    return review_round


def round_households_in_commune(review_round: ReviewRound):
    return Household.objects.filter(unit__in=review_round.unit.subtree())


@transaction.atomic
def round_list_households(*, actor: User, review_round: ReviewRound, households=None) -> int:
    """Add households to the round (Art. 4(1)); by default every resident household."""
    _require(actor, Capability.EDIT_RECORDS, review_round.unit)
    review_round = _lock(review_round)
    if review_round.status not in workflow.LISTING_OPEN:
        raise DomainError(_("Households can be listed only before the village meeting."))
    in_commune = round_households_in_commune(review_round)
    if households is None:
        households = in_commune.filter(status=HouseholdStatus.ACTIVE)
    else:
        ids = [h.pk for h in households]
        if in_commune.filter(pk__in=ids).count() != len(set(ids)):
            raise DomainError(_("Some households do not belong to this commune."))
        households = in_commune.filter(pk__in=ids)
    done = set(review_round.assessments.values_list("household_id", flat=True))
    todo = [h for h in households.prefetch_related("members") if h.pk not in done]
    previous = previous_assessments(review_round, [h.pk for h in todo])
    rows = []
    for household in todo:
        assessment = Assessment(round=review_round, household=household)
        assessment_prefill(assessment, previous.get(household.pk))
        rows.append(assessment)
    # Audited like any other write (django-simple-history).
    bulk_create_with_history(rows, Assessment, batch_size=1000, default_user=actor)
    analyze_after_commit([Assessment], len(rows))
    return len(rows)


def _lock(review_round: ReviewRound) -> ReviewRound:
    """Lock the row and bring the caller's instance up to date with it."""
    ReviewRound.objects.select_for_update().filter(pk=review_round.pk).first()
    review_round.refresh_from_db()
    return review_round


def _move(review_round: ReviewRound, actor: User, target: str, reason: str, today) -> None:
    previous = review_round.status
    review_round.status = target
    review_round.step_started_at = timezone.now()
    if target == RoundStatus.POSTING:
        review_round.posting_started_on = today
        review_round.posting_ends_on = period_end(today, legal.POSTING.value)
    if target == RoundStatus.SURVEY and previous == RoundStatus.MEETING:
        # The meeting is held again after the review is redone.
        review_round.meeting_attendees = review_round.meeting_agreed = None
        review_round.meeting_held_on = None
    review_round.step_deadline = workflow.step_deadline(review_round, target)
    review_round.save()
    RoundTransition.objects.create(
        round=review_round, from_status=previous, to_status=target, actor=actor, reason=reason
    )


@transaction.atomic
def round_advance(
    *, actor: User, review_round: ReviewRound, target: str | None = None, reason: str = ""
) -> ReviewRound:
    """Move to the next step (or back from the meeting to the survey) when its conditions hold."""
    _require(actor, Capability.EDIT_RECORDS, review_round.unit)
    review_round = _lock(review_round)
    target = target or workflow.FORWARD.get(review_round.status, "")
    if target in workflow.NEEDS_APPROVAL_SERVICE:
        raise ValidationError(workflow.blockers(review_round, target, timezone.localdate()))
    today = timezone.localdate()
    problems = workflow.blockers(review_round, target, today) if target else [_("Last step.")]
    if problems:
        raise ValidationError(problems)
    if target == workflow.BACKWARD.get(review_round.status) and not reason.strip():
        raise DomainError(_("Say why the review and the meeting are redone."))
    _move(review_round, actor, target, reason, today)
    return review_round


@transaction.atomic
def round_record_meeting(
    *, actor: User, review_round: ReviewRound, held_on: dt.date, attendees: int, agreed: int
) -> ReviewRound:
    _require(actor, Capability.EDIT_RECORDS, review_round.unit)
    review_round = _lock(review_round)
    if review_round.status != RoundStatus.MEETING:
        raise DomainError(_("The meeting result is recorded during the meeting step."))
    errors = []
    if attendees < 1:
        errors.append(_("At least one person attended."))
    if agreed < 0 or agreed > attendees:
        errors.append(_("Those who agreed cannot be more than the attendees."))
    if held_on > timezone.localdate() or held_on < review_round.review_date:
        errors.append(_("The meeting date must lie between the review date and today."))
    if errors:
        raise ValidationError(errors)
    review_round.meeting_held_on = held_on
    review_round.meeting_attendees = attendees
    review_round.meeting_agreed = agreed
    review_round.save()
    return review_round


@transaction.atomic
def round_approve(
    *,
    actor: User,
    review_round: ReviewRound,
    decision_number: str,
    decision_date: dt.date,
    reason: str = "",
) -> ReviewRound:
    """The commune chairman's decision (Mẫu 02) recognises the lists and locks the round."""
    if not can(actor, Capability.APPROVE_ROUNDS, review_round.unit):
        raise PermissionDenied(_("Only the commune chairman approves a review round."))
    review_round = _lock(review_round)
    if review_round.status != RoundStatus.APPROVAL:
        raise DomainError(
            _("A round is approved only after the complaints step; steps cannot be skipped.")
        )
    errors = []
    if not decision_number.strip():
        errors.append(_("Enter the decision number."))
    today = timezone.localdate()
    if decision_date > today or decision_date < review_round.review_date:
        errors.append(_("The decision date must lie between the review date and today."))
    if errors:
        raise ValidationError(errors)
    review_round.decision_number = decision_number.strip()
    review_round.decision_date = decision_date
    review_round.approved_by = actor
    _move(
        review_round,
        actor,
        RoundStatus.APPROVED,
        reason or _("Decision %(no)s") % {"no": decision_number},
        today,
    )
    outcomes_compute(review_round)
    round_snapshot_take(review_round=review_round)
    round_documents_schedule(actor=actor, review_round=review_round)
    review_round.change_requests.filter(status=ChangeRequest.Status.OPEN).update(
        status=ChangeRequest.Status.APPLIED
    )
    return review_round


@transaction.atomic
def attachment_add(
    *, actor: User, review_round: ReviewRound, kind: str, file, title: str = ""
) -> Attachment:
    _require(actor, Capability.EDIT_RECORDS, review_round.unit)
    errors = []
    if kind not in Attachment.Kind.values:
        errors.append(_("Unknown kind of attachment."))
    if Path(file.name).suffix.lower() not in ATTACHMENT_TYPES:
        errors.append(
            _("Accepted files: %(types)s.") % {"types": ", ".join(sorted(ATTACHMENT_TYPES))}
        )
    if file.size > ATTACHMENT_MAX_BYTES:
        errors.append(_("The file is larger than 10 MB."))
    if review_round.is_locked and kind not in (Attachment.Kind.DECISION, Attachment.Kind.OTHER):
        errors.append(_("This round is approved and locked."))
    if errors:
        raise ValidationError(errors)
    return Attachment.objects.create(
        round=review_round,
        kind=kind,
        file=file,
        original_name=display_name(file.name),
        title=title[:200],
        uploaded_by=actor,
    )
