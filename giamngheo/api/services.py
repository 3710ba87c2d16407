"""Staff decisions on field submissions the server could not apply by itself."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, require
from giamngheo.api.models import ReviewState, Submission
from giamngheo.api.openrosa.submissions import Unusable, apply_submission
from giamngheo.households.services.common import clean_reason


def _lock_queued(submission: Submission) -> Submission:
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.state != ReviewState.NEEDS_REVIEW:
        raise ValidationError(_("This submission is no longer waiting for review."))
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
        raise ValidationError(_("Say why this submission is dismissed."))
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
