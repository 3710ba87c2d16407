"""A household's explanation reads as an officer writes it (issue 15): members by relation, name
and age, one entry per deprived indicator, the legal condition once and folded, cited in
Vietnamese (Decree 07/2021/NĐ-CP, Art. 3(1)(c))."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.households.services import member_remove
from giamngheo.households.tests.factories import MemberFactory
from giamngheo.households.vocab import Relation, Sex
from giamngheo.reviews import services
from giamngheo.reviews.display import classification
from giamngheo.reviews.facts import member_section
from giamngheo.reviews.models import RoundType
from giamngheo.reviews.tests.conftest import ADULT, POOR, make_household, on_day
from giamngheo.tests.browser import browser_page
from giamngheo.tests.pages import page_text

pytestmark = pytest.mark.django_db

REVIEW_DATE = dt.date(2025, 10, 1)
HEALTH_CONDITION = "có thành viên từ 6 tuổi trở lên không có thẻ bảo hiểm y tế"


def _family(village):
    """Head, wife and three children: three members aged 6 or more without a health card."""
    household = make_household(village, "31-11001-000009", "Lò Văn Páo")
    people = [
        ("Lò Thị Mai", Sex.FEMALE, dt.date(1985, 2, 3), Relation.SPOUSE),
        ("Lò Văn An", Sex.MALE, dt.date(2018, 3, 10), Relation.CHILD),
        ("Lò Thị Hoa", Sex.FEMALE, dt.date(2012, 6, 1), Relation.CHILD),
        ("Lò Văn Bình", Sex.MALE, dt.date(2023, 1, 5), Relation.CHILD),
    ]
    for no, (name, sex, born, relation) in enumerate(people, start=2):
        MemberFactory(
            household=household,
            member_no=no,
            full_name=name,
            sex=sex,
            date_of_birth=born,
            relation=relation,
        )
    return household


ANSWERS = {
    # by full name: what differs from a covered adult
    "Lò Văn Páo": {"health_insurance": False},
    "Lò Thị Mai": {"health_insurance": False},
    "Lò Văn An": {
        "health_insurance": False,
        "in_school": False,
        "diploma": "none",
        "employment": "not_in_labour_force",
        "child_nutrition": "normal",
    },
    "Lò Thị Hoa": {
        "in_school": True,
        "diploma": "primary",
        "employment": "not_in_labour_force",
        "child_nutrition": "normal",
    },
    "Lò Văn Bình": {
        "in_school": False,
        "diploma": "none",
        "employment": "not_in_labour_force",
        "child_nutrition": "stunted",
        "health_insurance": True,
    },
}


def _classified(officer, unit, household):
    with on_day(REVIEW_DATE):
        review_round = services.round_create(
            actor=officer, unit=unit, round_type=RoundType.PERIODIC, review_date=REVIEW_DATE
        )
        services.round_list_households(
            actor=officer, review_round=review_round, households=[household]
        )
        services.round_advance(actor=officer, review_round=review_round)
        assessment = review_round.assessments.get()
        services.assessment_screen(actor=officer, assessment=assessment, markers=[])
        services.round_advance(actor=officer, review_round=review_round)
        assessment.refresh_from_db()
        for section, data in POOR.items():
            services.assessment_save_section(
                actor=officer, assessment=assessment, section=section, data=data
            )
        names = dict(household.members.values_list("pk", "full_name"))
        for fact in assessment.members:
            data = {
                **ADULT,
                "relation": fact["relation"],
                "sex": fact["sex"],
                "date_of_birth": fact["date_of_birth"],
                **ANSWERS[names[int(fact["member_id"])]],
            }
            services.assessment_save_section(
                actor=officer,
                assessment=assessment,
                section=member_section(fact["member_id"]),
                data=data,
            )
    assessment.refresh_from_db()
    assert assessment.poverty_class == "poor", assessment.classification_error
    return assessment


def _vietnamese_page(client, settings, officer, household):
    settings.LANGUAGE_CODE = "vi"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(officer)
    with on_day(REVIEW_DATE + dt.timedelta(days=1)):
        response = client.get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200
    return response


def test_household_page_names_members_by_relation_name_and_age_decree_07_2021_art_3_1_c(
    client, settings, people, province
):
    officer = people["commune_a_officer"]
    household = _family(province["A1"])
    assessment = _classified(officer, province["A"], household)
    response = _vietnamese_page(client, settings, officer, household)
    text = page_text(response, within="classification")
    whole = page_text(response)

    assert "Con: Lò Văn An, 7 tuổi, không có thẻ bảo hiểm y tế" in text
    assert "Con: Lò Văn An, 7 tuổi, không đi học" in text
    assert "Vợ: Lò Thị Mai, 40 tuổi, không có thẻ bảo hiểm y tế" in text
    assert "Chủ hộ: Lò Văn Páo, 45 tuổi, không có thẻ bảo hiểm y tế" in text
    assert "Con: Lò Văn Bình, 2 tuổi, suy dinh dưỡng thấp còi" in text
    # one entry per deprived indicator; the legal text once, under the article in Vietnamese
    html = response.content.decode()
    section = html[html.index('id="classification-title"') :]
    assert section.count("<details>") == len(assessment.deprived)
    assert text.lower().count(HEALTH_CONDITION) == 1
    assert "<summary>Căn cứ: điểm c khoản 1 Điều 3 Nghị định số 07/2021/NĐ-CP</summary>" in html
    assert "Chuẩn nghèo đa chiều giai đoạn 2022 - 2025" in text
    # never a database id, an internal standard id, or an English citation
    assert re.search(r"thành viên \d{3,}", whole) is None
    assert re.search(r"thành viên \d", text) is None
    assert re.search(r"vn-20\d\d", whole) is None
    assert "Decree" not in whole and "Art." not in whole


def test_assessment_and_history_pages_show_the_same_grouped_explanation(
    client, settings, people, province
):
    officer = people["commune_a_officer"]
    household = _family(province["A1"])
    assessment = _classified(officer, province["A"], household)
    settings.LANGUAGE_CODE = "vi"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(officer)
    for url in (
        reverse("reviews:assessment_detail", args=[assessment.pk]),
        reverse("reviews:household_classification", args=[household.pk]),
    ):
        with on_day(REVIEW_DATE + dt.timedelta(days=1)):
            response = client.get(url)
        text = page_text(response, within="classification")
        assert "Vợ: Lò Thị Mai, 40 tuổi, không có thẻ bảo hiểm y tế" in text, url
        assert text.lower().count(HEALTH_CONDITION) == 1, url
        assert re.search(r"vn-20\d\d", page_text(response)) is None, url


def test_explanation_reads_names_in_one_query(people, province):
    officer = people["commune_a_officer"]
    household = _family(province["A1"])
    assessment = _classified(officer, province["A"], household)
    assessment = type(assessment).objects.select_related("round").get(pk=assessment.pk)
    with CaptureQueriesContext(connection) as queries:
        shown = classification(assessment)
    assert len(queries) == 1
    health = next(d for d in shown["deprived"] if d["id"] == "health_insurance")
    assert len(health["members"]) == 3


def test_a_member_deleted_since_is_said_to_be_so_not_shown_by_number(
    client, settings, people, province
):
    officer = people["commune_a_officer"]
    household = _family(province["A1"])
    _classified(officer, province["A"], household)
    child = household.members.get(full_name="Lò Văn An")
    member_remove(actor=officer, member=child, reason="Nhập trùng")
    text = page_text(_vietnamese_page(client, settings, officer, household))
    assert "Con: thành viên đã xóa khỏi hộ, 7 tuổi, không đi học" in text
    assert f"thành viên {child.pk}" not in text


def test_api_explanation_text_names_members_as_the_page_does(people, province):
    from giamngheo.api.tests.helpers import body, token_client

    officer = people["commune_a_officer"]
    household = _family(province["A1"])
    assessment = _classified(officer, province["A"], household)
    url = f"/api/v1/assessments/{assessment.pk}/classification"
    text = " ".join(body(token_client(officer).get(url))["explanation_text"])
    assert "Con: Lò Văn An, 7 tuổi, không có thẻ bảo hiểm y tế" in text
    ids = {m for members in assessment.deprived_members.values() for m in members}
    assert ids and not any(re.search(rf"thành viên {i}\b", text) for i in ids)
    english = " ".join(body(token_client(officer).get(url + "?lang=en"))["explanation_text"])
    assert "Lò Văn An" in english and "Con:" not in english


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_the_legal_condition_unfolds_under_its_article(live_server, province):
    """The officer reads the members concerned at once and opens the law when needed."""
    officer = UserFactory(username="mai", role=Role.COMMUNE_OFFICER, unit=province["A"])
    household = _family(province["A1"])
    _classified(officer, province["A"], household)
    with browser_page(width=1100, height=900) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("mai")
        page.get_by_label("Mật khẩu").fill("pw-for-tests-only")
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(f"{live_server.url}{reverse('households:detail', args=[household.pk])}")
        section = page.locator("#classification")
        health = section.locator("li", has_text="Bảo hiểm y tế").first
        condition = health.locator("details p")
        assert not condition.is_visible()
        health.locator("summary").click()
        assert condition.is_visible()
        assert HEALTH_CONDITION in condition.inner_text().lower()
        section.scroll_into_view_if_needed()
        docs = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
        docs.mkdir(parents=True, exist_ok=True)
        section.screenshot(path=str(docs / "explanation.png"))
    assert (docs / "explanation.png").stat().st_size > 10_000
