"""Receiving an OpenRosa submission once its HTTP has been read: keeping it, and applying its
answers through the reviews services.

A submission is identified by its `meta/instanceID`. Collect retries after a lost response, so
the same ID with the same XML is acknowledged (202) without changing anything. An edit carries
the previous ID in `meta/deprecatedID` and replaces the answers it gave. The answers are written
through the reviews services (`assessment_answers_receive`, `assessment_screen`) in one
savepoint: a refusal leaves nothing half-applied. What cannot be applied waits in the commune's
review queue with its reason (a resend of an instance ID with other answers included).
"""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.api.models import Problem, ReviewState, Submission, SubmissionAttachment
from giamngheo.api.openrosa import member_changes
from giamngheo.api.openrosa.forms import open_round, screening_round
from giamngheo.api.openrosa.parsing import Parsed, SubmissionError, Unusable, parse
from giamngheo.geo.models import AdminUnit
from giamngheo.households.models import Household
from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews import workflow
from giamngheo.reviews.models import Assessment, ReviewRound
from giamngheo.reviews.services.assessments import assessment_answers_receive, assessment_screen


@dataclass(frozen=True)
class Receipt:
    """What Collect is told: the HTTP status (201 kept, 202 nothing new) and the message."""

    status: int
    text: str


def submission_receive(
    *,
    actor: User,
    commune: AdminUnit,
    xml: bytes,
    parsed: Parsed,
    attachments: list[UploadedFile],
    incomplete: bool,
) -> Receipt:
    """Keep a readable submission and apply it, or queue it for review with its reason.

    Raises SubmissionError(403) for a household outside the commune or the actor's reach: the
    one refusal Collect's user can act on. Every other readable submission is kept.
    """
    digest = hashlib.sha256(xml).hexdigest()
    # Without an instance ID, the XML's digest still recognises Collect's retries.
    instance_id = parsed.instance_id or f"sha256:{digest}"
    with transaction.atomic():
        earlier = list(Submission.objects.select_for_update().filter(instance_id=instance_id))
        submission = next(
            (s for s in earlier if s.xml_sha256 == digest and s.commune_id == commune.pk), None
        )
        if submission is not None and submission.complete:
            _store_files(submission, attachments)
            return Receipt(202, _("Already received; nothing was changed."))
        _check_scope(actor, commune, parsed)
        if submission is None:
            submission = Submission.objects.create(
                instance_id=instance_id,
                deprecated_id=parsed.deprecated_id[:80],
                form_id=parsed.form_id,
                form_version=parsed.version,
                commune=commune,
                submitted_by=actor,
                household_code=parsed.household_code[:40],
                review_round=_round_of(commune, parsed)
                or ReviewRound.objects.filter(unit=commune).order_by("-review_date").first(),
                xml=xml.decode("utf-8", errors="replace"),
                xml_sha256=digest,
                problem=Problem.CONFLICTING_RESEND if earlier else "",
                problem_detail=_(
                    "The instance ID %(id)s was already received with other answers; this "
                    "copy was kept beside it, not applied."
                )
                % {"id": instance_id}
                if earlier
                else "",
            )
        _store_files(submission, attachments)
        if incomplete:
            return Receipt(202, _("Part received; waiting for the rest of the submission."))
        submission.complete = True
        submission.completed_at = timezone.now()
        try:
            if submission.problem:
                raise Unusable(submission.problem, submission.problem_detail)
            if parsed.problem:
                raise Unusable(parsed.problem, parsed.detail)
            with transaction.atomic():
                text = apply_parsed(actor, submission, parsed)
        except Unusable as exc:
            _queue(submission, exc)
            return Receipt(
                201,
                _(
                    "Received; the commune will check this form before it is used, because: "
                    "%(reason)s"
                )
                % {"reason": exc.detail},
            )
    return Receipt(201, text)


def _queue(submission: Submission, exc: Unusable) -> None:
    submission.state = ReviewState.NEEDS_REVIEW
    submission.problem = exc.problem
    submission.problem_detail = exc.detail
    submission.save()


