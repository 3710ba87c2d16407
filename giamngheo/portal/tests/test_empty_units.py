"""Every public page, and every report page, on a tiny province full of empty units.

Urban wards have no poor or near-poor households, some communes have no round or no
households, and some years have no approved figures: none of that may become a server error.
The crawl walks the URL confs, so a new page is visited as soon as it is added (and a page
whose address needs an id the crawl cannot fill fails until it is taught).
"""

import csv
import datetime as dt
import io

import pytest
from django.urls import URLPattern, reverse

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.households.models import Household
from giamngheo.portal import urls as portal_urls
from giamngheo.portal.models import Article, Category, CitizenRequest
from giamngheo.portal.requests import file_request
from giamngheo.reports import urls as report_urls
from giamngheo.reports.exports.forms import FORM_TITLES
from giamngheo.reports.models import Target
from giamngheo.reports.tests.fixtures import build_tiny_province
from giamngheo.tests.pages import headings, page_text

pytestmark = pytest.mark.django_db

UNITS = ("T", "CO", "WARD", "NOROUND", "EMPTY")
YEARS = (None, 2025, 2024, 2019)
# Portal pages that are not public pages for an anonymous visitor; each has its own tests
# (portal/tests/test_requests.py).
NOT_CRAWLED = {
    "request_new": "needs a household verified with its code, else redirects to the lookup",
    "request_queue": "the commune officers' queue",
    "request_detail": "the commune officers' queue",
}
# The same tables in other formats: crawled on fewer units, the PDF on a few forms.
# Portal views that answer only within a citizen's lookup session, or only to a POST, or only to
# staff; giamngheo/portal/tests/test_lookup.py walks them.
NOT_CRAWLED = {
    "lookup_result",
    "lookup_personal_data",
    "lookup_end",
    "lookup_code",
    # test_requests.py walks these: the filing form needs a household verified with its code (else
    # it redirects to the lookup), the queue and its requests are the commune officers'.
    "request_new",
    "request_queue",
    "request_detail",
}
FEWER_UNITS = {"form_xlsx": ("T", "WARD", "EMPTY"), "form_pdf": ("WARD",)}


@pytest.fixture
def tiny():
    u = build_tiny_province()
    category = Category.objects.create(name="Tin tức", slug="tin-tuc")
    Article.objects.create(
        category=category,
        title="Tin",
        slug="tin",
        body="Nội dung",
        is_published=True,
        published_at="2025-12-01T00:00:00Z",
    )
    u["category"], u["article"] = category, Article.objects.get()
    return u


def _query(u, unit: str | None, year: int | None) -> str:
    parts = [f"unit={u[unit].pk}"] if unit else []
    parts += [f"year={year}"] if year else []
    return "?" + "&".join(parts) if parts else ""


def _urls(namespace: str, patterns, kwargs_for: dict) -> list[str]:
    out = []
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)
        if namespace == "portal" and pattern.name in NOT_CRAWLED:
            continue
        converters = pattern.pattern.converters
        if not converters:
            out.append(reverse(f"{namespace}:{pattern.name}"))
            continue
        assert pattern.name in kwargs_for, f"teach the crawl how to fill {pattern.name}"
        out += [reverse(f"{namespace}:{pattern.name}", kwargs=k) for k in kwargs_for[pattern.name]]
    return out


NO_RESULTS = "Chưa công bố kết quả rà soát được phê duyệt của đơn vị và năm này."


def _assert_public_page(response, where) -> str:
    """A CSV starts with its header row; a page has one heading, and it is not "not found"."""
    if response["Content-Type"].startswith("text/csv"):
        header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert header[:3] == ["nam", "ma_don_vi", "ten_don_vi"], where
        return ""
    found = headings(response)
    assert len(found) == 1 and found[0] and found[0] != "Không tìm thấy trang", (where, found)
    return found[0]


def _citizen_request(tiny) -> CitizenRequest:
    household = Household.objects.filter(unit__in=tiny["CO"].subtree()).first()
    return file_request(
        household=household, kind="correction", text="Sửa ngày sinh", today=dt.date(2026, 3, 2)
    )


def test_every_public_page_answers_on_a_province_with_empty_units(client, tiny):
    kwargs_for = {
        "category": [{"slug": tiny["category"].slug}],
        "article": [{"slug": tiny["article"].slug}],
        "posting": [{"pk": tiny["round_CO"].pk}, {"pk": tiny["round_WARD"].pk}],
        "request_status": [{"code": _citizen_request(tiny).tracking_code}],
    }
    statistics = reverse("portal:statistics")
    for url in _urls("portal", portal_urls.urlpatterns, kwargs_for):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_public_page(response, url)
        for unit in (None, *UNITS):
            for year in YEARS:
                query = _query(tiny, unit, year)
                if not query:
                    continue
                response = client.get(url + query)
                # A unit or year without approved figures is a page that says so (404).
                assert response.status_code in (200, 404), (url, query, response.status_code)
                if response.status_code == 404:
                    assert NO_RESULTS in page_text(response), (url, query)
                    continue
                heading = _assert_public_page(response, (url, query))
                if url == statistics and unit:
                    assert tiny[unit].name in heading, (query, heading)
                if url == statistics and year:
                    assert heading.endswith(f" · {year}"), (query, heading)


def test_the_statistics_show_a_ward_without_poor_households_as_zero(client, tiny):
    """The 500 seen on /portal/thong-ke/: a commune with neither poor nor near-poor households."""
    client.cookies["django_language"] = "en"
    response = client.get(reverse("portal:statistics"))
    assert response.status_code == 200
    html = response.content.decode()
    html = html[html.index('id="public-communes"') :]  # the table, not the map above it
    ward = html[html.index("Phường Đô Thị") :].split("</tr>")[0]
    assert ">40<" in ward and ">0<" in ward and "0,00%" in ward
    empty = html[html.index("Xã Trống") :].split("</tr>")[0]
    assert "—" in empty


def test_the_statistics_csv_keeps_a_zero_rate_and_leaves_a_missing_one_empty(client, tiny):
    response = client.get(reverse("portal:statistics_csv") + _query(tiny, "T", None))
    rows = {r[2]: r for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows["Phường Đô Thị"][3:8] == ["40", "0", "0.00", "0", "0.00"]
    assert rows["Xã Trống"][3:8] == ["", "0", "", "0", ""]
    assert rows["Tỉnh T"][3:6] == ["90", "2", "2.22"]


@pytest.mark.slow
def test_every_report_page_answers_for_a_province_officer_on_empty_units(client, tiny):
    officer = UserFactory(role=Role.PROVINCE_OFFICER, unit=tiny["T"])
    target = Target.objects.create(
        unit=tiny["WARD"], year=2025, measure="poor_rate_reduction", value=1, created_by=officer
    )
    client.force_login(officer)
    kwargs_for = {
        "form": [{"form": f} for f in FORM_TITLES],
        "form_xlsx": [{"form": f} for f in FORM_TITLES],
        "form_pdf": [{"form": f} for f in ("1", "15")],
        "target_edit": [{"pk": target.pk}],
    }
    seen = 0
    for pattern in report_urls.urlpatterns:
        urls = _urls("reports", [pattern], kwargs_for)
        units = FEWER_UNITS.get(pattern.name, UNITS)
        for url in urls:
            for unit in units:
                for year in YEARS[:3]:
                    response = client.get(url + _query(tiny, unit, year))
                    assert response.status_code < 500, (url, unit, year)
                    seen += response.status_code == 200
    assert seen > 100
