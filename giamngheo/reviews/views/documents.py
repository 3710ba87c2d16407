from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability
from giamngheo.errors import Conflict
from giamngheo.reviews import documents, selectors, workflow
from giamngheo.reviews.models import ReviewRound, RoundStatus, StoredDocument
from giamngheo.reviews.services.documents import (
    POSTING_INLINE_ROWS,
    posting_pdf_start,
    round_document,
    stored_document_read,
)

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _postable(request: HttpRequest, pk: int):
    r = selectors.round_get(actor=request.user, pk=pk)
    if workflow.ORDER.index(r.status) < workflow.ORDER.index(RoundStatus.POSTING):
        raise Http404
    return r


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _serve(
    r: ReviewRound,
    kind: str,
    live: Callable[[], bytes],
    content_type: str,
    filename: str,
    household_id: int | None = None,
) -> HttpResponse:
    """An approved round's stored file (checked); a draft's document printed from live rows."""
    if not r.is_locked:
        return _download(live(), content_type, filename)
    try:
        document = round_document(review_round=r, kind=kind, household_id=household_id)
        content = stored_document_read(document)
    except documents.NotFrozen:
        raise Conflict(
            _("This approved round has no frozen copy of its lists; ask the administrator.")
        ) from None
    return _download(content, content_type, filename)


@requires(Capability.READ_RECORDS)
def posting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's long list is printed by a job (progress bar, private file); see `POSTING_INLINE_ROWS`."""
    r = _postable(request, pk)
    day = r.posting_started_on or timezone.localdate()
    filename = f"niem-yet-{r.year}-{r.unit.code}.pdf"
    if not r.is_locked and sum(map(len, documents.posting_rows(r))) > POSTING_INLINE_ROWS:
        return redirect(
            posting_pdf_start(actor=request.user, review_round=r, day=day, filename=filename)
        )
    return _serve(
        r,
        StoredDocument.Kind.POSTING_PDF,
        lambda: documents.to_pdf(documents.posting_html(r, day)),
        PDF,
        filename,
    )


@requires(Capability.READ_RECORDS)
def posting_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    r = _postable(request, pk)
    return _serve(
        r,
        StoredDocument.Kind.POSTING_XLSX,
        lambda: documents.posting_xlsx(r, r.posting_started_on or timezone.localdate()),
        XLSX,
        f"niem-yet-{r.year}-{r.unit.code}.xlsx",
    )


@requires(Capability.READ_RECORDS)
def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    if not r.is_locked:
        raise Http404
    return _serve(
        r, StoredDocument.Kind.DECISION_PDF, bytes, PDF, f"quyet-dinh-{r.year}-{r.unit.code}.pdf"
    )


@requires(Capability.READ_RECORDS)
def certificates_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    if not r.is_locked:
        raise Http404
    household = request.GET.get("household", "")
    household_id = int(household) if household.isdigit() and len(household) < 12 else None
    if household_id is not None and not selectors.round_certified(r, household_id):
        raise Http404
    return _serve(
        r,
        StoredDocument.Kind.CERTIFICATES_PDF,
        bytes,
        PDF,
        f"giay-chung-nhan-{r.year}-{r.unit.code}.pdf",
        household_id,
    )
