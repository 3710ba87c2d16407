import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from giamngheo.households.tests.factories import HouseholdFactory, MemberFactory
from giamngheo.portal.models import Article, Category
from giamngheo.reports.selectors.common import FINAL_STATUSES
from giamngheo.reports.tests.fixtures import build_reports_province
from giamngheo.reviews.models import Assessment, ReviewRound, RoundSnapshot
from giamngheo.reviews.services.snapshots import snapshots_take
from giamngheo.tests.pages import assert_not_found, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def news():
    category = Category.objects.create(name="Giảm nghèo – Bảo trợ xã hội", slug="giam-ngheo")
    now = timezone.now()

    def make(slug, **kw):
        defaults = {"title": slug, "body": "Nội dung", "is_published": True, "published_at": now}
        return Article.objects.create(category=category, slug=slug, **{**defaults, **kw})

    return make


def test_only_published_articles_are_shown(client, news):
    news("da-dang", title="Bài đã đăng")
    news("ban-nhap", title="Bản nháp", is_published=False)
    news("hen-gio", title="Hẹn giờ", published_at=timezone.now() + dt.timedelta(days=1))
    html = client.get(reverse("portal:home")).content.decode()
    assert "Bài đã đăng" in html and "Bản nháp" not in html and "Hẹn giờ" not in html
    assert client.get(reverse("portal:article", args=["ban-nhap"])).status_code == 404


def test_article_markdown_is_rendered_without_unsafe_html(client, news):
    body = (
        "**Đậm** và [liên kết](https://example.org)\n\n<script>alert(1)</script>\n\n"
        '<a href="javascript:alert(2)" onclick="x()">bấm</a>'
    )
    news("an-toan", body=body, source="Sở Nông nghiệp và Môi trường")
    html = client.get(reverse("portal:article", args=["an-toan"])).content.decode()
    assert "<strong>Đậm</strong>" in html and 'href="https://example.org"' in html
    assert "<script>alert" not in html and "javascript:" not in html and "onclick" not in html
    assert "Sở Nông nghiệp và Môi trường" in html


def test_article_lists_related_articles_of_its_category(client, news):
    news("chinh", title="Bài chính")
    news("lien-quan", title="Bài liên quan")
    html = client.get(reverse("portal:article", args=["chinh"])).content.decode()
    assert "Bài liên quan" in html


@pytest.fixture
def province():
    # Heads are named "Nguyễn Văn An <n>" by a counter shared with every earlier test of the
    # process: started again here, so no head is called "… 1979", the birth year checked below.
    HouseholdFactory.reset_sequence()
    units = build_reports_province(freeze=False)
    # Personal data that must never reach a public page.
    for assessment in Assessment.objects.filter(round=units["round_A"], poverty_class="poor"):
        Assessment.objects.filter(pk=assessment.pk).update(income_per_capita_month=987654)
        MemberFactory(
            household=assessment.household,
            full_name="Trần Thị Bí Mật",
            citizen_id=f"0012345678{assessment.pk % 100:02d}",
            date_of_birth=dt.date(1979, 3, 14),
        )
    approved = ReviewRound.objects.filter(status__in=FINAL_STATUSES).select_related("unit")
    snapshots_take(approved, taken_from=RoundSnapshot.Source.SEEDED)
    return units


def test_statistics_page_states_the_rate_and_offers_the_csv(english, province):
    url = reverse("portal:statistics") + f"?unit={province['P'].pk}&year=2025"
    html = english.get(url).content.decode()
    assert "The poverty rate is 1,67%, down 2,33 points" in html
    assert 'id="commune-chart"' in html
    response = english.get(reverse("portal:statistics_csv") + f"?unit={province['P'].pk}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["nam", "ma_don_vi", "ten_don_vi", "tong_so_ho"]
    assert ["2025", "31", "Thành phố P", "300", "5", "1.67", "3", "1.00", ""] in rows
    assert any(r[0] == "2024" and r[-1] == "x" for r in rows)


def test_public_pages_never_show_personal_fields(client, province):
    ra = province["round_A"]
    pages = [
        reverse("portal:home"),
        reverse("portal:statistics") + f"?unit={province['P'].pk}&year=2025",
        reverse("portal:statistics_csv") + f"?unit={province['P'].pk}",
        reverse("portal:postings"),
        reverse("portal:posting", args=[ra.pk]),
    ]
    posting = client.get(pages[-1]).content.decode()
    assert posting.count("Nguyễn Văn An") == 6  # 4 poor and 2 near-poor heads in commune A
    assert "Thôn A1" in posting and "Thôn A2" in posting
    for url in pages:
        html = client.get(url).content.decode("utf-8-sig")
        for secret in (
            "00123456780",
            "987654",
            "987.654",
            "14/03/1979",
            "1979-03-14",
            "1979",
            "Trần Thị Bí Mật",
        ):
            assert secret not in html, (url, secret)


def test_posting_list_of_a_round_not_yet_approved_is_not_public(client, province):
    pending = ReviewRound.objects.get(year=2026)
    response = client.get(reverse("portal:posting", args=[pending.pk]))
    codes = Assessment.objects.filter(round=pending).values_list("household__code", flat=True)
    assert len(codes) == 3
    assert_not_found(response, *codes)
    listing = page_text(client.get(reverse("portal:postings")))
    assert reverse("portal:posting", args=[pending.pk]) not in listing


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?unit=x", "Hãy chọn đơn vị trong danh sách."),
        ("?year=abc", "Năm phải là một số, ví dụ 2025."),
        ("?unit=999999", "Không có đơn vị này."),
        ("?year=1800", "Năm phải là một số, ví dụ 2025."),
    ],
)
def test_bad_statistics_parameters_get_a_message(client, province, query, message):
    response = client.get(reverse("portal:statistics") + query)
    assert response.status_code == 400
    assert page_text(response, within="main").count(message) == 1


def test_year_without_approved_results_gets_a_message(client, province):
    url = reverse("portal:statistics") + f"?unit={province['P'].pk}&year=2019"
    response = client.get(url)
    assert response.status_code == 404
    text = page_text(response)
    assert "Chưa công bố kết quả rà soát được phê duyệt của đơn vị và năm này." in text
    assert 'id="commune-chart"' not in response.content.decode()


def test_commune_statistics_are_public_too(english, province):
    url = reverse("portal:statistics") + f"?unit={province['A'].pk}&year=2024"
    html = english.get(url).content.decode()
    # 2024 re-aggregated onto today's commune A, partly apportioned from the split commune FS.
    assert "The poverty rate is 3,44%" in html and "apportioned" in html
