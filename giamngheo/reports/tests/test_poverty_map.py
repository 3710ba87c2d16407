"""The poverty map on the public statistics page and the dashboards.

Small province (reports/tests/fixtures.py): 2025 — A 4 poor of 200 resident households, B 1 of
100. 2024, before the rearrangement — former FA (5 poor of 150) merged whole into A; former FS
(3 poor of 50) was split 60 % to A and 40 % to B, its village FS2 (1 poor) going to B1 exactly.
"""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.geo.models import AdminUnit
from giamngheo.households.models import ResidentCount
from giamngheo.households.vocab import PovertyClass
from giamngheo.reports.selectors.figures import published_summary
from giamngheo.reports.selectors.maps import (
    NO_FIGURES_COLOUR,
    RATE_COLOURS,
    _far_off,
    poverty_map,
    rate_colour,
)
from giamngheo.reports.tests.fixtures import (
    approved_round,
    assess,
    build_reports_province,
    build_tiny_province,
)
from giamngheo.reviews.services import round_snapshot_take
from giamngheo.tests.pages import page_text

pytestmark = pytest.mark.django_db

POINTS = {"A": ("20.95", "106.30"), "B": ("20.85", "106.68")}


class _MapMarkup(HTMLParser):
    """The map section's symbols (unit, label, link, colour) and every src/href inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.symbols: dict[int, dict] = {}
        self.addresses: list[str] = []
        self.year_options: list[str] = []
        self._wrapper: dict = {}
        self._in_select = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth == 0:
            if a.get("id") == "poverty-map":
                self.depth = 1
            return
        if tag not in {"input", "circle", "rect"}:
            self.depth += 1
        for name in ("src", "href", "xlink:href", "action"):
            if name in a:
                self.addresses.append(a[name])
        if tag in {"a", "g"} and "map-symbol" in (a.get("class") or ""):
            self._wrapper = {"label": a.get("aria-label"), "href": a.get("href")}
        if tag == "circle" and "data-unit" in a:
            symbol = {**self._wrapper, "fill": a["fill"], "r": float(a["r"])}
            self.symbols[int(a["data-unit"])] = symbol
        if tag == "select":
            self._in_select = True
        if tag == "option" and self._in_select:
            self.year_options.append(a.get("value"))

    def handle_endtag(self, tag):
        if self.depth and tag not in {"input", "circle", "rect"}:
            self.depth -= 1
            if tag == "select":
                self._in_select = False


def map_of(response) -> _MapMarkup:
    assert response.status_code == 200
    parser = _MapMarkup()
    parser.feed(response.content.decode())
    return parser


def place(units: dict, points: dict[str, tuple[str, str]]) -> None:
    for key, (lat, lon) in points.items():
        AdminUnit.objects.filter(pk=units[key].pk).update(
            latitude=Decimal(lat), longitude=Decimal(lon)
        )


@pytest.fixture
def province():
    units = build_reports_province()
    place(units, POINTS)
    return units


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def statistics(client, unit, year):
    return client.get(reverse("portal:statistics") + f"?unit={unit.pk}&year={year}")


def table_rate(response, name: str) -> str:
    """The poverty rate the statistics page's commune table shows for `name`."""
    table = page_text(response, within="public-communes")
    row = table[table.index(name) :].split("%")
    return row[0].split()[-1] + "%"


def test_the_map_has_one_symbol_per_commune_of_today_with_the_rate_the_table_shows(
    english, province
):
    response = statistics(english, province["P"], 2025)
    drawn = map_of(response).symbols
    today = AdminUnit.objects.current().filter(parent=province["P"], level="commune")
    assert (
        set(drawn)
        == set(today.values_list("pk", flat=True))
        == {
            province["A"].pk,
            province["B"].pk,
        }
    )
    a, b = drawn[province["A"].pk], drawn[province["B"].pk]
    assert table_rate(response, "Xã A") == "2,00%"
    assert a["label"] == "Xã A: poverty rate 2,00%, 4 poor households"
    assert table_rate(response, "Phường B") == "1,00%"
    assert b["label"] == "Phường B: poverty rate 1,00%, 1 poor households"
    # Coloured by rate (1–3 % is the second class), sized by poor households.
    assert a["fill"] == b["fill"] == RATE_COLOURS[1]
    assert a["r"] > b["r"]
    # A click opens the commune's own statistics.
    assert a["href"] == f"?unit={province['A'].pk}&year=2025"


