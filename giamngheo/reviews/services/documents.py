"""An approved round's documents, generated once from its snapshot and stored with a checksum.

The posting list, the decision (Mẫu 02) and the certificates (Mẫu 03) are what the chairman
signed; serving them again must give the same bytes. Each is generated from the round's snapshot
the first time (a background job right after approval; or the first download, for rounds frozen
by the upgrade or the demo), stored under an unguessable name in private storage, and checked
against its SHA-256 every time it is read: a file altered on disk is refused, never re-made.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from giamngheo.errors import Conflict
from giamngheo.jobs.models import Job
from giamngheo.jobs.outputs import job_output_save
from giamngheo.jobs.results import JobResult
from giamngheo.jobs.services import JobReporter, job_kind, job_start
from giamngheo.reviews import documents
from giamngheo.reviews.models import ReviewRound, StoredDocument

log = logging.getLogger(__name__)
Kind = StoredDocument.Kind
ROUND_KINDS = (Kind.POSTING_PDF, Kind.POSTING_XLSX, Kind.DECISION_PDF, Kind.CERTIFICATES_PDF)
JOB_KIND = "reviews.round_documents"
POSTING_JOB = "reviews.posting_pdf"
# WeasyPrint lays out a posting list at roughly 100-200 households per CPU-second
# (`benchmarks/exports.py --posting-rows`): a draft's list longer than this is printed by the
# worker, with a progress bar, rather than while the officer waits. Approved rounds serve
# their stored copy.
POSTING_INLINE_ROWS = 150


class DocumentAltered(Conflict):
    """A stored document no longer matches the checksum recorded when it was generated: it is
    refused (409) rather than served, and the administrator restores it from a backup."""

    default_code = "document_altered"

    def __init__(self, problem: str) -> None:
        advice = _("It is not served; ask the administrator to restore it from a backup.")
        super().__init__(f"{problem} {advice}")
        self.problem = problem


def _posting_day(review_round: ReviewRound):
    return review_round.posting_started_on or review_round.decision_date


def _generate(review_round: ReviewRound, kind: str, household_id: int | None) -> tuple[bytes, str]:
    generators: dict[str, Callable[[], tuple[bytes, str]]] = {
        Kind.POSTING_PDF: lambda: (
            documents.to_pdf(documents.posting_html(review_round, _posting_day(review_round))),
            ".pdf",
        ),
        Kind.POSTING_XLSX: lambda: (
            documents.posting_xlsx(review_round, _posting_day(review_round)),
            ".xlsx",
        ),
        Kind.DECISION_PDF: lambda: (
            documents.to_pdf(documents.decision_html(review_round)),
            ".pdf",
        ),
        Kind.CERTIFICATES_PDF: lambda: (
            documents.to_pdf(
                documents.certificates_html(review_round, review_round.decision_date, household_id)
            ),
            ".pdf",
        ),
    }
    return generators[kind]()


def round_document(
    *, review_round: ReviewRound, kind: str, household_id: int | None = None
) -> StoredDocument:
    """The stored document of an approved round, generated from its snapshot the first time.

    Raises `documents.NotFrozen` for a round that is not approved and frozen: drafts are printed
    live by the views, never stored.
    """
    if documents.frozen(review_round) is None:
        raise documents.NotFrozen(review_round.pk)
    found = StoredDocument.objects.filter(
        round=review_round, kind=kind, household_id=household_id
    ).first()
    if found is not None:
        return found
    content, suffix = _generate(review_round, kind, household_id)
    document = StoredDocument(
        round=review_round,
        kind=kind,
        household_id=household_id,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    document.file.save(f"{kind}{suffix}", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Someone else stored it first: theirs is the one, ours is dropped.
        document.file.delete(save=False)
        return StoredDocument.objects.get(round=review_round, kind=kind, household_id=household_id)
    return document


def stored_document_read(document: StoredDocument) -> bytes:
    """The document's bytes, only if they are exactly those stored at generation."""
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError as exc:
        log.error("Stored document %s (%s) is missing", document.pk, document.file.name)
        raise DocumentAltered(_("The stored document is missing.")) from exc
    if len(content) != document.size or hashlib.sha256(content).hexdigest() != document.sha256:
        log.error("Stored document %s (%s) fails its checksum", document.pk, document.file.name)
        raise DocumentAltered(
            _("The stored document does not match the checksum recorded when it was generated.")
        )
    return content


def round_documents_generate(*, review_round: ReviewRound) -> list[StoredDocument]:
    """Generate and store every round-level document that is not stored yet."""
    return [round_document(review_round=review_round, kind=kind) for kind in ROUND_KINDS]


def round_documents_schedule(*, actor, review_round: ReviewRound) -> None:
    """Generate the documents in the background right after the approval commits."""
    job_start(
        actor=actor,
        kind=JOB_KIND,
        title=_("Documents of %(round)s") % {"round": review_round},
        params={"round_id": review_round.pk},
    )


@job_kind(JOB_KIND)
def _generate_job(reporter: JobReporter, params: dict) -> JobResult:
    review_round = ReviewRound.objects.get(pk=params["round_id"])
    reporter.total(len(ROUND_KINDS))
    for done, kind in enumerate(ROUND_KINDS, start=1):
        round_document(review_round=review_round, kind=kind)
        reporter.progress(done)
    return JobResult(
        summary=ngettext(
            "%(n)s document of the round is stored.",
            "%(n)s documents of the round are stored.",
            len(ROUND_KINDS),
        )
        % {"n": len(ROUND_KINDS)},
        extra={"documents": len(ROUND_KINDS)},
    )


def posting_pdf_start(*, actor, review_round: ReviewRound, day: dt.date, filename: str) -> Job:
    """Print a draft round's posting list in the background; the file goes to `actor` only."""
    return job_start(
        actor=actor,
        kind=POSTING_JOB,
        title=_("Posting list of %(round)s (PDF)") % {"round": review_round},
        params={
            "round_id": review_round.pk,
            "day": day.isoformat(),
            "filename": filename,
            "language": translation.get_language(),
        },
    )


@job_kind(POSTING_JOB)
def _posting_job(reporter: JobReporter, params: dict) -> JobResult:
    review_round = ReviewRound.objects.get(pk=params["round_id"])
    reporter.total(3)
    listed, escaped = documents.posting_rows(review_round)
    reporter.progress(1)
    html = documents.posting_html(review_round, dt.date.fromisoformat(params["day"]))
    reporter.progress(2)
    job_output_save(job=reporter.job, name=params["filename"], content=documents.to_pdf(html))
    reporter.progress(3)
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        return _posting_result(len(listed), len(escaped))


def _posting_result(listed: int, escaped: int) -> JobResult:
    return JobResult(
        summary=ngettext(
            "The posting list of %(n)s household is ready.",
            "The posting list of %(n)s households is ready.",
            listed + escaped,
        )
        % {"n": listed + escaped},
        extra={"listed": listed, "escaped": escaped},
    )
