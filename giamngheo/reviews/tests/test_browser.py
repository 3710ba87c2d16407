"""A reviewer fills a form B section on a phone."""

import datetime as dt

import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.reviews import services
from giamngheo.reviews.models import RoundType
from giamngheo.reviews.tests.conftest import make_household
from giamngheo.tests.browser import browser_page, screenshot, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_fills_a_section_on_a_phone_with_errors_shown_as_they_type(live_server, province):
    officer = UserFactory(username="lan", role=Role.COMMUNE_OFFICER, unit=province["A"])
    make_household(province["A1"], "31-11001-000009", "Đỗ Thị Lan")
    day = dt.date.today()
    r = services.round_create(
        actor=officer, unit=province["A"], round_type=RoundType.AD_HOC, review_date=day
    )
    services.round_list_households(actor=officer, review_round=r)
    services.round_advance(actor=officer, review_round=r)
    a = r.assessments.get()
    services.assessment_screen(actor=officer, assessment=a, markers=[])
    services.round_advance(actor=officer, review_round=r)
    with browser_page(width=390, height=844) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("lan")
        page.get_by_label("Mật khẩu").fill("pw-for-tests-only")
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(f"{live_server.url}/reviews/assessments/{a.pk}/general/")
        income = page.locator("#id_income_per_capita_month")
        income.fill("2000000000")
        income.press("Tab")
        page.wait_for_selector("#err-income_per_capita_month:not(:empty)")
        assert "1000000000" in page.locator("#err-income_per_capita_month").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "reviews-section-phone")
        income.fill("1200000")
        income.press("Tab")
        wait_until(
            page, "document.querySelector('#err-income_per_capita_month').textContent.trim() === ''"
        )
        page.locator("#id_nlnn_1").check()
        page.get_by_role("button").last.click()
        page.wait_for_url(f"**/reviews/assessments/{a.pk}/housing/")
        assert page.console_errors == []
    a.refresh_from_db()
    assert a.facts["income_per_capita_month"] == 1_200_000 and "general" in a.sections_done
