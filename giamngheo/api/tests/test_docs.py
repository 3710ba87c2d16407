"""The curl examples of docs/api.md, run as written against a live server."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from giamngheo.api.models import Submission
from giamngheo.api.tests.conftest import PASSWORD
from giamngheo.api.tests.odk import member_answers, new_instance_id, submission_xml
from giamngheo.reviews.models import Assessment

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"
CURL = shutil.which("curl")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        CURL is None and os.environ.get("CI") != "true", reason="curl is not installed"
    ),
]


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_doc_has_examples_for_every_part():
    text = "\n".join(shell_blocks())
    for needle in ("/auth/token", "/households", "/classify", "formList", "-I ", "submission"):
        assert needle in text


def test_curl_examples_run_as_documented(live_server, personas, registry, field_round, tmp_path):
    assert CURL, "curl is required when CI=true"
    household = registry["ha"]
    iid = new_instance_id()
    xml = submission_xml(
        household.code, member_answers(household), instance_id=iid, photo="ảnh nhà.jpg"
    )
    (tmp_path / "submission.xml").write_bytes(xml)
    (tmp_path / "ảnh nhà.jpg").write_bytes(b"\xff\xd8photo")
    script = "set -euo pipefail\n" + "\necho '--- next example ---'\n".join(shell_blocks())
    run = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env={
            **os.environ,
            "BASE": live_server.url,
            "GN_USER": "enumerator_a",
            "GN_PASSWORD": PASSWORD,
            "COMMUNE": "11001",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    outputs = run.stdout.split("--- next example ---\n")
    me = json.loads(outputs[0].strip())
    assert me["username"] == "enumerator_a"
    assert '"items"' in outputs[1]
    one = json.loads(outputs[2])
    assert one["class"] == "near_poor" and one["explanation_text"]
    batch = json.loads(outputs[3])
    assert batch[0]["class"] and batch[1]["error"]["field"] == "standard"
    assert outputs[4].strip() == "status 400"
    assert "<formID>giamngheo_phieu_b</formID>" in outputs[5]
    assert "households.csv" in outputs[5]
    assert "HTTP/1.1 204" in outputs[6] and "X-OpenRosa-Accept-Content-Length" in outputs[6]
    assert "OpenRosaResponse" in outputs[7]
    assessment = Assessment.objects.get(pk=field_round["assessment"].pk)
    assert assessment.instance_id == iid and assessment.poverty_class
    names = Submission.objects.get(instance_id=iid).attachments.values_list("name", flat=True)
    assert list(names) == ["ảnh nhà.jpg"]
