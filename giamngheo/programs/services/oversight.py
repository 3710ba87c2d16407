"""Inspections and their recommendations; reviews, commendations and conferences of a program."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.models import Organisation, User
from giamngheo.accounts.scoping import Capability, require
from giamngheo.geo.models import AdminUnit
from giamngheo.programs.models import (
    Activity,
    Commendation,
    Conference,
    CoordinationProgram,
    Inspection,
    ProgramReview,
    Recommendation,
    RecommendationStatus,
)
from giamngheo.programs.permissions import can_follow_up, require_program_edit


def _require_inspection_edit(actor: User, inspection: Inspection) -> None:
    require(
        actor,
        Capability.EDIT_PROGRAMS,
        inspection.unit,
        organisation_id=inspection.lead_organisation_id,
    )


@transaction.atomic
def inspection_plan(
    *,
    actor: User,
    title: str,
    unit: AdminUnit,
    planned_on: dt.date,
    kind: str = "inspection",
    program: CoordinationProgram | None = None,
    activity: Activity | None = None,
    lead_organisation: Organisation | None = None,
) -> Inspection:
    if activity is not None and program is None:
        program = activity.content_area.program
    inspection = Inspection(
        title=title,
        unit=unit,
        planned_on=planned_on,
        kind=kind,
        program=program,
        activity=activity,
        lead_organisation=lead_organisation,
        created_by=actor,
    )
    inspection.full_clean()
    _require_inspection_edit(actor, inspection)
    inspection.save()
    return inspection


@transaction.atomic
def inspection_record(
    *, actor: User, inspection: Inspection, conducted_on: dt.date, findings: str
) -> Inspection:
    _require_inspection_edit(actor, inspection)
    inspection.conducted_on, inspection.findings = conducted_on, findings
    inspection.save(update_fields=["conducted_on", "findings"])
    return inspection


@transaction.atomic
def recommendation_add(
    *,
    actor: User,
    inspection: Inspection,
    text: str,
    responsible: Organisation,
    deadline: dt.date,
) -> Recommendation:
    _require_inspection_edit(actor, inspection)
    if inspection.conducted_on and deadline < inspection.conducted_on:
        raise ValidationError({"deadline": _("The deadline comes before the inspection.")})
    recommendation = Recommendation(
        inspection=inspection, text=text, responsible=responsible, deadline=deadline
    )
    recommendation.full_clean()
    recommendation.save()
    return recommendation


@transaction.atomic
def recommendation_follow_up(
    *,
    actor: User,
    recommendation: Recommendation,
    status: str,
    follow_up: str,
    resolved_on: dt.date | None = None,
) -> Recommendation:
    """The responsible organisation's officers report on their own recommendations."""
    if not can_follow_up(actor, recommendation):
        raise PermissionDenied(_("This is outside your unit or your role."))
    if status not in RecommendationStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    if status == RecommendationStatus.DONE and resolved_on is None:
        raise ValidationError({"resolved_on": _("Give the date it was resolved.")})
    recommendation.status = status
    recommendation.follow_up = follow_up
    recommendation.resolved_on = resolved_on
    recommendation.save(update_fields=["status", "follow_up", "resolved_on"])
    return recommendation


@transaction.atomic
def review_hold(
    *,
    actor: User,
    program: CoordinationProgram,
    kind: str,
    held_on: dt.date,
    period_label: str = "",
    summary: str = "",
    report: UploadedFile | None = None,
) -> ProgramReview:
    require_program_edit(actor, program)
    review = ProgramReview(
        program=program, kind=kind, held_on=held_on, period_label=period_label, summary=summary
    )
    if report is not None:
        review.report = report
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def commendation_award(
    *,
    actor: User,
    program: CoordinationProgram,
    decision_number: str,
    decided_on: dt.date,
    award_form: str,
    recipient_organisation: Organisation | None = None,
    recipient_person: str = "",
    issuer: str = "",
    reason: str = "",
    review: ProgramReview | None = None,
) -> Commendation:
    require_program_edit(actor, program)
    commendation = Commendation(
        program=program,
        review=review,
        decision_number=decision_number,
        decided_on=decided_on,
        award_form=award_form,
        recipient_organisation=recipient_organisation,
        recipient_person=recipient_person.strip(),
        issuer=issuer,
        reason=reason,
    )
    commendation.full_clean()
    commendation.save()
    return commendation


@transaction.atomic
def conference_hold(
    *,
    actor: User,
    program: CoordinationProgram,
    kind: str,
    title: str,
    held_on: dt.date,
    location: str = "",
    participant_count: int = 0,
    participants: str = "",
    minutes: str = "",
) -> Conference:
    require_program_edit(actor, program)
    conference = Conference(
        program=program,
        kind=kind,
        title=title,
        held_on=held_on,
        location=location,
        participant_count=participant_count,
        participants=participants,
        minutes=minutes,
    )
    conference.full_clean()
    conference.save()
    return conference
