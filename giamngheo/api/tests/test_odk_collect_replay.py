"""ODK Collect's exact request sequence against a running server, over real HTTP.

Collect first calls without credentials, answers the Digest challenge, reuses the nonce with a
growing nonce count, sends HEAD before each submission, splits large submissions into parts
marked *isIncomplete*, retries after lost responses with the same instance ID, and sends an
edit with the old ID as meta/deprecatedID.
"""

import hashlib
import re

import pytest
import requests
from requests.auth import HTTPDigestAuth

from giamngheo.api.models import Submission
from giamngheo.api.tests.conftest import PASSWORD
from giamngheo.api.tests.odk import member_answers, new_instance_id, submission_xml
from giamngheo.reviews.models import Assessment

pytestmark = pytest.mark.django_db(transaction=True)

COLLECT_HEADERS = {
    "User-Agent": "org.odk.collect.android/v2025.2.3 Dalvik/2.1.0 (Linux; U; Android 14)",
    "X-OpenRosa-Version": "1.0",
    "Accept-Encoding": "gzip,deflate",
}


@pytest.fixture
def collect(live_server, personas):
    session = requests.Session()
    session.headers.update(COLLECT_HEADERS)
    session.auth = HTTPDigestAuth("enumerator_a", PASSWORD)
    session.base = f"{live_server.url}/api/openrosa/11001"
    return session


def _parts(xml: bytes, *attachments, incomplete: bool):
    files = [("xml_submission_file", ("submission.xml", xml, "text/xml"))]
    files += [(name, (name, content, "image/jpeg")) for name, content in attachments]
    data = {"*isIncomplete*": "yes"} if incomplete else {}
    return files, data


def test_collect_request_sequence(collect, live_server, registry, field_round):
    # 1. Form list: challenged first, then answered with Digest.
    bare = requests.get(f"{collect.base}/formList", headers=COLLECT_HEADERS)
    assert bare.status_code == 401 and bare.headers["WWW-Authenticate"].startswith("Digest")
    listing = collect.get(f"{collect.base}/formList")
    assert listing.status_code == 200
    assert listing.headers["X-OpenRosa-Version"] == "1.0" and listing.headers["Date"]
    download = re.search(r"<downloadUrl>(.*?)</downloadUrl>", listing.text)[1]
    manifest_url = re.search(r"<manifestUrl>(.*?)</manifestUrl>", listing.text)[1]
    form_hash = re.search(r"<hash>(.*?)</hash>", listing.text)[1]

    # 2. Form and media, checked against the advertised hashes.
    form = collect.get(download)
    assert form_hash == "md5:" + hashlib.md5(form.content).hexdigest()
    manifest = collect.get(manifest_url)
    for url, digest in zip(
        re.findall(r"<downloadUrl>(.*?)</downloadUrl>", manifest.text),
        re.findall(r"<hash>(.*?)</hash>", manifest.text),
        strict=True,
    ):
        assert digest == "md5:" + hashlib.md5(collect.get(url).content).hexdigest()

    # 3. HEAD before submitting.
    head = collect.head(f"{collect.base}/submission")
    assert head.status_code == 204
    assert int(head.headers["X-OpenRosa-Accept-Content-Length"]) > 0

    # 4. A submission split into two parts, with Vietnamese file names and answers.
    iid = new_instance_id()
    household = registry["ha"]
    xml = submission_xml(
        household.code, member_answers(household), instance_id=iid, photo="ảnh nhà Ất.jpg"
    ).replace(b"<instanceName>", "<instanceName>Hộ ông Nguyễn Văn Ất · ".encode())
    files, data = _parts(xml, ("sơ đồ thửa đất.jpg", b"map"), incomplete=True)
    first = collect.post(f"{collect.base}/submission", files=files, data=data)
    assert first.status_code == 202, first.text
    assert "OpenRosaResponse" in first.text
    files, data = _parts(xml, ("ảnh nhà Ất.jpg", b"\xff\xd8photo"), incomplete=False)
    last = collect.post(f"{collect.base}/submission", files=files, data=data)
    assert last.status_code == 201, last.text
    assert last.headers["X-OpenRosa-Version"] == "1.0" and last.headers["Date"]
    submission = Submission.objects.get(instance_id=iid)
    assert set(submission.attachments.values_list("name", flat=True)) == {
        "sơ đồ thửa đất.jpg",
        "ảnh nhà Ất.jpg",
    }
    assert "Hộ ông Nguyễn Văn Ất" in submission.xml
    photo = submission.attachments.get(name="ảnh nhà Ất.jpg")
    assert photo.file.read() == b"\xff\xd8photo"
    assessment = Assessment.objects.get(pk=field_round["assessment"].pk)
    assert assessment.instance_id == iid and assessment.poverty_class

    # 5. Collect lost the response and retries: nothing changes.
    updated = assessment.updated_at
    retry = collect.post(f"{collect.base}/submission", files=files, data=data)
    assert retry.status_code == 202
    assert Assessment.objects.get(pk=assessment.pk).updated_at == updated

    # 6. The same instance ID with other answers is kept for review, and Collect is told so.
    changed = xml.replace(b">1450000<", b">1600000<")
    files, data = _parts(changed, incomplete=False)
    conflict = collect.post(f"{collect.base}/submission", files=files, data=data)
    assert conflict.status_code == 201
    assert Submission.objects.get(instance_id=iid, problem="conflicting_resend").in_queue
    assert Assessment.objects.get(pk=assessment.pk).facts["income_per_capita_month"] == 1450000

    # 7. An edit replaces the answers.
    edit_id = new_instance_id()
    edit = submission_xml(
        household.code,
        member_answers(household),
        instance_id=edit_id,
        deprecated_id=iid,
        overrides={("income", "income_per_capita_month"): "3000000"},
    )
    files, data = _parts(edit, incomplete=False)
    edited = collect.post(f"{collect.base}/submission", files=files, data=data)
    assert edited.status_code == 201
    assessment.refresh_from_db()
    assert assessment.instance_id == edit_id
    assert assessment.facts["income_per_capita_month"] == 3000000
    assert Submission.objects.get(instance_id=iid, problem="").superseded


