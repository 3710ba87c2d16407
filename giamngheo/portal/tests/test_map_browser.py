"""The poverty map of a real province, as a visitor of the public statistics page sees it.

Today's Hải Phòng is loaded from the pinned packages (its 114 communes at the points
`vietnamadminunits` gives them); each commune gets a synthetic approved 2025 round. The map's
picture is kept as docs/screenshots/poverty-map.png.
"""

import random
from pathlib import Path

import pytest

from giamngheo.geo.models import AdminUnit, Level
from giamngheo.geo.services.units import units_load
from giamngheo.households.models import ResidentCount
from giamngheo.households.vocab import PovertyClass as C
from giamngheo.reports.tests.fixtures import approved_round, assess, freeze_rounds
from giamngheo.tests.browser import browser_page, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
NO_MEMBERS: list[dict] = []


def _hai_phong_2025() -> AdminUnit:
    units_load(province_codes=["31"])
    province = AdminUnit.objects.current().get(level=Level.PROVINCE, code="31")
    rng = random.Random(2025)
    rounds = {}
    communes = AdminUnit.objects.current().filter(level=Level.COMMUNE, parent=province)
    for commune in communes.order_by("code"):
        village = AdminUnit.objects.create(
            code=f"{commune.code}-01",
            name=f"Thôn 1 {commune.name}",
            division_type="thôn",
            level=Level.VILLAGE,
            parent=commune,
            valid_from=commune.valid_from,
        )
        # Rural communes poorer than urban wards, as in the province's real figures.
        rural = commune.division_type != "phường"
        households = rng.randint(60, 250)
        poor = rng.choice([1, 3, 5, 8, 12, 20, 30]) if rural else rng.randint(0, 3)
        ResidentCount.objects.create(unit=commune, year=2025, households=households)
        rounds[f"round_{commune.code}"] = review = approved_round(commune, 2025)
        assess(review, village, C.POOR, poor, members=NO_MEMBERS)
        assess(review, village, C.NEAR_POOR, rng.randint(0, 4), members=NO_MEMBERS)
    freeze_rounds(rounds)
    return province


def test_public_statistics_draw_the_provinces_poverty_map(live_server):
    province = _hai_phong_2025()
    communes = AdminUnit.objects.current().filter(level=Level.COMMUNE, parent=province)
    placed = communes.filter(latitude__isnull=False).count()
    with browser_page(width=1280, height=1000) as page:
        page.goto(f"{live_server.url}/portal/thong-ke/?unit={province.pk}&year=2025")
        page.wait_for_selector("#poverty-map svg")
        assert page.locator("#poverty-map circle[data-unit]").count() == placed
        assert placed > 100
        label = page.locator("#poverty-map .map-symbol").first.get_attribute("aria-label")
        assert "tỷ lệ hộ nghèo" in label and "hộ nghèo" in label
        # Bạch Long Vĩ, 100 km out at sea, is drawn in the box under the map, named.
        assert "Bạch Long Vĩ" in page.locator("#poverty-map svg text").all_text_contents()[0]
        # Every request the page made stayed on this site.
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.reload()
        page.wait_for_selector("#poverty-map svg")
        assert requests and all(url.startswith(live_server.url) for url in requests), requests
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#poverty-map").screenshot(path=str(SCREENSHOTS / "poverty-map.png"))
        # A click on a symbol opens that commune's figures (the last drawn is on top of all).
        symbol = page.locator("#poverty-map a.map-symbol").last
        name = symbol.get_attribute("aria-label").split(":")[0]
        symbol_unit = symbol.locator("circle").get_attribute("data-unit")
        symbol.locator("circle").click()
        wait_until(page, f"location.search.includes('unit={symbol_unit}')")
        assert name in page.inner_text("h1")
