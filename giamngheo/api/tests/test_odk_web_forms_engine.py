"""A real OpenRosa client: the ODK form engine (@getodk/xforms-engine) run under `node --test`.

It downloads the form and its CSV media from the live server, fills a household with its
members and submits; the stored assessment is then checked here.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from giamngheo.api.models import Submission
from giamngheo.api.tests.conftest import PASSWORD
from giamngheo.reviews.models import Assessment

CLIENT_DIR = Path(__file__).parent / "odk_client"
NODE = shutil.which("node")
NPM = shutil.which("npm")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        NODE is None and os.environ.get("CI") != "true",
        reason="node is not installed (required when CI=true)",
    ),
]


def _install() -> None:
    if (CLIENT_DIR / "node_modules" / "@getodk" / "xforms-engine").exists():
        return
    assert NPM, "npm is needed to install the ODK form engine"
    subprocess.run([NPM, "ci", "--no-audit", "--no-fund"], cwd=CLIENT_DIR, check=True, timeout=600)


def test_odk_form_engine_fills_and_submits_phieu_b(
    live_server, personas, registry, field_round, tmp_path
):
    assert NODE, "node is required when CI=true"
    _install()
    result_file = tmp_path / "result.json"
    env = {
        **os.environ,
        "GIAMNGHEO_URL": live_server.url,
        "ODK_COMMUNE": "11001",
        "ODK_USERNAME": "enumerator_a",
        "ODK_PASSWORD": PASSWORD,
        "ODK_HOUSEHOLD": registry["ha"].code,
        "ODK_RESULT": str(result_file),
    }
    run = subprocess.run(
        [NODE, "--test", "--test-reporter=spec"],
        cwd=CLIENT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    result = json.loads(result_file.read_text())
    assessment = Assessment.objects.get(pk=field_round["assessment"].pk)
    submission = Submission.objects.get(assessment=assessment)
    assert submission.complete and submission.xml == result["xml"]
    assert assessment.source == "odk" and assessment.instance_id == submission.instance_id
    assert assessment.facts["income_per_capita_month"] == 1450000
    assert assessment.facts["housing_type"] == "less_solid"
    assert sorted(assessment.facts["info_devices"]) == ["smartphone", "tv"]
    assert {m["diploma"] for m in assessment.members[:2]} == {"lower_secondary"}
    # The newborn is counted in the survey and waits for the officer before the registry.
    assert assessment.members[2]["member_id"] == "new-1"
    assert list(submission.member_changes.values_list("kind", "state", "full_name")) == [
        ("born", "pending", "Nguyễn Thị Bé")
    ]
    assert assessment.poverty_class and assessment.engine_version
    assert list(submission.attachments.values_list("name", flat=True)) == ["ảnh nhà.jpg"]
