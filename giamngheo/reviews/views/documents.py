from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability
from giamngheo.reviews import documents, selectors, workflow
from giamngheo.reviews.models import RoundStatus


def _postable(request: HttpRequest, pk: int):
    r = selectors.round_get(actor=request.user, pk=pk)
    if workflow.ORDER.index(r.status) < workflow.ORDER.index(RoundStatus.POSTING):
        raise Http404
    return r


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@requires(Capability.READ_RECORDS)
def posting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    r = _postable(request, pk)
    html = documents.posting_html(r, r.posting_started_on or timezone.localdate())
    return _download(
        documents.to_pdf(html), "application/pdf", f"niem-yet-{r.year}-{r.unit.code}.pdf"
    )


@requires(Capability.READ_RECORDS)
def posting_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    r = _postable(request, pk)
    content = documents.posting_xlsx(r, r.posting_started_on or timezone.localdate())
    return _download(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"niem-yet-{r.year}-{r.unit.code}.xlsx",
    )


@requires(Capability.READ_RECORDS)
def certificates_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    if not r.is_locked:
        raise Http404
    household = request.GET.get("household", "")
    html = documents.certificates_html(
        r, r.decision_date or timezone.localdate(), int(household) if household.isdigit() else None
    )
    return _download(
        documents.to_pdf(html), "application/pdf", f"giay-chung-nhan-{r.year}-{r.unit.code}.pdf"
    )
