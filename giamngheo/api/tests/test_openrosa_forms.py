"""formList, the form, its manifest and media: what Collect downloads before going to the field."""

import base64
import csv
import hashlib
import io
import re

import pytest
from django.test import Client

from giamngheo.api.openrosa.questionnaire import FORM_ID, XLSX_PATH, workbook_rows, write_xlsx
from giamngheo.api.tests.conftest import PASSWORD
from giamngheo.api.tests.odk import digest_header

pytestmark = pytest.mark.django_db


def odk_get(client: Client, url: str, username: str, password: str = PASSWORD, **extra):
    first = client.get(url, **extra)
    assert first.status_code == 401
    path = url.split("://", 1)[-1]
    path = path[path.index("/") :] if "://" in url else url
    header = digest_header(first["WWW-Authenticate"], username, password, "GET", path)
    return client.get(url, HTTP_AUTHORIZATION=header, **extra)


def assert_openrosa_headers(response):
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["Date"]


def test_unauthenticated_request_gets_a_digest_challenge(client, province):
    response = client.get(f"/api/openrosa/{province['A'].code}/formList")
    assert response.status_code == 401
    assert_openrosa_headers(response)
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("Digest ") and 'qop="auth"' in challenge and "nonce=" in challenge
    assert b"OpenRosaResponse" in response.content
    assert "Set-Cookie" not in response


def test_form_list_has_hash_version_and_absolute_urls(client, personas, province):
    response = odk_get(client, f"/api/openrosa/{province['A'].code}/formList", "enumerator_a")
    assert response.status_code == 200
    assert_openrosa_headers(response)
    text = response.content.decode()
    assert f"<formID>{FORM_ID}</formID>" in text
    download = re.search(r"<downloadUrl>(.*?)</downloadUrl>", text)[1]
    manifest_url = re.search(r"<manifestUrl>(.*?)</manifestUrl>", text)[1]
    assert download.startswith("http://testserver/api/openrosa/11001/")
    form = odk_get(client, download, "enumerator_a")
    assert form.status_code == 200 and form["Content-Type"].startswith("text/xml")
    expected = "md5:" + hashlib.md5(form.content).hexdigest()
    assert f"<hash>{expected}</hash>" in text
    assert "Phiếu B" in form.content.decode()
    manifest = odk_get(client, manifest_url, "enumerator_a")
    assert manifest.status_code == 200
    assert "households.csv" in manifest.content.decode()


def test_manifest_hashes_match_the_media_served(client, personas, province, field_round):
    base = f"/api/openrosa/{province['A'].code}/forms/{FORM_ID}"
    manifest = odk_get(client, f"{base}/manifest", "enumerator_a").content.decode()
    files = re.findall(
        r"<filename>(.*?)</filename><hash>(.*?)</hash><downloadUrl>(.*?)</downloadUrl>", manifest
    )
    assert {f[0] for f in files} == {"households.csv", "members.csv"}
    for _name, digest, url in files:
        media = odk_get(client, url, "enumerator_a")
        assert media.status_code == 200
        assert digest == "md5:" + hashlib.md5(media.content).hexdigest()


def test_households_csv_carries_last_years_answers_for_the_commune_only(
    client, personas, province, field_round, registry
):
    url = f"/api/openrosa/{province['A'].code}/forms/{FORM_ID}/media/households.csv"
    rows = list(csv.DictReader(io.StringIO(odk_get(client, url, "enumerator_a").content.decode())))
    assert [r["name"] for r in rows] == [registry["ha"].code]
    row = rows[0]
    assert row["last_year"] == "2024" and row["last_income"] == "1200000"
    assert row["last_class"]
    assert "Nguyễn Văn Ất" in row["label"] and row["member_count"] == "2"
    members = odk_get(client, url.replace("households.csv", "members.csv"), "enumerator_a")
    member_rows = list(csv.DictReader(io.StringIO(members.content.decode())))
    assert {r["household"] for r in member_rows} == {registry["ha"].code}
    assert "Trần Thị Bình (1980)" in {r["label"] for r in member_rows}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("enumerator_a", 200),
        ("commune_a_officer", 200),
        ("system_admin", 200),
        ("commune_b_officer", 403),
        ("village_head_a1", 403),
        ("auditor", 403),
        ("partner_officer", 403),
    ],
)
def test_only_collectors_of_the_commune_get_the_form(client, personas, province, persona, status):
    response = odk_get(client, f"/api/openrosa/{province['A'].code}/formList", persona)
    assert response.status_code == status
    assert_openrosa_headers(response)