def test_an_unknown_household_is_acknowledged_and_its_resend_recognised(
    collect, registry, field_round
):
    """Collect resends on every 4xx; a code the server does not know waits for the commune."""
    assert collect.head(f"{collect.base}/submission").status_code == 204
    xml = submission_xml(
        "31-11001-999999", member_answers(registry["ha"]), instance_id=new_instance_id()
    )
    files, data = _parts(xml, ("ảnh nhà.jpg", b"\xff\xd8photo"), incomplete=False)
    first = collect.post(f"{collect.base}/submission", files=files, data=data)
    assert first.status_code == 201, first.text
    assert 'nature="submit_success"' in first.text
    # The response was lost on the way back: Collect sends the same form again.
    files, data = _parts(xml, ("ảnh nhà.jpg", b"\xff\xd8photo"), incomplete=False)
    again = collect.post(f"{collect.base}/submission", files=files, data=data)
    assert again.status_code == 202, again.text
    queued = Submission.objects.get()
    assert queued.in_queue and queued.problem == "unknown_household"
    assert queued.xml.encode() == xml
    assert queued.attachments.get().file.read() == b"\xff\xd8photo"


def test_wrong_password_never_redirects_to_a_login_page(live_server, personas, field_round):
    session = requests.Session()
    session.auth = HTTPDigestAuth("enumerator_a", "wrong")
    response = session.post(
        f"{live_server.url}/api/openrosa/11001/submission",
        files={"xml_submission_file": ("s.xml", b"<data/>", "text/xml")},
        allow_redirects=False,
    )
    assert response.status_code == 401
    assert "Location" not in response.headers


def test_a_form_for_another_commune_is_rejected_over_http(
    live_server, personas, registry, field_round
):
    session = requests.Session()
    session.auth = HTTPDigestAuth("enumerator_a", PASSWORD)
    xml = submission_xml(registry["hb"].code, [], instance_id=new_instance_id())
    response = session.post(
        f"{live_server.url}/api/openrosa/11001/submission",
        files={"xml_submission_file": ("s.xml", xml, "text/xml")},
    )
    assert response.status_code == 403
    assert "OpenRosaResponse" in response.text