def test_the_map_loads_nothing_from_another_site(english, province):
    response = statistics(english, province["P"], 2025)
    markup = map_of(response)
    assert markup.addresses, "the symbols link to the communes' figures"
    for address in markup.addresses:
        assert not address.lower().startswith(("http:", "https:", "//")), address
    html = response.content.decode()
    section = html[html.index('id="poverty-map"') :].split("</section>")[0]
    assert "http://" not in section and "https://" not in section
    assert "<script" not in section and "<img" not in section


def test_a_year_before_the_rearrangement_is_drawn_on_todays_communes_through_the_lineage(
    english, province
):
    """2024's figures were recorded under former communes FA and FS: on the map they are A's
    and B's. A = FA's 5 poor + 60 % of FS1's 2 (FS1 has no finer successor) = 6.2 poor of
    150 + 0.6 × 50 = 180 households; B = FS2's 1 + 40 % of FS1's 2 = 1.8 poor of 20."""
    response = statistics(english, province["P"], 2024)
    drawn = map_of(response).symbols
    assert set(drawn) == {province["A"].pk, province["B"].pk}
    expected = {
        "A": Decimal("6.2") / Decimal(180) * 100,
        "B": Decimal("1.8") / Decimal(20) * 100,
    }
    built = poverty_map(summary=published_summary(unit=province["P"], year=2024), href=str)
    rates = {s.unit_pk: s.rate for s in built.symbols}
    for key, rate in expected.items():
        assert rates[province[key].pk] == rate.quantize(Decimal("0.01"))  # rates have 2 places
    assert drawn[province["A"].pk]["label"].startswith("Xã A: poverty rate 3,44%")
    assert drawn[province["B"].pk]["label"].startswith("Phường B: poverty rate 9,00%")
    # The same figures as the commune's own statistics page.
    commune_page = statistics(english, province["A"], 2024)
    assert "The poverty rate is 3,44%" in page_text(commune_page, within="headline")
    assert table_rate(response, "Xã A") == "3,44%"


def test_the_2023_map_equals_the_lineage_aggregated_2023_figures(english, province):
    """2023, recorded under the former communes as well: FA 3 poor of 100 resident households;
    FS 1 poor, in FS2 (which became part of B1), of 40. A = 3 + 60 % of FS1's 0 = 3 poor of
    100 + 0.6 × 40 = 124 households (2.42 %); B = FS2's 1 + 40 % of FS1's 0 = 1 poor of
    0.4 × 40 = 16 (6.25 %)."""
    ResidentCount.objects.create(unit=province["FA"], year=2023, households=100, persons=350)
    ResidentCount.objects.create(unit=province["FS"], year=2023, households=40, persons=150)
    rfa = approved_round(province["FA"], 2023)
    rfs = approved_round(province["FS"], 2023)
    assess(rfa, province["FA1"], PovertyClass.POOR, 3)
    assess(rfa, province["FA1"], PovertyClass.NEAR_POOR, 1)
    assess(rfs, province["FS2"], PovertyClass.POOR, 1)
    for r in (rfa, rfs):
        round_snapshot_take(review_round=r)

    response = statistics(english, province["P"], 2023)
    drawn = map_of(response).symbols
    assert set(drawn) == {province["A"].pk, province["B"].pk}
    assert drawn[province["A"].pk]["label"].startswith("Xã A: poverty rate 2,42%")
    assert drawn[province["B"].pk]["label"].startswith("Phường B: poverty rate 6,25%")
    summary = published_summary(unit=province["P"], year=2023)
    built = poverty_map(summary=summary, href=str)
    rates = {row.unit_pk: row.rate("poor") for row in summary.rows}
    assert {s.unit_pk: s.rate for s in built.symbols} == {
        province["A"].pk: Decimal("2.42"),
        province["B"].pk: Decimal("6.25"),
    }
    assert all(rates[s.unit_pk] == s.rate for s in built.symbols)
    assert table_rate(response, "Xã A") == "2,42%"
    assert table_rate(response, "Phường B") == "6,25%"