def test_unknown_commune_and_form_are_404(client, personas, province):
    """Collect shows the message to the enumerator, so it says which thing is unknown."""
    response = odk_get(client, "/api/openrosa/99999/formList", "system_admin")
    assert response.status_code == 404
    assert "Không có xã nào mang mã 99999." in response.content.decode()
    url = f"/api/openrosa/{province['A'].code}/forms/other/form.xml"
    response = odk_get(client, url, "enumerator_a")
    assert response.status_code == 404
    assert "Không có biểu mẫu này." in response.content.decode()
    url = f"/api/openrosa/{province['A'].code}/forms/{FORM_ID}/media/passwd"
    response = odk_get(client, url, "enumerator_a")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/xml")
    assert "Không có tệp đa phương tiện này." in response.content.decode()


def test_wrong_digest_password_locks_only_that_pair(client, personas, province):
    url = f"/api/openrosa/{province['A'].code}/formList"
    phone = {"REMOTE_ADDR": "10.0.0.1"}
    for _n in range(5):
        assert odk_get(client, url, "enumerator_a", "wrong", **phone).status_code == 401
    locked = odk_get(client, url, "enumerator_a", **phone)  # the right password, too late
    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= 900
    assert odk_get(client, url, "enumerator_a", REMOTE_ADDR="10.0.0.2").status_code == 200
    assert odk_get(client, url, "commune_a_officer", **phone).status_code == 200


