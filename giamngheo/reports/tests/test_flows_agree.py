"""Forms 2 and 3 and the round page count the same movements (report-forms.md §5.6).

Commune A of the small province, with the 2023 baseline (decision 20/12/2023): h1, h2 and h7
poor, h3 and h4 near-poor. In 2024 h7 and h4 move away, h8 moves in; the 2024 round finds h1
above near-poor, h2 still poor, h3 poor, h5 poor and h8 poor for the first time, h6 near-poor.
The 2025 round finds h1 poor again (escaped in 2024: relapsed), h2 near-poor and h6 above it.

Form 2, households (1 … 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8):
- 2024: 3 − 0 − 1 − 1 + 1 + 0 + 1 + 1 = 4 (h7 out, h3 from near-poor, h5 new, h8 in);
- 2025: 4 − 1 − 0 − 0 + 0 + 1 + 0 + 0 = 4 (h2 to near-poor, h1 relapsed).
Form 3: 2024: 2 − 1 − 0 − 1 + 0 + 0 + 1 + 0 = 1; 2025: 1 − 0 − 1 − 0 + 1 + 0 + 0 + 0 = 1.
Each year starts where the one before ended: h7 and h4, counted out in 2024, are not again.
The round page is read as the officer sees it, the forms from the workbooks the pages offer.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.households.services.events import life_event_record
from giamngheo.households.vocab import LifeEventKind
from giamngheo.reviews import services
from giamngheo.reviews.flows import FORM_COLUMNS
from giamngheo.reviews.tests.conftest import NEAR_POOR, NOT_POOR, POOR, make_household
from giamngheo.reviews.tests.helpers import run_round

pytestmark = pytest.mark.django_db

FORM_NUMBER = {"poor": "2", "near_poor": "3"}
# Form 2/3 households by column 1…9, counted by hand in the module's docstring.
EXPECTED = {
    2024: {"poor": [3, 0, 1, 1, 1, 0, 1, 1, 4], "near_poor": [2, 1, 0, 1, 0, 0, 1, 0, 1]},
    2025: {"poor": [4, 1, 0, 0, 0, 1, 0, 0, 4], "near_poor": [1, 0, 1, 0, 1, 0, 0, 0, 1]},
}


@pytest.fixture
def commune():
    province = build_small_province()
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"])
    chairman = UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=province["A"])
    h = {
        i: make_household(province["A1" if i % 2 else "A2"], f"31-11001-10000{i}")
        for i in range(1, 9)
    }
    services.baseline_create(
        actor=UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"]),
        unit=province["A"],
        year=2023,
        decision_number="3208/QĐ-UBND",
        decision_date=dt.date(2023, 12, 20),
        entries=[
            (h[1].code, "poor"),
            (h[2].code, "poor"),
            (h[7].code, "poor"),
            (h[3].code, "near_poor"),
            (h[4].code, "near_poor"),
        ],
    )
    moves = (
        (7, LifeEventKind.MOVED_AWAY),
        (4, LifeEventKind.MOVED_AWAY),
        (8, LifeEventKind.MOVED_IN),
    )
    for i, kind in moves:
        life_event_record(
            actor=officer,
            household=h[i],
            kind=kind,
            date=dt.date(2024, 5, 1),
            reason="Tổ dân phố báo",
        )
    answers = {h[1]: NOT_POOR, h[2]: POOR, h[3]: POOR, h[5]: POOR, h[6]: NEAR_POOR, h[8]: POOR}
    rounds = {2024: run_round(officer, chairman, province["A"], 2024, answers)}
    answers = {h[1]: POOR, h[2]: NEAR_POOR, h[6]: NOT_POOR}
    rounds[2025] = run_round(officer, chairman, province["A"], 2025, answers)
    return {"unit": province["A"], "officer": officer, "rounds": rounds}


def round_page_identity(client, review_round) -> dict:
    """The identity the round page shows once the round is approved."""
    response = client.get(reverse("reviews:round_detail", args=[review_round.pk]))
    assert response.status_code == 200
    return response.context["identity"]


def form_households(client, form: str, unit, year: int) -> list[int]:
    """Columns 1…9 of the unit's households row in the form's workbook, read from the cells."""
    url = reverse("reports:form_xlsx", args=[form]) + f"?unit={unit.pk}&year={year}"
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    codes = next(r for r in rows if "9=1-2-3-4+5+6+7+8" in r)
    at = [i for i, code in enumerate(codes) if code and code[0].isdigit()]
    row = next(r for r in rows if r[1] == unit.name and r[2] == "Hộ")
    return [row[i] for i in at]


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_round_page_and_forms_2_and_3_give_the_same_movements(client, commune, year):
    client.force_login(commune["officer"])
    identity = round_page_identity(client, commune["rounds"][year])
    for klass, columns in FORM_COLUMNS.items():
        cells = form_households(client, FORM_NUMBER[klass], commune["unit"], year)
        page = [identity[klass][columns[c].key] for c in range(1, 10)]
        assert page == cells == EXPECTED[year][klass]
        assert identity[klass]["holds"]
