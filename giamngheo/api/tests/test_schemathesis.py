"""Property-based requests generated from the whole OpenAPI schema: no 5xx, no schema violations.

Every operation is called with generated input (valid and invalid) and then again with the ids
of real rows in place of the generated ones, so the calls also read households, rounds,
assessments, attachments, programs, funds and statistics instead of answering 404.
"""

import datetime as dt
from collections import Counter

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from giamngheo.api.credentials import token_create
from giamngheo.api.models import Submission, SubmissionAttachment
from giamngheo.programs.services import activity_create
from giamngheo.programs.tests.factories import make_program, two_organisations
from giamngheo.support.models import Fund, FundKind, SupportRecord
from giamngheo.wsgi import application

# Reading the schema needs no database: /api/v1/openapi.json is public.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
TALLY: Counter = Counter()

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go straight to the WSGI app, whose request signals would close the connection that
    holds the test's transaction (PostgreSQL; SQLite's in-memory one survives). Django's own
    test client detaches them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None and TALLY["requests"]:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nschemathesis: {TALLY['requests']} requests over {len(TALLY) - 2} "
                f"operations, {TALLY['5xx']} answered 5xx"
            )


@pytest.fixture
def world(personas, rounds, registry, province):
    """Rows for every path parameter of the schema, all inside the caller's province."""
    department, front = two_organisations(province["A"])
    program = make_program(province["A"], (department, front))
    activity = activity_create(
        actor=personas["province_officer"],
        content_area=program.content_areas.get(number=2),
        title="Vận động xây nhà",
        responsible=front,
        unit=province["A"],
        planned_start=dt.date(2024, 3, 1),
        planned_end=dt.date(2024, 11, 18),
    )
    fund = Fund.objects.create(
        name="Quỹ Vì người nghèo xã A",
        kind=FundKind.FOR_THE_POOR,
        unit=province["A"],
        managing_organisation=front,
    )
    SupportRecord.objects.create(
        household=registry["ha"],
        kind="health_insurance",
        value=900_000,
        given_on=dt.date(2025, 3, 1),
        source="other",
    )
    submission = Submission.objects.create(
        instance_id="uuid:schemathesis",
        form_id="giamngheo_phieu_b",
        commune=province["A"],
        submitted_by=personas["enumerator_a"],
        assessment=rounds["aa"],
        xml="<data/>",
        xml_sha256="0" * 64,
        complete=True,
    )
    attachment = SubmissionAttachment.objects.create(
        submission=submission,
        name="ảnh nhà.jpg",
        file=ContentFile(b"\xff\xd8jpeg", name="photo.jpg"),
        content_type="image/jpeg",
        size=6,
    )
    token, _raw = token_create(actor=personas["province_officer"], name="spare")
    return {
        "household_id": registry["ha"].pk,
        "round_id": rounds["ra"].pk,
        "assessment_id": rounds["aa"].pk,
        "attachment_id": attachment.pk,
        "unit_id": province["A"].pk,
        "program_id": program.pk,
        "activity_id": activity.pk,
        "fund_id": fund.pk,
        "token_id": token.pk,
    }


@pytest.fixture
def bearer(personas, world, settings):
    # Generated logins fail by design; keep them from locking the generated traffic out.
    settings.LOGIN_FAILURES_PER_ADDRESS = 10_000
    settings.LOGIN_FAILURES_PER_PAIR = 10_000
    settings.LOGIN_SLOWDOWN_AFTER = 10_000
    _token, raw = token_create(actor=personas["province_officer"], name="schemathesis")
    return {"Authorization": f"Bearer {raw}"}


def _call(case, bearer, *excluded) -> None:
    # A well-formed household may still lack a fact its standard reads: the contract answers
    # 422 with the error, so schema-valid input is not always accepted. Every other check runs,
    # "not a server error" among them: any 5xx fails the test.
    response = case.call_and_validate(
        headers=bearer,
        excluded_checks=[schemathesis.checks.positive_data_acceptance, *excluded],
    )
    TALLY["requests"] += 1
    TALLY["5xx"] += response.status_code >= 500
    TALLY[case.operation.label] += 1


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, bearer, world):
    _call(case, bearer)
    if case.path_parameters:
        real = {name: world[name] for name in case.path_parameters if name in world}
        if real and real != case.path_parameters:
            case.path_parameters = {**case.path_parameters, **real}
            # Real ids may have replaced the very value that made a negative case invalid.
            _call(case, bearer, schemathesis.checks.negative_data_rejection)
