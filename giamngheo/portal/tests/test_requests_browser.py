"""A household files a request in a browser, follows it by its code, and the commune sees it."""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.portal.models import CitizenRequest
from giamngheo.portal.tests.sessions import lookup_session
from giamngheo.reviews.tests.conftest import make_household
from giamngheo.tests.browser import browser_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
CITIZEN_ID = "031080000111"
HEAD = "Nguyễn Văn Bảo"


def test_a_household_files_a_request_and_the_commune_officer_finds_it_in_the_queue(live_server):
    province = build_small_province()
    UserFactory(username="lan", role=Role.COMMUNE_OFFICER, unit=province["A"])
    household = make_household(province["A1"], "31-11001-000009", HEAD, CITIZEN_ID)
    with browser_page(width=900, height=900) as page:
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": lookup_session(household),
                    "url": live_server.url,
                }
            ]
        )
        page.goto(f"{live_server.url}/portal/tra-cuu/de-nghi/?kind=correction")
        assert "91/2025/QH15" in page.locator("main").inner_text()
        page.locator("#id_text").fill("Ngày sinh của vợ tôi trong sổ bị ghi sai, xin sửa lại.")
        page.locator("#id_phone").fill("0912345678")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/portal/tra-cuu/ho-so/[A-Z0-9]{10}/"))
        item = CitizenRequest.objects.get()
        main = page.locator("main").inner_text()
        assert item.tracking_code in main and "Ngày sinh của vợ tôi" in main
        assert "Xã A" in main  # where to confirm it
        for private in (CITIZEN_ID, HEAD, household.code, "0912345678"):
            assert private not in main
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot(page, "portal-request"), SCREENSHOTS / "portal-request.png")

        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("lan")
        page.get_by_label("Mật khẩu").fill("pw-for-tests-only")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{live_server.url}/")
        page.locator("header nav a[href='/portal/can-bo/de-nghi/']").click()
        page.wait_for_url(f"{live_server.url}/portal/can-bo/de-nghi/")
        row = page.locator("main table tbody tr", has_text=item.tracking_code)
        assert HEAD in row.inner_text()
        screenshot(page, "portal-request-queue")
        assert page.console_errors == []
