import io
import random

import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.demo.programs import HAI_DUONG_TITLE, programs_seed_demo
from giamngheo.demo.support import support_seed_demo
from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.programs.models import CoordinationProgram
from giamngheo.support.models import Fund
from giamngheo.tests.browser import browser_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_officer_reads_the_former_provinces_program_and_the_fund_on_a_phone(live_server):
    units = build_small_province()
    for _ in range(4):
        HouseholdFactory(unit=units["A1"])
    programs_seed_demo(province=units["P"], rng=random.Random(3), stdout=io.StringIO())
    support_seed_demo(province=units["P"], rng=random.Random(3), stdout=io.StringIO())
    UserFactory(username="hanh", role=Role.PROVINCE_OFFICER, unit=units["P"])
    program = CoordinationProgram.objects.get(title=HAI_DUONG_TITLE)
    with browser_page(width=390, height=844) as page:
        page.goto(f"{live_server.url}/")
        page.get_by_label("Tên đăng nhập").fill("hanh")
        page.get_by_label("Mật khẩu").fill("pw-for-tests-only")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/programs/")
        page.get_by_role("link", name=HAI_DUONG_TITLE).click()
        page.wait_for_selector("text=109/CTr-BLĐTBXH-MTTQVN")
        assert page.locator("meter").count() >= 6
        screenshot(page, "program-detail-phone")
        page.goto(f"{live_server.url}/support/funds/{Fund.objects.get().pk}/")
        page.wait_for_selector("text=Công ty Cổ phần Cảng Hải Phòng")
        screenshot(page, "fund-detail-phone")
        page.goto(f"{live_server.url}/programs/inspections/")
        assert page.locator("tr.overdue").count() == 1
        assert page.console_errors == []
    assert program.content_areas.count() == 6