def test_the_year_selector_offers_the_years_with_approved_figures_as_a_plain_form(
    english, province
):
    markup = map_of(statistics(english, province["P"], 2025))
    assert markup.year_options == ["2025", "2024"]
    html = statistics(english, province["P"], 2025).content.decode()
    section = html[html.index('id="poverty-map"') :].split("</section>")[0]
    assert '<form method="get" action="#poverty-map"' in section
    assert f'name="unit" value="{province["P"].pk}"' in section


def test_a_communes_page_draws_its_province_with_the_commune_outlined(english, province):
    html = statistics(english, province["B"], 2025).content.decode()
    drawn = map_of(statistics(english, province["B"], 2025)).symbols
    assert set(drawn) == {province["A"].pk, province["B"].pk}
    section = html[html.index('id="poverty-map"') :].split("</section>")[0]
    assert section.count('stroke="#0b5cad"') == 1
    assert f'data-unit="{province["B"].pk}"' in section.split('stroke="#0b5cad"')[0][-400:] or (
        f'data-unit="{province["B"].pk}"' in section.split('stroke="#0b5cad"')[1][:200]
    )


def test_a_ward_without_poor_households_and_a_commune_without_a_round_are_drawn(english):
    tiny = build_tiny_province()
    place(
        tiny,
        {"CO": ("21.0", "106.0"), "WARD": ("21.1", "106.2"), "NOROUND": ("20.9", "106.1")},
    )
    response = english.get(reverse("portal:statistics") + f"?unit={tiny['T'].pk}&year=2025")
    markup = map_of(response)
    drawn = markup.symbols
    assert set(drawn) == {tiny["CO"].pk, tiny["WARD"].pk, tiny["NOROUND"].pk}
    assert drawn[tiny["WARD"].pk]["label"] == "Phường Đô Thị: poverty rate 0,00%, 0 poor households"
    assert drawn[tiny["WARD"].pk]["fill"] == RATE_COLOURS[0]
    assert drawn[tiny["NOROUND"].pk]["label"] == "Xã Chưa Rà: no approved figures"
    assert drawn[tiny["NOROUND"].pk]["fill"] == NO_FIGURES_COLOUR
    # Xã Trống has no coordinates: counted and named, not placed.
    unplaced = page_text(response, within="map-unplaced")
    assert unplaced.startswith("1 commune is not drawn") and "Xã Trống" in unplaced


def test_province_dashboard_map_opens_each_communes_poor_households(province, client):
    officer = UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reports:dashboard") + f"?unit={province['P'].pk}&year=2025")
    drawn = map_of(response).symbols
    households = reverse("reports:households")
    for key in ("A", "B"):
        assert drawn[province[key].pk]["href"] == (
            f"{households}?unit={province[key].pk}&year=2025&measure=poor"
        )
    assert drawn[province["A"].pk]["label"] == "Xã A: poverty rate 2,00%, 4 poor households"


def test_commune_dashboard_map_links_only_the_officers_own_commune(province, client):
    client.force_login(UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"]))
    response = client.get(reverse("reports:dashboard") + f"?unit={province['A'].pk}&year=2025")
    drawn = map_of(response).symbols
    assert set(drawn) == {province["A"].pk, province["B"].pk}
    assert drawn[province["A"].pk]["href"].startswith(reverse("reports:households"))
    assert drawn[province["B"].pk]["href"] is None  # another commune's households: not theirs


@pytest.mark.parametrize(
    ("rate", "colour"),
    [
        (None, NO_FIGURES_COLOUR),
        (Decimal("0"), RATE_COLOURS[0]),
        (Decimal("0.99"), RATE_COLOURS[0]),
        (Decimal("1"), RATE_COLOURS[1]),
        (Decimal("9.99"), RATE_COLOURS[3]),
        (Decimal("10"), RATE_COLOURS[4]),
        (Decimal("45"), RATE_COLOURS[5]),
    ],
)
def test_rate_classes_start_at_their_lower_bound(rate, colour):
    assert rate_colour(rate) == colour


def test_only_a_commune_far_from_every_other_goes_in_the_box():
    cluster = [(20.8 + i * 0.03, 106.3 + (i % 3) * 0.04) for i in range(12)]
    assert _far_off(cluster) == set()
    island = (20.13, 107.73)  # Bạch Long Vĩ
    assert _far_off([*cluster, island]) == {12}
    assert _far_off([cluster[0], island]) == set()  # too few points to call one far