def _check_scope(actor: User, commune: AdminUnit, parsed: Parsed) -> None:
    """403 for a household outside the commune or the user's reach: Collect can act on that."""
    household = Household.objects.select_related("unit").filter(code=parsed.household_code).first()
    if household is None:
        return
    if not commune.contains(household.unit):
        raise SubmissionError(
            403,
            _("Household %(code)s is not in %(commune)s; it cannot be surveyed here.")
            % {"code": household.code, "commune": commune.name},
        )
    if not can(actor, Capability.COLLECT_ANSWERS, household.unit):
        raise SubmissionError(403, _("You may not collect answers for this household."))


def apply_submission(*, actor: User, submission: Submission) -> str:
    """Apply a kept submission after review; raises Unusable when it still cannot be used.

    A reviewer's decision may replace answers the household already has, which a fresh
    submission may not do unasked.
    """
    parsed = parse(submission.xml.encode("utf-8"))
    if parsed.problem:
        raise Unusable(parsed.problem, parsed.detail)
    try:
        _check_scope(actor, submission.commune, parsed)
        with transaction.atomic():
            return apply_parsed(actor, submission, parsed, reviewed=True)
    except SubmissionError as exc:
        raise PermissionDenied(exc.message) from None


def apply_parsed(
    actor: User, submission: Submission, parsed: Parsed, *, reviewed: bool = False
) -> str:
    """Write the answers into the household's assessment; Unusable when they cannot go there."""
    if parsed.markers is not None:
        return apply_screening(actor, submission, parsed, reviewed=reviewed)
    assessment = _target(submission.commune, parsed)
    if parsed.deprecated_id:
        previous = (
            Submission.objects.filter(instance_id=parsed.deprecated_id)
            .exclude(problem=Problem.CONFLICTING_RESEND)
            .first()
        )
        if previous is not None and previous.assessment_id not in (None, assessment.pk):
            raise Unusable(
                Problem.EDIT_MOVES_HOUSEHOLD,
                _("An edit cannot move the answers to another household."),
            )
        if previous is not None:
            previous.superseded = True
            previous.save(update_fields=["superseded"])
            member_changes.withdraw(actor, previous)
    elif assessment.instance_id and assessment.instance_id != parsed.instance_id and not reviewed:
        raise Unusable(
            Problem.ALREADY_SURVEYED,
            _(
                "Household %(code)s was already surveyed (submission %(id)s); edit that "
                "submission instead of sending a new one."
            )
            % {"code": assessment.household.code, "id": assessment.instance_id},
        )
    member_changes.set_survey_members(assessment, parsed)
    try:
        assessment_answers_receive(
            actor=actor,
            assessment=assessment,
            sections=parsed.sections,
            members=parsed.members,
            source="odk",
            instance_id=parsed.instance_id,
        )
    except ValidationError as exc:
        raise Unusable(
            Problem.INVALID_ANSWERS, "; ".join(getattr(exc, "messages", None) or [str(exc)])
        ) from None
    except PermissionDenied as exc:
        raise SubmissionError(403, str(exc) or _("You may not collect answers here.")) from None
    if reviewed:
        Submission.objects.filter(assessment=assessment, superseded=False).exclude(
            pk=submission.pk
        ).update(superseded=True)
    submission.assessment = assessment
    submission.state = ReviewState.APPLIED_AFTER_REVIEW if reviewed else ReviewState.ACCEPTED
    submission.save()
    text = _received_text(assessment)
    if parsed.changes:
        member_changes.record(submission, parsed)
        text += " " + _("%(n)d member change(s) wait for the commune officer's confirmation.") % {
            "n": len(parsed.changes)
        }
    return text


def _received_text(assessment: Assessment) -> str:
    if assessment.poverty_class:
        return _("Received household %(code)s: %(klass)s.") % {
            "code": assessment.household.code,
            "klass": PovertyClass(assessment.poverty_class).label,
        }
    if assessment.classification_error:
        return _("Received household %(code)s; it cannot be classified yet: %(reason)s") % {
            "code": assessment.household.code,
            "reason": assessment.classification_error.get("message", ""),
        }
    return _("Received household %(code)s; not classified yet: some members are missing.") % {
        "code": assessment.household.code
    }


