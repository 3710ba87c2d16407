"""The WSGI entry point itself answers HEAD without a body, whatever server runs it."""

from io import BytesIO

import pytest

from giamngheo.wsgi import application


def _call(method: str, path: str) -> tuple[str, dict, bytes]:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(),
        "wsgi.errors": BytesIO(),
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(application(environ, start_response))
    return seen["status"], seen["headers"], body


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/accounts/login/", "/portal/"])
def test_head_has_the_get_headers_and_no_body(path):
    get_status, _, get_body = _call("GET", path)
    head_status, head_headers, head_body = _call("HEAD", path)
    assert get_body and head_status == get_status
    assert head_body == b""
    assert "Content-Security-Policy" in head_headers
