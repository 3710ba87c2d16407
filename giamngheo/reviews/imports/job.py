"""Every upload runs as a background job; the worker finds it by its registered kind."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.jobs.models import Job
from giamngheo.jobs.results import ERRORS_KEPT, JobError, JobResult
from giamngheo.jobs.services import job_kind, job_start
from giamngheo.reviews.imports.form_b import import_answers
from giamngheo.reviews.imports.reading import AnswersInvalid
from giamngheo.reviews.models import ReviewRound
from giamngheo.storage import random_name


def _run_job(reporter, params: dict) -> JobResult:
    try:
        actor = User.objects.get(pk=params["actor_id"])
        review_round = ReviewRound.objects.get(pk=params["round_id"])
        with default_storage.open(params["path"], "rb") as fh:
            content = fh.read()
        reporter.total(1)
        with translation.override(params.get("language") or settings.LANGUAGE_CODE):
            result = _import_result(actor, review_round, params["name"], content)
    finally:
        # The upload holds personal answers: it goes when the job ends, however it ends.
        default_storage.delete(params["path"])
    reporter.progress(1)
    return result


def _import_result(actor: User, review_round: ReviewRound, name: str, content: bytes) -> JobResult:
    try:
        counts = import_answers(actor=actor, review_round=review_round, name=name, content=content)
    except AnswersInvalid as exc:
        return JobResult(
            summary=ngettext(
                "%(n)s problem found; nothing was saved.",
                "%(n)s problems found; nothing was saved.",
                len(exc.problems),
            )
            % {"n": len(exc.problems)},
            errors=[p.as_job_error() for p in exc.problems[:ERRORS_KEPT]],
            error_count=len(exc.problems),
        )
    except ValidationError as exc:  # the file as a whole: unreadable, empty, wrong step
        return JobResult(
            summary=_("The file was refused; nothing was saved."),
            errors=[JobError(message=m) for m in exc.messages],
        )
    unclassified = counts.pop("unclassified", [])
    summary = _("%(rows)d households read, %(changed)d changed.") % counts
    if unclassified:
        summary += " " + ngettext(
            "%(n)d household is saved but cannot be classified yet: fill the cells named below.",
            "%(n)d households are saved but cannot be classified yet: fill the cells named below.",
            len(unclassified),
        ) % {"n": len(unclassified)}
    return JobResult(
        summary=summary,
        errors=[p.as_job_error() for p in unclassified[:ERRORS_KEPT]],
        error_count=len(unclassified),
        extra=counts,
    )


def import_start(*, actor: User, review_round: ReviewRound, upload) -> Job:
    """Every upload runs as a job: one page shows its progress, its errors row by row and the
    error report, whatever the file's size (the worker takes a commune's file in seconds)."""
    content = upload.read()
    if not can(actor, Capability.COLLECT_ANSWERS, review_round.unit):
        raise PermissionDenied(_("This is outside your unit or your role."))
    path = default_storage.save(random_name("imports/reviews", upload.name), ContentFile(content))
    return job_start(
        actor=actor,
        kind="reviews.import_answers",
        title=_("Import of answers, %(round)s") % {"round": review_round},
        params={
            "actor_id": actor.pk,
            "round_id": review_round.pk,
            "path": path,
            "name": upload.name,
            "language": translation.get_language(),
        },
    )


def _register() -> None:
    job_kind("reviews.import_answers")(_run_job)


_register()