def _round_of(commune: AdminUnit, parsed: Parsed) -> ReviewRound | None:
    """The round a submission is for: form A's in screening (or survey), form B's in survey."""
    if parsed.markers is not None:
        return screening_round(commune, workflow.SCREENING_OPEN)
    return open_round(commune)


def _household_of(commune: AdminUnit, parsed: Parsed) -> Household:
    household = Household.objects.select_related("unit").filter(code=parsed.household_code).first()
    if household is None or not commune.contains(household.unit):
        raise Unusable(
            Problem.UNKNOWN_HOUSEHOLD,
            _("No household of %(commune)s has the code %(code)s.")
            % {"code": parsed.household_code, "commune": commune.name},
        )
    return household


def apply_screening(
    actor: User, submission: Submission, parsed: Parsed, *, reviewed: bool = False
) -> str:
    """Form A: the markers go through the web form's service; 4 or more screen the household
    out (Circular 07/2021/TT-BLĐTBXH, Annex II). During screening a household may be screened
    again, so a later form A replaces an earlier one, as on the web."""
    commune = submission.commune
    household = _household_of(commune, parsed)
    assessment = _listed_assessment(
        commune, household, screening_round(commune, workflow.SCREENING_OPEN), form="A"
    )
    if parsed.deprecated_id:
        Submission.objects.filter(instance_id=parsed.deprecated_id, assessment=assessment).exclude(
            problem=Problem.CONFLICTING_RESEND
        ).update(superseded=True)
    try:
        assessment_screen(
            actor=actor, assessment=assessment, markers=parsed.markers or [], source="odk"
        )
    except ValidationError as exc:
        raise Unusable(
            Problem.INVALID_ANSWERS, "; ".join(getattr(exc, "messages", None) or [str(exc)])
        ) from None
    except PermissionDenied as exc:
        raise SubmissionError(403, str(exc) or _("You may not collect answers here.")) from None
    # The instance ID stays on the submission: the assessment's own is form B's, which
    # recognises a second survey of the same household.
    submission.assessment = assessment
    submission.state = ReviewState.APPLIED_AFTER_REVIEW if reviewed else ReviewState.ACCEPTED
    submission.save()
    count = assessment.screening.get("count", 0)
    if assessment.screened_out:
        return _(
            "Received form A of household %(code)s: %(n)d markers; it stops at screening "
            "(not poor)."
        ) % {"code": household.code, "n": count}
    return _("Received form A of household %(code)s: %(n)d markers; it goes on to form B.") % {
        "code": household.code,
        "n": count,
    }


def _target(commune: AdminUnit, parsed: Parsed) -> Assessment:
    """The assessment this submission fills: the household's, in the commune's open round."""
    household = _household_of(commune, parsed)
    return _listed_assessment(commune, household, open_round(commune), form="B")


def _listed_assessment(
    commune: AdminUnit, household, review_round: ReviewRound | None, *, form: str
) -> Assessment:
    """The household's assessment (locked) in the round collecting this form, or why not."""
    if review_round is None:
        latest = ReviewRound.objects.filter(unit=commune).order_by("-review_date").first()
        step = latest.get_status_display() if latest else _("none")
        message = (
            _(
                "No review round of %(commune)s is collecting form A answers (latest round: "
                "%(step)s)."
            )
            if form == "A"
            else _(
                "No review round of %(commune)s is collecting form B answers (latest round: "
                "%(step)s)."
            )
        )
        raise Unusable(Problem.NO_OPEN_ROUND, message % {"commune": commune.name, "step": step})
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("round", "household__unit")
        .filter(round=review_round, household=household)
        .first()
    )
    if assessment is None:
        raise Unusable(
            Problem.NOT_IN_ROUND,
            _("Household %(code)s is not listed in the %(year)d review round.")
            % {"code": household.code, "year": review_round.year},
        )
    return assessment


def _store_files(submission: Submission, files: list) -> None:
    known = set(submission.attachments.values_list("name", flat=True))
    for upload in files:
        name = (upload.name or "file")[:255]
        if name in known:
            continue
        SubmissionAttachment.objects.create(
            submission=submission,
            name=name,
            file=upload,
            content_type=(upload.content_type or "")[:120],
            size=upload.size,
        )
        known.add(name)
