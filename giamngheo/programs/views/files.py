"""Stored program documents, sent only to readers of the program's unit (accounts.scoping)."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability
from giamngheo.programs.selectors import activity_get, program_get
from giamngheo.storage import file_response, stored_extension


def _send(file: FieldFile, label: str) -> FileResponse:
    if not file:
        raise Http404
    return file_response(file, filename=f"{label}{stored_extension(file.name)}")


@requires(Capability.READ_PROGRAMS)
def program_document(request: HttpRequest, pk: int) -> FileResponse:
    program = program_get(actor=request.user, pk=pk)
    return _send(program.signed_document, program.document_number or f"chuong-trinh-{program.pk}")


@requires(Capability.READ_PROGRAMS)
def evidence_file(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    activity = activity_get(actor=request.user, pk=pk)
    evidence = get_object_or_404(activity.evidence, pk=evidence_pk)
    return _send(evidence.file, evidence.title or f"minh-chung-{evidence.pk}")


@requires(Capability.READ_PROGRAMS)
def review_report(request: HttpRequest, pk: int, review_pk: int) -> FileResponse:
    program = program_get(actor=request.user, pk=pk)
    review = get_object_or_404(program.reviews, pk=review_pk)
    return _send(review.report, f"so-ket-tong-ket-{review.held_on:%Y%m%d}")


@requires(Capability.READ_PROGRAMS)
def conference_minutes(request: HttpRequest, pk: int, conference_pk: int) -> FileResponse:
    program = program_get(actor=request.user, pk=pk)
    conference = get_object_or_404(program.conferences, pk=conference_pk)
    return _send(conference.minutes_file, f"bien-ban-{conference.held_on:%Y%m%d}")
