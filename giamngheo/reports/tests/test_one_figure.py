"""One figure, one definition: every surface that publishes a unit's poverty figures agrees.

The portal's statistics page, the officers' dashboard, form 1's workbook and
`/api/v1/statistics/<unit>?year=` are read as a person or a program reads them (HTML, cells,
JSON) for the same unit and year of the tiny province (`build_tiny_province`):

- Xã Có: 2 poor and 1 near-poor of 50 resident households (4,00 % and 2,00 %);
- Phường Đô Thị: an approved round without poor or near-poor households (0 and 0,00 %);
- Xã Trống and Xã Chưa Rà: no round. No surface has figures for them, and where the province's
  table lists them, their rate is missing ("—", an empty cell, null, a gap in the chart), never 0 %.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.api.tests.helpers import token_client
from giamngheo.reports.formats import DASH
from giamngheo.reports.tests.fixtures import build_tiny_province

pytestmark = pytest.mark.django_db

YEAR = 2025
# (poor, poverty rate, near-poor, near-poverty rate); None: the surface has no such figure.
Figures = tuple[int | None, Decimal | None, int | None, Decimal | None]
NO_DATA = None  # the surface says there are no approved figures for the unit and year


@pytest.fixture
def tiny():
    return build_tiny_province()


@pytest.fixture
def officer(tiny):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=tiny["T"])


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def _number(text: str) -> int | None:
    """A count as the pages print it ("1.234"); the dash is no figure."""
    text = text.strip()
    return None if text == DASH else int(text.replace(".", ""))


def _rate(text: str) -> Decimal | None:
    """A rate as the pages print it ("4,00%"); the dash is no figure."""
    text = text.strip()
    return None if text == DASH else Decimal(text.removesuffix("%").replace(",", "."))


def _card(html: str, heading: str) -> tuple[int | None, Decimal | None]:
    """The count and rate of a key-figure card ("Poor households": count, then rate)."""
    card = re.search(
        rf"<h2>{heading}</h2><p class=\"figure\">(?:<a [^>]*>)?([^<]*)(?:</a>)?</p><p>([^<·]*)",
        html,
    )
    assert card, f"no {heading!r} card"
    return _number(card.group(1)), _rate(card.group(2))


def _cards(html: str) -> Figures:
    poor, poor_rate = _card(html, "Poor households")
    near, near_rate = _card(html, "Near-poor households")
    return poor, poor_rate, near, near_rate


def portal_page(client, unit) -> Figures | None:
    response = client.get(reverse("portal:statistics") + f"?unit={unit.pk}&year={YEAR}")
    html = response.content.decode()
    if response.status_code == 404:
        assert "No approved review results have been published" in html
        return NO_DATA
    assert response.status_code == 200
    return _cards(html)


def dashboard_page(client, unit) -> Figures | None:
    response = client.get(reverse("reports:dashboard") + f"?unit={unit.pk}&year={YEAR}")
    html = response.content.decode()
    if response.status_code == 404:
        assert "No approved figures" in html
        return NO_DATA
    assert response.status_code == 200
    return _cards(html)


def form_1_rows(client, unit) -> dict[str, Figures] | None:
    """Form 1's workbook: each row's label → its figures, read from the cells."""
    url = reverse("reports:form_xlsx", kwargs={"form": "1"}) + f"?unit={unit.pk}&year={YEAR}"
    response = client.get(url)
    if response.status_code == 404:
        assert "No approved figures" in response.content.decode()
        return NO_DATA
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    codes = next(r for r in rows if "4=3/1*100" in r)
    at = {code: i for i, code in enumerate(codes) if code}

    def rate(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))

    out = {}
    for row in rows[rows.index(codes) + 1 :]:
        if row[at["3"]] is None and row[at["1"]] is None:
            continue  # notes and signatures under the table
        out[str(row[1]).removesuffix(" *")] = (
            row[at["3"]],
            rate(row[at["4=3/1*100"]]),
            row[at["5"]],
            rate(row[at["6=5/1*100"]]),
        )
    return out


def form_1(client, unit) -> Figures | None:
    rows = form_1_rows(client, unit)
    return NO_DATA if rows is None else rows["Tổng cộng"]


def _api_figures(row: dict) -> Figures:
    def rate(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    counts, rates = row["counts"], row["rates"]
    return counts["poor"], rate(rates["poor"]), counts["near_poor"], rate(rates["near_poor"])


def api_statistics(api, unit) -> dict | None:
    response = api.get(f"/api/v1/statistics/{unit.pk}?year={YEAR}")
    if response.status_code == 404:
        assert str(YEAR) in json.loads(response.content)["detail"]  # "no approved round in 2025"
        return NO_DATA
    assert response.status_code == 200
    return json.loads(response.content)


def api_total(api, unit) -> Figures | None:
    data = api_statistics(api, unit)
    return NO_DATA if data is None else _api_figures(data["total"])


def every_surface(client, api, unit) -> dict[str, Figures | None]:
    return {
        "portal": portal_page(client, unit),
        "dashboard": dashboard_page(client, unit),
        "form 1": form_1(client, unit),
        "api": api_total(api, unit),
    }


def test_every_surface_gives_a_commune_with_poor_households_the_same_figures(
    english, tiny, officer
):
    english.force_login(officer)
    seen = every_surface(english, token_client(officer), tiny["CO"])
    assert seen == dict.fromkeys(seen, (2, Decimal("4.00"), 1, Decimal("2.00")))


def test_every_surface_gives_an_approved_ward_without_poor_households_zero_and_zero_percent(
    english, tiny, officer
):
    english.force_login(officer)
    seen = every_surface(english, token_client(officer), tiny["WARD"])
    assert seen == dict.fromkeys(seen, (0, Decimal("0.00"), 0, Decimal("0.00")))


@pytest.mark.parametrize("key", ["EMPTY", "NOROUND"])
def test_every_surface_says_no_data_for_a_commune_without_a_round_and_none_says_zero(
    english, tiny, officer, key
):
    english.force_login(officer)
    seen = every_surface(english, token_client(officer), tiny[key])
    assert seen == dict.fromkeys(seen, NO_DATA)


def test_every_surface_gives_the_province_the_same_total(english, tiny, officer):
    """2 + 0 poor and 1 + 0 near-poor over 50 + 40 households: 2,22 % and 1,11 %."""
    english.force_login(officer)
    seen = every_surface(english, token_client(officer), tiny["T"])
    assert seen == dict.fromkeys(seen, (2, Decimal("2.22"), 1, Decimal("1.11")))


def _portal_table(html: str) -> dict[str, Figures]:
    table = html[html.index('id="public-communes"') :].split("</table>")[0]
    out = {}
    for row in re.findall(r"<tr><td><a [^>]*>([^<]*)</a>.*?</tr>", table):
        cells = re.findall(r'<td class="num">([^<]*)</td>', table.split(f">{row}</a>")[1])[:5]
        _households, poor, poor_rate, near, near_rate = cells
        out[row] = (_number(poor), _rate(poor_rate), _number(near), _rate(near_rate))
    return out


def test_a_commune_without_a_round_has_no_rate_on_any_surface_of_the_province(
    english, tiny, officer
):
    """Listed in the province's table, Xã Trống has no rate anywhere: "—" on the page, a gap in
    the charts, an empty cell in form 1 and the CSV, null in the API; never 0 %."""
    english.force_login(officer)
    unit, name = tiny["T"], tiny["EMPTY"].name
    response = english.get(reverse("portal:statistics") + f"?unit={unit.pk}&year={YEAR}")
    portal = _portal_table(response.content.decode())
    charts = response.context["charts"]["communes"]
    chart = {
        label: (charts["poor"][i], charts["near_poor"][i])
        for i, label in enumerate(charts["labels"])
    }
    api = api_statistics(token_client(officer), unit)
    assert api is not None
    api_rows = {row["label"]: _api_figures(row) for row in api["rows"]}
    excel = form_1_rows(english, unit)
    assert excel is not None
    csv_response = english.get(reverse("portal:statistics_csv") + f"?unit={unit.pk}")
    csv_rows = {r[2]: r for r in csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")))}
    dashboard = english.get(reverse("reports:dashboard") + f"?unit={unit.pk}&year={YEAR}")
    dashboard_chart = dashboard.context["charts"]["communes"]

    assert portal[name][1] is None and portal[name][3] is None
    assert chart[name] == (None, None)
    assert api_rows[name][1] is None and api_rows[name][3] is None
    assert excel[name][1] is None and excel[name][3] is None
    assert csv_rows[name][5] == csv_rows[name][7] == ""
    assert name not in dashboard_chart["labels"]  # ranked by rate: a unit without one is left out
    # The communes with figures read the same everywhere.
    for key in ("CO", "WARD"):
        label = tiny[key].name
        assert portal[label] == api_rows[label] == excel[label]
        assert chart[label] == tuple(float(portal[label][i]) for i in (1, 3))
        assert csv_rows[label][4:8] == [str(portal[label][i]) for i in range(4)]
