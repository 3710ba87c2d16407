import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.reports.models import Target
from giamngheo.reports.tests.fixtures import build_reports_province
from giamngheo.tests.browser import browser_page, screenshot, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = """(id) => {
  const canvas = document.getElementById(id);
  if (!canvas) return false;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return true; }
  return false;
}"""


def _charts(page) -> int:
    return page.evaluate("typeof Chart === 'undefined' ? 0 : Object.keys(Chart.instances).length")


def test_dashboard_and_public_statistics_draw_their_charts(live_server):
    units = build_reports_province()
    Target.objects.create(
        unit=units["P"], year=2025, value="1.50", legal_basis="Quyết định 90/QĐ-TTg"
    )
    UserFactory(username="lan", role=Role.PROVINCE_OFFICER, unit=units["P"])
    with browser_page() as page:
        page.goto(f"{live_server.url}/accounts/login/?next=/reports/%3Funit%3D{units['P'].pk}")
        page.get_by_label("Tên đăng nhập").fill("lan")
        page.get_by_label("Mật khẩu").fill("pw-for-tests-only")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_selector("#key-figures")
        wait_until(page, "typeof Chart !== 'undefined' && Object.keys(Chart.instances).length >= 3")
        assert _charts(page) == 3
        for chart in ("trend-chart", "commune-chart", "deprivation-chart"):
            assert page.evaluate(DRAWN, chart), chart
        assert "1,67%" in page.inner_text("#headline")
        screenshot(page, "dashboard")

        page.context.clear_cookies()  # the public portal needs no login
        page.goto(f"{live_server.url}/portal/thong-ke/?unit={units['P'].pk}")
        wait_until(page, "typeof Chart !== 'undefined' && Object.keys(Chart.instances).length >= 2")
        assert _charts(page) == 2
        for chart in ("trend-chart", "commune-chart"):
            assert page.evaluate(DRAWN, chart), chart
        screenshot(page, "portal-statistics")
        assert page.console_errors == []
