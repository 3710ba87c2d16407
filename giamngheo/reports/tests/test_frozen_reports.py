"""An approved year's published figures do not move when the registry moves on.

The rounds are frozen as approval freezes them; then a poor household moves to another commune's
village and changes its ethnicity, flags, causes and area, a household of a split former commune
moves to another village, and a child's birth date is corrected, all through the registry's
services. Every report of those units and years must render the same numbers as before.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.households.services import household_update, member_update
from giamngheo.households.tests.factories import MemberFactory
from giamngheo.households.vocab import KINH, Relation
from giamngheo.households.vocab import PovertyClass as C
from giamngheo.reports.exports.forms import FORM_TITLES
from giamngheo.reports.models import Target, TargetMeasure
from giamngheo.reports.tests.fixtures import assess, build_reports_province, freeze_rounds
from giamngheo.reviews.facts import member_facts_from_registry

pytestmark = pytest.mark.django_db

MEASURES = (
    "poor",
    "near_poor",
    "dep:nutrition:poor",
    "group:merit:poor",
    "group:no_capacity:poor",
    "group:minority:poor",
    "group:all_social_protection:poor",
    "eth:02:poor",
    "eth:kinh:poor",
    "eth:minority:poor",
    "cause:lack_capital:poor",
    "cause:lack_land:poor",
    "flow:poor:7",
)
# (unit, year): this year's communes, the province, and the split former commune's year.
PLACES = (("P", 2025), ("A", 2025), ("B", 2025), ("P", 2024), ("A", 2024), ("B", 2024))
PDF_FORMS = ("1", "8", "9", "10", "11", "15")
NUMBER = re.compile(r"\d[\d.,]*")
VOLATILE = re.compile(rb"/(CreationDate|ModDate) \([^)]*\)|/ID \[[^\]]*\]")


@pytest.fixture
def province():
    """The reports' province, a child recorded in a poor household's assessment, then frozen."""
    u = build_reports_province(freeze=False)
    assessment = u["poor_a1"][2]  # minority (02), merit, causes lack_capital + illness, in A1
    child = MemberFactory(
        household=assessment.household,
        date_of_birth=dt.date(2014, 3, 1),
        relation=Relation.CHILD,
        health_insurance=False,
        in_school=False,
    )
    assessment.members = [*assessment.members, member_facts_from_registry(child)]
    assessment.save(update_fields=["members"])
    # The minority group's list of a year is the denominator of its poverty-rate target.
    assess(u["round_FA"], u["FA1"], C.NOT_POOR, 1, head_ethnicity="02")
    freeze_rounds(u)
    for unit in ("P", "A"):
        Target.objects.create(
            unit=u[unit],
            year=2025,
            measure=TargetMeasure.MINORITY_POOR_RATE_REDUCTION,
            value=Decimal("3"),
        )
    u["moved"], u["child"] = assessment.household, child
    return u


def _text_numbers(html: str) -> list[str]:
    body = html.split("<main", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return NUMBER.findall(re.sub(r"<[^>]+>", " ", body))


def _cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [[list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets]


def _rendered(client, u) -> dict:
    """Everything the reports publish for the units and years, as comparable values."""
    out: dict = {}

    def get(url: str):
        response = client.get(url)
        out[url + " status"] = response.status_code
        return response

    for unit, year in PLACES:
        q = f"?unit={u[unit].pk}&year={year}"
        for name in ("reports:dashboard", "reports:af", "reports:targets"):
            out[name + q] = _text_numbers(get(reverse(name) + q).content.decode())
        for form in FORM_TITLES:
            page = get(reverse("reports:form", args=[form]) + q)
            out[f"form {form} {q}"] = _text_numbers(page.content.decode())
            sheet = get(reverse("reports:form_xlsx", args=[form]) + q)
            if sheet.status_code == 200:
                out[f"xlsx {form} {q}"] = _cells(sheet.content)
            if form in PDF_FORMS and unit != "P":
                pdf = get(reverse("reports:form_pdf", args=[form]) + q)
                out[f"pdf {form} {q}"] = VOLATILE.sub(b"", pdf.content)
        for measure in MEASURES:
            listed = get(reverse("reports:households") + q + f"&measure={measure}")
            html = listed.content.decode()
            counter = re.search(r"(\d+) households?", html)
            out[f"households {measure} {q}"] = (
                counter and counter.group(1),
                sorted(re.findall(r"<td>(31-90000-\d+)</td>", html)),
            )
        public = get(reverse("portal:statistics") + q)
        out["portal " + q] = _text_numbers(public.content.decode())
        out["portal csv " + q] = get(reverse("portal:statistics_csv") + q).content
    return out


# Renders every report page, sheet and PDF of six places twice.
@pytest.mark.slow
def test_approved_figures_survive_registry_edits(province, client):
    u = province
    officer = UserFactory(role=Role.PROVINCE_OFFICER, unit=u["P"])
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    before = _rendered(client, u)
    q = f"?unit={u['A'].pk}&year=2025"
    assert before[reverse("reports:form", args=["11"]) + q + " status"] == 200
    assert before[f"households group:merit:poor {q}"][0] == "1"
    targets = f"?unit={u['P'].pk}&year=2025"
    assert before[reverse("reports:targets") + targets + " status"] == 200
    assert "100,00" in before["reports:targets" + targets]  # 0 % in 2024, 100 % in 2025

    household_update(
        actor=officer,
        household=u["moved"],
        data={
            "unit": u["B1"],
            "head_ethnicity": KINH,
            "has_merit_person": False,
            "no_working_capacity": True,
            "social_protection": True,
            "causes": ["lack_land"],
            "area": "urban",
        },
        reason="Chuyển đến thôn B1",
    )
    member_update(
        actor=officer,
        member=u["child"],
        data={"date_of_birth": dt.date(2000, 3, 1), "health_insurance": True, "in_school": True},
        reason="Sửa ngày sinh",
    )
    split = u["round_FS"].assessments.filter(household__unit=u["FS1"]).first().household
    household_update(actor=officer, household=split, data={"unit": u["A2"]}, reason="Chuyển thôn")

    after = _rendered(client, u)
    changed = sorted(key for key in before if before[key] != after[key])
    assert changed == []
