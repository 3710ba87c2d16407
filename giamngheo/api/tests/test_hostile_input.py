"""Hostile input gets a 4xx that says what is wrong, never a 500: control characters (PostgreSQL
refuses NUL in text), oversized bodies and deeply nested JSON, on pages and the API alike."""

import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, RequestFactory

from giamngheo.api.models import Submission
from giamngheo.api.tests.helpers import assert_error_body, token_client
from giamngheo.api.tests.odk import member_answers, new_instance_id, submission_xml
from giamngheo.households.models import Household
from giamngheo.households.services.common import search_text_for
from giamngheo.middleware import InputGuardMiddleware, _json_depth
from giamngheo.tests.pages import page_text

NUL_SEARCHES = ["/households/", "/units/", "/api/v1/households", "/api/v1/units"]


@pytest.fixture
def officer_client(personas, registry) -> Client:
    client = token_client(personas["province_officer"])
    client.force_login(personas["province_officer"])
    return client


@pytest.mark.parametrize("url", NUL_SEARCHES)
def test_nul_byte_in_search_is_refused_with_400(officer_client, url):
    response = officer_client.get(url, {"q": "Nguy\x00n"})
    assert response.status_code == 400, response.content
    text = response.content.decode()
    assert "q" in text and "U+0000" in text


@pytest.mark.parametrize("url", NUL_SEARCHES)
def test_other_control_characters_in_search_are_refused(officer_client, url):
    response = officer_client.get(url, {"q": "a\x1bb"})
    assert response.status_code == 400
    assert "U+001B" in response.content.decode()


def test_api_refusal_uses_the_api_error_body(officer_client):
    data = assert_error_body(officer_client.get("/api/v1/households", {"q": "\x00"}), 400)
    assert "U+0000" in data["detail"]


