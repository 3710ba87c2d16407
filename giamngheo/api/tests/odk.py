"""Building OpenRosa submissions and Digest headers the way ODK Collect does."""

import datetime as dt
import hashlib
import os
import re
import uuid
from xml.sax.saxutils import escape

import pytest

from giamngheo.api.openrosa.questionnaire import FORM_ID, FORM_VERSION
from giamngheo.households.tests.factories import HouseholdFactory, MemberFactory
from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus
from giamngheo.reviews.services.assessments import assessment_prefill
from giamngheo.reviews.services.snapshots import round_snapshot_take

HOUSEHOLD_ANSWERS = {
    ("income", "income_per_capita_month"): "1450000",
    ("income", "nlnn"): "yes",
    ("housing", "housing_type"): "less_solid",
    ("housing", "floor_area_m2"): "24.5",
    ("water", "domestic_water"): "safe",
    ("water", "hygienic_latrine"): "yes",
    ("water", "waste_treated"): "",
    ("information", "uses_telecom"): "yes",
    ("information", "info_devices"): "smartphone tv",
    ("information", "hears_loudspeaker"): "no",
}
MEMBER_ANSWERS = {
    "sex": "male",
    "date_of_birth": "1980-05-01",
    "relation": "head",
    "health_insurance": "yes",
    "in_school": "no",
    "diploma": "upper_secondary",
    "vocational_training": "no",
    "employment": "self_employed",
    "working_capacity": "yes",
    "disability": "none",
    "social_allowance": "no",
    "child_nutrition": "",
    "ill_untreated": "no",
}


def new_instance_id() -> str:
    return f"uuid:{uuid.uuid4()}"


def submission_xml(
    household_code: str,
    members: list[dict[str, str]],
    *,
    instance_id: str,
    deprecated_id: str = "",
    photo: str = "",
    overrides: dict | None = None,
) -> bytes:
    answers = {**HOUSEHOLD_ANSWERS, **(overrides or {})}
    groups: dict[str, list[str]] = {}
    for (group, name), value in answers.items():
        groups.setdefault(group, []).append(f"<{name}>{escape(value)}</{name}>")
    parts = [
        f'<data xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" '
        f'id="{FORM_ID}" version="{FORM_VERSION}">',
        f"<household>{escape(household_code)}</household>",
        *(f"<{g}>{''.join(v)}</{g}>" for g, v in groups.items()),
    ]
    for member in members:
        fields = {**MEMBER_ANSWERS, **member}
        parts.append(
            "<members>"
            + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
            + "</members>"
        )
    parts.append("<location>20.86 106.68 5 10</location>")
    parts.append(f"<dwelling_photo>{escape(photo)}</dwelling_photo>")
    meta = f"<instanceID>{instance_id}</instanceID>"
    if deprecated_id:
        meta += f"<deprecatedID>{deprecated_id}</deprecatedID>"
    parts.append(f"<meta>{meta}<instanceName>{escape(household_code)}</instanceName></meta>")
    parts.append("</data>")
    return "".join(parts).encode("utf-8")


def member_answers(household) -> list[dict[str, str]]:
    """One repeat per registered member, with the registry's identity facts."""
    rows = []
    for m in household.members.order_by("member_no"):
        rows.append(
            {
                "member_id": str(m.pk),
                "sex": m.sex,
                "date_of_birth": m.date_of_birth.isoformat(),
                "relation": m.relation,
            }
        )
    return rows


def digest_header(
    challenge: str, username: str, password: str, method: str, uri: str, nc: int = 1
) -> str:
    params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    ha1 = hashlib.md5(f"{username}:{params['realm']}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
    cnonce = os.urandom(8).hex()
    ncs = f"{nc:08x}"
    response = hashlib.md5(
        f"{ha1}:{params['nonce']}:{ncs}:{cnonce}:auth:{ha2}".encode()
    ).hexdigest()
    return (
        f'Digest username="{username}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
        f'uri="{uri}", qop=auth, nc={ncs}, cnonce="{cnonce}", response="{response}", '
        f'opaque="{params.get("opaque", "")}", algorithm=MD5'
    )


@pytest.fixture
def field_round(province, registry, personas):
    """Commune A's 2025 round collecting form B, with last year's classified assessment."""
    last = ReviewRound.objects.create(
        unit=province["A"],
        year=2024,
        review_date=dt.date(2024, 10, 15),
        standard="vn-2022",
        status=RoundStatus.APPROVED,
    )
    Assessment.objects.create(
        round=last,
        household=registry["ha"],
        poverty_class="poor",
        standard="vn-2022",
        income_per_capita_month=1_200_000,
        facts={"income_per_capita_month": 1_200_000, "housing_type": "simple"},
    )
    round_snapshot_take(review_round=last)  # approval freezes (and counts) the round
    current = ReviewRound.objects.create(
        unit=province["A"],
        year=2025,
        review_date=dt.date(2025, 10, 15),
        standard="vn-2022",
        status=RoundStatus.SURVEY,
    )
    assessment = Assessment(round=current, household=registry["ha"])
    assessment_prefill(assessment)
    assessment.save()
    return {"last": last, "round": current, "assessment": assessment}


def resident_household(province, code: str, head: str):
    household = HouseholdFactory(code=code, unit=province["A1"], head_name=head)
    MemberFactory(household=household, member_no=1, full_name=head)
    return household


def _listed(review_round, household) -> Assessment:
    assessment = Assessment(round=review_round, household=household)
    assessment_prefill(assessment)
    assessment.save()
    return assessment


@pytest.fixture
def screening_step(province, registry, personas):
    """Commune A's 2025 round in screening: ha and hc listed, hx resident but not listed.

    Last year ha was screened with one marker."""
    last = ReviewRound.objects.create(
        unit=province["A"],
        year=2024,
        review_date=dt.date(2024, 10, 15),
        standard="vn-2022",
        status=RoundStatus.APPROVED,
    )
    Assessment.objects.create(
        round=last,
        household=registry["ha"],
        poverty_class="poor",
        standard="vn-2022",
        screening={"markers": ["car"], "count": 1},
    )
    current = ReviewRound.objects.create(
        unit=province["A"],
        year=2025,
        review_date=dt.date(2025, 10, 15),
        standard="vn-2022",
        status=RoundStatus.SCREENING,
    )
    hc = resident_household(province, "31-11001-000003", "Phạm Thị Chi")
    hx = resident_household(province, "31-11001-000009", "Hồ Văn Xa")
    return {
        "round": current,
        "aa": _listed(current, registry["ha"]),
        "ac": _listed(current, hc),
        "hc": hc,
        "hx": hx,
    }
