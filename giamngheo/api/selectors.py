"""Reads of kept OpenRosa submissions, within the actor's units."""

from django.db.models import Q, QuerySet
from django.http import Http404

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, scoped
from giamngheo.api.models import MemberChange, MemberChangeState, ReviewState, Submission
from giamngheo.api.openrosa.provenance import origin_of


def submission_list(*, actor: User, filters: dict | None = None) -> QuerySet[Submission]:
    """Submissions of the communes the actor edits; by default those waiting for review."""
    filters = filters or {}
    qs = scoped(Submission.objects.all(), actor, Capability.EDIT_RECORDS, unit_field="commune")
    qs = qs.filter(state=filters.get("state") or ReviewState.NEEDS_REVIEW)
    if filters.get("round"):
        qs = qs.filter(review_round_id=filters["round"])
    return qs.select_related("commune", "submitted_by", "review_round", "reviewer")


def submission_get(*, actor: User, pk: int) -> Submission:
    qs = scoped(Submission.objects.all(), actor, Capability.EDIT_RECORDS, unit_field="commune")
    found = qs.select_related("commune", "submitted_by", "review_round", "reviewer").filter(pk=pk)
    found = found.first()
    if found is None:
        raise Http404
    return found


def submissions_waiting(*, actor: User, review_round_id: int) -> int:
    return submission_list(actor=actor, filters={"round": review_round_id}).count()


def assessment_submissions(*, actor: User, assessment) -> list[Submission]:
    """The field submissions behind an assessment, and those for it still waiting for review,
    oldest first; each carries `origin` (form times, GPS) read from its XML."""
    qs = scoped(Submission.objects.all(), actor, Capability.READ_RECORDS, unit_field="commune")
    found = list(
        qs.filter(
            Q(assessment=assessment)
            | Q(review_round=assessment.round, household_code=assessment.household.code)
        )
        .select_related("submitted_by")
        .prefetch_related("attachments")
        .order_by("received_at", "pk")
    )
    for submission in found:
        submission.origin = origin_of(submission.form_id, submission.xml)
    return found


def member_change_list(*, actor: User, state: str = "") -> QuerySet[MemberChange]:
    """Member changes reported by the field, in the communes the actor edits; by default
    those waiting for confirmation."""
    qs = scoped(
        MemberChange.objects.all(), actor, Capability.EDIT_RECORDS, unit_field="submission__commune"
    )
    qs = qs.filter(state=state or MemberChangeState.PENDING)
    return qs.select_related(
        "submission__commune", "submission__assessment__household", "member", "reviewer"
    ).order_by("submission__received_at", "pk")


def member_change_get(*, actor: User, pk: int) -> MemberChange:
    qs = scoped(
        MemberChange.objects.all(), actor, Capability.EDIT_RECORDS, unit_field="submission__commune"
    )
    found = qs.select_related("submission__commune").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
