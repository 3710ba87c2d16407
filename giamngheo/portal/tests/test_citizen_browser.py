"""A citizen's whole way in a browser: the lookup with and without the household's code, a
request filed online, and the commune officer told of it and finding it in the queue."""

import re
import shutil
from pathlib import Path

import pytest
from django.core.cache import caches

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.portal import services
from giamngheo.portal.models import CitizenRequest
from giamngheo.reviews.tests.conftest import POOR, make_household
from giamngheo.reviews.tests.helpers import run_round
from giamngheo.tests.browser import browser_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
HEAD_ID = "031080000111"
HEAD = "Nguyễn Văn An"
ONLY_WITH_CODE = "chỉ hiển thị khi tra cứu kèm mã tra cứu của hộ"


def _look_up(page, url: str, code: str = "") -> str:
    page.goto(f"{url}/portal/tra-cuu/")
    page.locator("#id_citizen_id").fill(HEAD_ID)
    page.locator("#id_date_of_birth").fill("1980-05-01")  # make_household's head
    page.locator("#id_code").fill(code)
    page.locator("form.lookup-form button[type=submit]").click()
    page.wait_for_url(f"{url}/portal/tra-cuu/ket-qua/")
    return page.locator("main").inner_text()


def test_a_citizen_looks_up_files_a_request_and_the_commune_is_told(live_server):
    caches["default"].clear()
    units = build_small_province()
    officer = UserFactory(username="lan", role=Role.COMMUNE_OFFICER, unit=units["A"])
    chairman = UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=units["A"])
    household = make_household(units["A1"], "31-11001-000001", HEAD, HEAD_ID)
    run_round(officer, chairman, units["A"], 2025, {household: POOR})
    _row, code = services.lookup_code_issue(actor=officer, household=household)
    url = live_server.url

    with browser_page(width=1000, height=1100) as page:
        # Without the code: what the posting published, nothing about the members.
        public = _look_up(page, url)
        assert "Hộ nghèo" in public and "2025" in public
        assert ONLY_WITH_CODE in public
        assert HEAD_ID not in page.content()

        # With the code: the deprivations and their explanation, and the way to a request.
        private = _look_up(page, url, services.format_code(code))
        assert ONLY_WITH_CODE not in private
        assert page.locator("main section.classification").count() == 1
        assert HEAD_ID not in page.content()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot(page, "portal-lookup"), SCREENSHOTS / "portal-lookup.png")

        page.locator("main a[href='/portal/tra-cuu/de-nghi/']").click()
        page.wait_for_url(f"{url}/portal/tra-cuu/de-nghi/")
        page.locator("main input[name=kind]").first.check()
        page.locator("#id_text").fill("Nhà tôi bị sập mái sau bão, đề nghị rà soát lại.")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/portal/tra-cuu/ho-so/[A-Z0-9]{10}/"))
        item = CitizenRequest.objects.get()
        assert item.tracking_code in page.locator("main").inner_text()

        # The commune officer: the bell counts the new request, which opens in the queue.
        page.context.clear_cookies()
        page.goto(f"{url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("lan")
        page.get_by_label("Mật khẩu").fill("pw-for-tests-only")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{url}/")
        # At least the request (the approval's documents job may have told its owner as well).
        assert int(page.locator("header .bell .bell-count").inner_text()) >= 1
        page.locator("header a.bell").click()
        page.get_by_role("link", name=re.compile(item.tracking_code)).click()
        page.wait_for_url(f"{url}/portal/can-bo/de-nghi/{item.pk}/")
        assert HEAD in page.locator("main").inner_text()
        page.goto(f"{url}/portal/can-bo/de-nghi/")
        assert item.tracking_code in page.locator("main table").inner_text()
        assert page.console_errors == []
