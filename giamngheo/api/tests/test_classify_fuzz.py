"""Whatever body is posted to /api/v1/classify, the answer is a classification or a clear error:
never a 5xx (Hypothesis over arbitrary JSON and over households with any field replaced)."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giamngheo.api.rest.classify import HOUSEHOLD_EXAMPLE
from giamngheo.api.tests.helpers import token_client

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["0001-01-01", "9999-12-31", "2025-02-30", "1980-05-01", "poor", "\x00"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
HOUSEHOLD_KEYS = sorted(HOUSEHOLD_EXAMPLE)
MEMBER_KEYS = sorted(HOUSEHOLD_EXAMPLE["members"][0])


@pytest.fixture
def caller(personas):
    return token_client(personas["auditor"])


def _post(caller, data: bytes | str):
    response = caller.post("/api/v1/classify", data, content_type="application/json")
    assert response.status_code in (200, 400, 413, 422), response.content
    body = json.loads(response.content)
    if response.status_code in (400, 413):
        assert body["detail"]
    return body


@FUZZ
@given(payload=json_values)
def test_any_json_body_is_classified_or_refused_clearly(caller, payload):
    _post(caller, json.dumps(payload))


@FUZZ
@given(
    household=st.dictionaries(st.sampled_from(HOUSEHOLD_KEYS), json_values, max_size=4),
    member=st.dictionaries(st.sampled_from(MEMBER_KEYS), json_values, max_size=4),
    as_batch=st.booleans(),
)
def test_a_household_with_any_fields_replaced_is_classified_or_has_its_error(
    caller, household, member, as_batch
):
    record = {**copy.deepcopy(HOUSEHOLD_EXAMPLE), **household}
    if isinstance(record.get("members"), list) and record["members"]:
        first = record["members"][0]
        if isinstance(first, dict):
            first.update(member)
    body = _post(caller, json.dumps([record] if as_batch else record))
    lines = body if isinstance(body, list) else [body]
    for line in lines:
        assert "class" in line or "error" in line or "detail" in line


@FUZZ
@given(raw=st.binary(max_size=200))
def test_any_bytes_are_refused_clearly(caller, raw):
    _post(caller, raw)
