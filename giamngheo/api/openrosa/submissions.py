"""Receiving OpenRosa submissions over HTTP: split uploads, size limits, and the protocol's answer.

Collect resends a form on every 4xx it cannot act on, and shows the enumerator errors they cannot
fix. So only unreadable uploads (400), missing credentials (401), oversize bodies (413) and
households outside the user's scope (403) are refused; every other readable submission is kept
as received and acknowledged (201, or 202 when nothing new arrived). Keeping and applying it is
`api.openrosa.receiving.submission_receive`'s work; this module only reads the request.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from giamngheo.api.openrosa.parsing import SubmissionError, parse
from giamngheo.api.openrosa.receiving import submission_receive
from giamngheo.api.openrosa.responses import max_submission_bytes, message
from giamngheo.geo.models import AdminUnit

XML_FIELD = "xml_submission_file"


def receive(request: HttpRequest, commune: AdminUnit) -> HttpResponse:
    try:
        return _receive(request, commune)
    except SubmissionError as exc:
        return message(exc.message, exc.status)


def _too_large() -> SubmissionError:
    return SubmissionError(
        413,
        _("The submission is larger than %(n)d bytes; send it in parts.")
        % {"n": max_submission_bytes()},
    )


def _receive(request: HttpRequest, commune: AdminUnit) -> HttpResponse:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > max_submission_bytes():
        raise _too_large()
    try:
        files = request.FILES
        incomplete = request.POST.get("*isIncomplete*", "").lower() == "yes"
    except RequestDataTooBig:
        raise _too_large() from None
    except MultiPartParserError as exc:
        raise SubmissionError(
            400, _("The upload is not valid multipart data: %(e)s") % {"e": exc}
        ) from None
    xml_file = files.get(XML_FIELD)
    if xml_file is None:
        raise SubmissionError(
            400, _("Send the answers as the multipart file %(f)s.") % {"f": XML_FIELD}
        )
    xml = xml_file.read()
    parsed = parse(xml)
    attachments = [f for key, items in files.lists() if key != XML_FIELD for f in items]
    if sum(f.size for f in attachments) + len(xml) > max_submission_bytes():
        raise _too_large()
    receipt = submission_receive(
        actor=request.user,
        commune=commune,
        xml=xml,
        parsed=parsed,
        attachments=attachments,
        incomplete=incomplete,
    )
    return message(receipt.text, receipt.status)