def test_plain_search_text_with_tab_and_vietnamese_still_works(officer_client, registry):
    for household in registry.values():
        names = list(household.members.values_list("full_name", flat=True))
        Household.objects.filter(pk=household.pk).update(
            search_text=search_text_for(household, names)
        )
    page = officer_client.get("/households/", {"q": "Nguyễn\tVăn"})
    assert page.status_code == 200
    rows = page_text(page, within="household-rows")
    assert registry["ha"].code in rows and registry["hb"].code not in rows  # hb is a Lê Văn
    response = officer_client.get("/api/v1/households", {"q": "Nguyễn"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["count"] == 1 and [h["code"] for h in data["items"]] == [registry["ha"].code]


def test_nul_in_the_path_is_refused(officer_client):
    response = officer_client.get("/api/openrosa/31\x00/formList")
    assert response.status_code == 400
    assert b"U+0000" in response.content and b"OpenRosaResponse" in response.content


def test_nul_in_a_cookie_is_refused(client, db):
    response = client.get("/accounts/login/", HTTP_COOKIE="sessionid=abcdefgh\x00ijkl")
    assert response.status_code == 400
    assert "Cookie" in response.content.decode()


def test_nul_in_a_form_field_is_refused_naming_the_field(client, personas):
    response = client.post("/accounts/login/", {"username": "x\x00", "password": "y"})
    assert response.status_code == 400
    assert "username" in response.content.decode()


def test_six_megabyte_body_to_the_token_endpoint_is_413(client):
    payload = json.dumps({"username": "a" * (6 * 1024 * 1024), "password": "x"})
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    data = assert_error_body(response, 413)
    assert "5242880" in data["detail"]


def test_oversized_form_body_on_a_page_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/accounts/login/", {"username": "u" * 2000, "password": "p"})
    assert response.status_code == 413
    assert "1000" in response.content.decode()


def test_body_too_big_found_by_a_view_is_still_413(settings):
    """Django's own check (RequestDataTooBig, raised while the view reads the body) answers 413
    too, not 400 or 500."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    guard = InputGuardMiddleware(lambda request: HttpResponse())
    request = RequestFactory().post("/api/v1/auth/token", "{}", content_type="application/json")
    response = guard.process_exception(request, RequestDataTooBig("too big"))
    assert response.status_code == 413
    assert "10000" in json.loads(response.content)["detail"]


def test_json_nested_5000_deep_to_classify_is_400(officer_client):
    deep = "[" * 5000 + "]" * 5000
    response = officer_client.post("/api/v1/classify", deep, content_type="application/json")
    data = assert_error_body(response, 400)
    assert "5000" in data["detail"]


def test_deep_json_inside_a_household_is_400(officer_client):
    household = {"household_id": "x", "members": json.loads("[" * 40 + "]" * 40)}
    response = officer_client.post(
        "/api/v1/classify", json.dumps(household), content_type="application/json"
    )
    assert_error_body(response, 400)


def test_deep_json_is_refused_whatever_the_content_type(officer_client):
    response = officer_client.post("/api/v1/classify", "{" * 3000, content_type="text/plain")
    assert_error_body(response, 400)


def test_brackets_inside_json_strings_do_not_count_as_depth(officer_client):
    household = {"household_id": "[" * 5000 + "{" * 100}
    response = officer_client.post(
        "/api/v1/classify", json.dumps(household), content_type="application/json"
    )
    assert response.status_code in (200, 422), response.content
    # The engine read the record: it answers about the missing date, not about nesting.
    data = json.loads(response.content)
    assert data["household_id"] == household["household_id"]
    assert data["error"]["field"] == "review_date"


def test_escaped_nul_in_a_json_body_is_400(client, personas):
    payload = '{"username": "province_officer\\u0000", "password": "x"}'
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    data = assert_error_body(response, 400)
    assert "NUL" in data["detail"]


def test_an_escaped_backslash_before_u0000_is_plain_text(client, personas):
    payload = '{"username": "a\\\\u0000", "password": "x"}'
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    data = assert_error_body(response, 401)
    assert data["detail"] == "Sai tên đăng nhập hoặc mật khẩu." and "NUL" not in data["detail"]


def test_file_uploads_are_not_searched_for_control_characters(officer_client, province):
    """Binary files carry NUL bytes by nature; only the form's text fields are checked."""
    upload = SimpleUploadedFile("x.xlsx", b"PK\x03\x04\x00\x00\x01\x1b binary", "application/zip")
    response = officer_client.post("/households/import/", {"file": upload})
    assert response.status_code in (200, 302), response.content
    assert "U+0000" not in response.content.decode()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']><data id="giamngheo_phieu_b">&lol9;</data>'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<data id="giamngheo_phieu_b">&x;</data>'
)
HOSTILE_XML = {
    "nul byte": b'<data id="giamngheo_phieu_b"><household>31\x00</household></data>',
    "nul reference": b'<data id="giamngheo_phieu_b"><household>&#0;</household></data>',
    "wrong encoding": b'<?xml version="1.0" encoding="UTF-16"?><data id="x"/>',
    "latin-1 bytes": b'<data id="giamngheo_phieu_b"><household>Nguy\xe9n</household></data>',
    "billion laughs": BILLION_LAUGHS,
    "external entity": EXTERNAL_ENTITY,
    "doctype in lower case": b'<!doctype data><data id="giamngheo_phieu_b"/>',
    "empty": b"",
}


@pytest.mark.parametrize("xml", HOSTILE_XML.values(), ids=HOSTILE_XML.keys())
def test_hostile_submission_xml_is_400_never_5xx(personas, field_round, xml):
    enumerator = token_client(personas["enumerator_a"])
    upload = SimpleUploadedFile("submission.xml", xml, "text/xml")
    response = enumerator.post("/api/openrosa/11001/submission", {"xml_submission_file": upload})
    assert response.status_code == 400, response.content
    assert b"OpenRosaResponse" in response.content


def test_deep_but_well_formed_submission_is_kept_for_review_never_5xx(personas, field_round):
    """Readable XML is acknowledged (201) and queued: Collect would resend a 4xx forever."""
    enumerator = token_client(personas["enumerator_a"])
    xml = b'<data id="giamngheo_phieu_b">' + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</data>"
    upload = SimpleUploadedFile("submission.xml", xml, "text/xml")
    response = enumerator.post("/api/openrosa/11001/submission", {"xml_submission_file": upload})
    assert response.status_code == 201, response.content
    assert Submission.objects.get().problem == "no_instance_id"


def test_huge_submission_is_413_once_authenticated(personas, field_round, settings):
    settings.OPENROSA_MAX_SUBMISSION_BYTES = 10_000
    enumerator = token_client(personas["enumerator_a"])
    upload = SimpleUploadedFile("submission.xml", b"<data>" + b" " * 20_000 + b"</data>")
    response = enumerator.post("/api/openrosa/11001/submission", {"xml_submission_file": upload})
    assert response.status_code == 413
    assert "Phiếu lớn hơn 10000 byte; hãy gửi thành nhiều phần." in response.content.decode()
    assert not Submission.objects.exists()


def test_huge_submission_without_credentials_is_401(client, field_round, settings):
    settings.OPENROSA_MAX_SUBMISSION_BYTES = 10_000
    upload = SimpleUploadedFile("submission.xml", b"<data>" + b" " * 20_000 + b"</data>")
    response = client.post("/api/openrosa/11001/submission", {"xml_submission_file": upload})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Digest ")
    text = response.content.decode()
    assert "Hãy đăng nhập bằng tên đăng nhập và mật khẩu GiảmNghèo" in text and "10000" not in text


def test_oversized_upload_on_a_page_is_413(officer_client, settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    upload = SimpleUploadedFile("h.xlsx", b"x" * 20_000, "application/octet-stream")
    response = officer_client.post("/households/import/", {"file": upload})
    assert response.status_code == 413
    assert "10000" in response.content.decode()


def test_openrosa_keeps_its_own_larger_limit(personas, registry, field_round, settings):
    """Photos make submissions larger than any form or JSON body: the page and API limits do
    not apply to OpenRosa, which checks OPENROSA_MAX_SUBMISSION_BYTES after authentication."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.UPLOAD_MAX_BYTES = 1000
    enumerator = token_client(personas["enumerator_a"])
    xml = submission_xml(
        registry["ha"].code, member_answers(registry["ha"]), instance_id=new_instance_id()
    )
    photo = SimpleUploadedFile("ảnh nhà.jpg", b"\xff\xd8" + b"j" * 5000, "image/jpeg")
    response = enumerator.post(
        "/api/openrosa/11001/submission",
        {"xml_submission_file": SimpleUploadedFile("s.xml", xml, "text/xml"), "photo": photo},
    )
    assert response.status_code == 201, response.content
    assert f"Đã nhận phiếu hộ {registry['ha'].code}" in response.content.decode()
    assert Submission.objects.get().attachments.get().size == 5002  # the photo, whole


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"{}", 1),
        (b'{"a": [[1]], "b": "]]]]"}', 3),
        (b'{"a": "[[[[\\"[[", "b": [[1]]}', 3),
        (b'["x\\\\", [2]]', 2),
        (b'"unclosed [[[[', 0),
        (b'"\\"\\"\\"\\', 0),
        (b"[" * 100, 100),
    ],
)
def test_json_depth_counts_only_brackets_outside_strings(body, depth):
    assert _json_depth(body) == depth


def test_a_session_key_unlike_djangos_is_no_session():
    from giamngheo.accounts.sessions import SessionStore

    assert SessionStore("abcdefgh\x00ijkl").session_key is None
    assert SessionStore("abcdefgh-ijkl").session_key is None
    assert SessionStore("abcdefgh1234ijkl").session_key == "abcdefgh1234ijkl"
