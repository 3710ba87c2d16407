"""Complaints raised during the public posting and their re-check (phúc tra).

Decision 24/2021/QĐ-TTg, Art. 4(3): complaints are raised while the results are posted; each is
re-checked within 7 working days of receipt and the re-checked results are posted again for
3 working days.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.errors import Conflict, DomainError
from giamngheo.households.models import Household
from giamngheo.law import cited
from giamngheo.reviews import legal, workflow
from giamngheo.reviews.models import Assessment, Complaint, ReviewRound, RoundStatus
from giamngheo.reviews.services.assessments import (
    apply_section,
    assessment_classify,
    assessment_prefill,
    required_sections,
    survey_complete,
)
from giamngheo.reviews.services.rounds import round_households_in_commune
from giamngheo.reviews.workdays import add_working_days

RECHECK_STEPS = {RoundStatus.POSTING, RoundStatus.COMPLAINTS}


def _received_on_problem(review_round: ReviewRound, received_on: dt.date, today: dt.date) -> str:
    """What is wrong with the date a complaint was received, if anything, said precisely."""
    if received_on > today:
        return _("The date received cannot be after today (%(today)s).") % {
            "today": f"{today:%d/%m/%Y}"
        }
    if received_on < review_round.posting_started_on:
        return _("The date received cannot be before the posting started on %(start)s.") % {
            "start": f"{review_round.posting_started_on:%d/%m/%Y}"
        }
    if received_on > review_round.posting_ends_on:
        return _(
            "The date received cannot be after the posting ended on %(end)s; complaints are "
            "raised during the posting (%(article)s)."
        ) % {
            "end": f"{review_round.posting_ends_on:%d/%m/%Y}",
            "article": cited(legal.COMPLAINT_RECHECK.article),
        }
    return ""


@transaction.atomic
def complaint_receive(
    *,
    actor: User,
    review_round: ReviewRound,
    household: Household,
    received_on: dt.date,
    complainant: str,
    content: str,
) -> Complaint:
    if not can(actor, Capability.EDIT_RECORDS, review_round.unit):
        raise PermissionDenied(_("This is outside your unit or your role."))
    errors = []
    if review_round.status != RoundStatus.POSTING:
        errors.append(
            _("Complaints are received while the results are posted (%(a)s).")
            % {"a": cited(legal.POSTING.article)}
        )
    else:
        problem = _received_on_problem(review_round, received_on, timezone.localdate())
        if problem:
            errors.append(problem)
    if not round_households_in_commune(review_round).filter(pk=household.pk).exists():
        errors.append(_("This household does not belong to the commune."))
    if not complainant.strip() or not content.strip():
        errors.append(_("Enter who complains and what about."))
    if errors:
        raise ValidationError(errors)
    assessment = review_round.assessments.filter(household=household).first()
    return Complaint.objects.create(
        round=review_round,
        household=household,
        received_on=received_on,
        complainant=complainant.strip()[:120],
        content=content.strip(),
        recheck_due=add_working_days(received_on, legal.COMPLAINT_RECHECK.value),
        class_before=assessment.poverty_class if assessment else "",
    )


def _check_recheck(actor: User, complaint: Complaint) -> None:
    review_round = complaint.round
    if not can(actor, Capability.COLLECT_ANSWERS, review_round.unit) or not can(
        actor, Capability.EDIT_RECORDS, review_round.unit
    ):
        raise PermissionDenied(_("This is outside your unit or your role."))
    review_round.refresh_from_db(fields=["status"])
    if review_round.status not in RECHECK_STEPS:
        raise DomainError(_("Complaints are re-checked during the posting and complaint steps."))
    if complaint.status != Complaint.Status.RECEIVED:
        raise Conflict(_("This complaint has already been dealt with."))


def _complaint_assessment(complaint: Complaint) -> tuple[Assessment, bool]:
    """The household's assessment in the round; a household that was not listed gets one."""
    assessment, created = Assessment.objects.get_or_create(
        round=complaint.round, household=complaint.household, defaults={"source": "complaint"}
    )
    if created or not assessment.members:
        assessment_prefill(assessment)
    return assessment, created


@transaction.atomic
def complaint_answer_section(
    *, actor: User, complaint: Complaint, section: str, data: dict[str, Any]
) -> Assessment:
    """Re-survey one section while the complaint is open; the class changes on the decision."""
    _check_recheck(actor, complaint)
    assessment, _created = _complaint_assessment(complaint)
    if section not in required_sections(assessment):
        raise DomainError(_("Unknown form section."))
    apply_section(assessment, section, data)
    # Answering form B again overrides the screening that stopped the household.
    assessment.screened_out = False
    assessment.save()
    return assessment


@transaction.atomic
def complaint_recheck(
    *,
    actor: User,
    complaint: Complaint,
    resolution: str,
    changes: dict[str, dict[str, Any]] | None = None,
    dismiss: bool = False,
) -> Complaint:
    """Re-assess the household (changed sections), reclassify, and re-post the result."""
    review_round = complaint.round
    _check_recheck(actor, complaint)
    if not resolution.strip():
        raise DomainError(_("Write the result of the re-check."))
    today = timezone.localdate()
    if dismiss:
        complaint.status = Complaint.Status.DISMISSED
        complaint.class_after = complaint.class_before
    else:
        assessment, created = _complaint_assessment(complaint)
        for section, data in (changes or {}).items():
            if section not in required_sections(assessment):
                raise DomainError(_("Unknown form section."))
            apply_section(assessment, section, data)
        if assessment.screened_out and changes:
            assessment.screened_out = False
        if not assessment.screened_out:
            if not survey_complete(assessment):
                raise DomainError(_("Every form B section must be answered to reclassify."))
            assessment_classify(assessment)
            if not assessment.poverty_class:
                raise DomainError(
                    _("The answers cannot be classified: %(m)s")
                    % {"m": assessment.classification_error.get("message", "")}
                )
        assessment.source = "complaint" if created else assessment.source
        assessment.save()
        complaint.status = Complaint.Status.RECHECKED
        complaint.class_after = assessment.poverty_class
        # Re-posted from the next working day for 3 working days.
        complaint.reposting_ends_on = add_working_days(today, legal.REPOSTING.value)
    complaint.resolution = resolution.strip()
    complaint.resolved_at = timezone.now()
    complaint.resolved_by = actor
    complaint.save()
    if review_round.status == RoundStatus.COMPLAINTS:
        review_round.step_deadline = workflow.step_deadline(review_round, review_round.status)
        review_round.save(update_fields=["step_deadline"])
    return complaint