def test_twenty_failures_from_one_address_do_not_lock_its_other_users(client, personas, province):
    url = f"/api/openrosa/{province['A'].code}/formList"
    for _n in range(20):
        client.get(url, HTTP_AUTHORIZATION="Bearer gn_guess", REMOTE_ADDR="10.0.0.1")
    response = odk_get(client, url, "enumerator_a", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 200
    assert f"<formID>{FORM_ID}</formID>" in response.content.decode()


def test_basic_over_https_shares_the_digest_pair_lockout(client, personas, province):
    url = f"/api/openrosa/{province['A'].code}/formList"
    phone = {"REMOTE_ADDR": "10.0.0.1", "secure": True}

    def basic(password: str) -> str:
        return "Basic " + base64.b64encode(f"enumerator_a:{password}".encode()).decode()

    for _n in range(3):
        assert odk_get(client, url, "enumerator_a", "wrong", **phone).status_code == 401
    for _n in range(2):
        assert client.get(url, HTTP_AUTHORIZATION=basic("wrong"), **phone).status_code == 401
    locked = client.get(url, HTTP_AUTHORIZATION=basic(PASSWORD), **phone)
    assert locked.status_code == 429 and 0 < int(locked["Retry-After"]) <= 900
    text = locked.content.decode()
    assert "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau." in text and "<formID>" not in text
    other = {"REMOTE_ADDR": "10.0.0.2", "secure": True}
    response = client.get(url, HTTP_AUTHORIZATION=basic(PASSWORD), **other)
    assert response.status_code == 200
    assert f"<formID>{FORM_ID}</formID>" in response.content.decode()


def test_a_replayed_digest_header_is_refused(client, personas, province):
    url = f"/api/openrosa/{province['A'].code}/formList"
    challenge = client.get(url)["WWW-Authenticate"]
    header = digest_header(challenge, "enumerator_a", PASSWORD, "GET", url)
    assert client.get(url, HTTP_AUTHORIZATION=header).status_code == 200
    replay = client.get(url, HTTP_AUTHORIZATION=header)
    assert replay.status_code == 401 and "stale=true" in replay["WWW-Authenticate"]
    next_nc = digest_header(challenge, "enumerator_a", PASSWORD, "GET", url, nc=2)
    assert client.get(url, HTTP_AUTHORIZATION=next_nc).status_code == 200


def test_a_digest_header_for_another_url_is_refused(client, personas, province):
    url = f"/api/openrosa/{province['A'].code}/formList"
    challenge = client.get(url)["WWW-Authenticate"]
    header = digest_header(challenge, "enumerator_a", PASSWORD, "GET", "/elsewhere")
    response = client.get(url, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Digest ")
    text = response.content.decode()
    assert "Sai tên đăng nhập hoặc mật khẩu." in text and "<formID>" not in text


def test_basic_only_over_https(client, personas, province):
    import base64

    url = f"/api/openrosa/{province['A'].code}/formList"
    basic = "Basic " + base64.b64encode(f"enumerator_a:{PASSWORD}".encode()).decode()
    plain = client.get(url, HTTP_AUTHORIZATION=basic)
    assert plain.status_code == 401 and "HTTPS" in plain.content.decode()
    assert client.get(url, HTTP_AUTHORIZATION=basic, secure=True).status_code == 200


def test_bearer_tokens_work_for_other_clients(personas, province):
    from giamngheo.api.tests.helpers import token_client

    c = token_client(personas["enumerator_a"])
    response = c.get(f"/api/openrosa/{province['A'].code}/formList")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"<formID>{FORM_ID}</formID>" in text
    assert f"<downloadUrl>http://testserver/api/openrosa/{province['A'].code}/forms/" in text


def test_committed_workbook_matches_its_definition(tmp_path):
    fresh = write_xlsx(tmp_path / "phieu_b.xlsx")
    assert workbook_rows(fresh) == workbook_rows(XLSX_PATH)


def test_the_form_has_the_contract_facts_skip_logic_and_constraints():
    from giamngheo.api.openrosa.forms import form_xml
    from giamngheo.reviews.facts import MEMBER_FACT_NAMES

    xml = form_xml().decode()
    for name in ("income_per_capita_month", "housing_type", "floor_area_m2", "info_devices"):
        assert f"<{name}/>" in xml
    for name in MEMBER_FACT_NAMES:
        assert f"/data/members/{name}" in xml
    assert "relevant=\" /data/housing/housing_type  != 'none'\"" in xml
    assert 'src="jr://file-csv/households.csv"' in xml
    assert "pulldata('households'" in xml
    assert "constraint=" in xml and "jr:template" in xml


def test_unknown_openrosa_paths_answer_in_openrosa(client):
    response = client.get("/api/openrosa/11001/view/submissionList")
    assert response.status_code == 404
    assert response["X-OpenRosa-Version"] == "1.0" and b"OpenRosaResponse" in response.content


def test_admin_lists_tokens_and_submissions(client, personas, province):
    """Each list names its rows, and no list shows a secret (raw token, key hash or HA1)."""
    from django.contrib.auth import get_user_model

    from giamngheo.api.credentials import token_create
    from giamngheo.api.models import DigestCredential, Submission

    token, raw = token_create(actor=personas["enumerator_a"], name="Máy tính bảng thôn A1")
    Submission.objects.create(
        instance_id="uuid:admin-list-0001",
        form_id=FORM_ID,
        commune=province["A"],
        submitted_by=personas["enumerator_a"],
        xml="<data/>",
        xml_sha256="0" * 64,
    )
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    html = client.get("/admin/api/apitoken/").content.decode()
    assert "Máy tính bảng thôn A1" in html and token.prefix in html
    assert raw not in html and token.key_hash not in html
    html = client.get("/admin/api/submission/").content.decode()
    assert "uuid:admin-list-0001" in html and "enumerator_a" in html
    credential = DigestCredential.objects.get(user=personas["enumerator_a"])
    html = client.get("/admin/api/digestcredential/").content.decode()
    assert "enumerator_a" in html and credential.realm in html and credential.ha1 not in html
