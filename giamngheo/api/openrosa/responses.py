"""OpenRosa HTTP conventions: the version header, a Date on every response, XML bodies."""

from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import http_date

XML_TYPE = "text/xml; charset=utf-8"


def max_submission_bytes() -> int:
    return getattr(settings, "OPENROSA_MAX_SUBMISSION_BYTES", 20 * 1024 * 1024)


def with_headers(response: HttpResponse) -> HttpResponse:
    response["X-OpenRosa-Version"] = "1.0"
    response["Date"] = http_date()
    response["X-OpenRosa-Accept-Content-Length"] = str(max_submission_bytes())
    return response


def xml_response(body: str | bytes, status: int = 200) -> HttpResponse:
    return with_headers(HttpResponse(body, status=status, content_type=XML_TYPE))


def message(text: str, status: int, nature: str = "") -> HttpResponse:
    """The OpenRosa response body that ODK Collect shows to the enumerator."""
    nature = nature or ("submit_success" if status < 300 else "error")
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<OpenRosaResponse xmlns="http://openrosa.org/http/response">'
        f'<message nature="{nature}">{escape(text)}</message>'
        "</OpenRosaResponse>"
    )
    return xml_response(body.encode(), status)
