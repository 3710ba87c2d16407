import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.tests.browser import browser_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_and_sees_unit_on_a_phone(live_server):
    units = build_small_province()
    UserFactory(username="binh", role=Role.COMMUNE_OFFICER, unit=units["A"])
    with browser_page(width=390, height=844) as page:
        page.goto(f"{live_server.url}/")
        page.get_by_label("Tên đăng nhập").fill("binh")
        page.get_by_label("Mật khẩu").fill("pw-for-tests-only")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_selector("text=Đơn vị của bạn")
        assert page.locator("h2#my-unit + p.figure").inner_text() == "Xã A"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        screenshot(page, "home-phone")
        page.get_by_role("link", name="Đơn vị hành chính").click()
        page.get_by_label("Tên hoặc mã").fill("FA")
        page.get_by_label("Gồm cả đơn vị cũ (trước ngày 1/7/2025)").check()
        page.wait_for_selector("#unit-rows >> text=Xã FA")
        screenshot(page, "units-phone")
        assert page.console_errors == []


def test_choosing_a_language_switches_the_page_without_inline_script(live_server):
    with browser_page() as page:
        response = page.goto(f"{live_server.url}/accounts/login/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.select_option("#language-select", "en")
        page.wait_for_selector("html[lang=en]")
        assert page.get_by_label("User name").is_visible()
