import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import OrganisationFactory, UserFactory
from giamngheo.reports.exports.forms import FORM_TITLES
from giamngheo.reports.tests.fixtures import build_reports_province
from giamngheo.tests.pages import assert_refused, headings, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return build_reports_province()


@pytest.fixture
def client_for(client):
    """Pages in English: the Vietnamese catalogue is merged separately; numbers stay Vietnamese."""

    def login(user):
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return login


@pytest.fixture
def officer_client(province, client_for):
    return client_for(UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"]))


def q(province, unit="P", year=2025):
    return f"?unit={province[unit].pk}&year={year}"


def test_dashboard_states_the_rate_and_its_fall_in_points(province, officer_client):
    response = officer_client.get(reverse("reports:dashboard") + q(province))
    assert response.status_code == 200
    html = response.content.decode()
    headline = re.sub(r"\s+", " ", re.search(r'id="headline">(.*?)</p>', html, re.S).group(1))
    assert "The poverty rate is 1,67%, down 2,33 points." in headline
    assert 'id="trend-chart"' in html and "chart.umd.min.js" in html


@pytest.mark.parametrize("form", list(FORM_TITLES))
def test_every_form_renders_for_a_commune(province, officer_client, form):
    response = officer_client.get(reverse("reports:form", args=[form]) + q(province, "A"))
    assert response.status_code == 200, response.content[:500]
    # The browser tab names the form, the unit and the year; the heading is the form's own
    # upper-case title (Circular 07/2021/TT-BLĐTBXH), not the short name of the menu.
    tab = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert f"Biểu số {int(form):02d} · Xã A 2025" in tab, tab
    [heading] = headings(response)
    assert len(heading) > 10 and heading == heading.upper(), heading
    assert page_text(response, within="report-table")


def test_form_1_numbers_link_to_the_households_they_count(province, officer_client):
    html = officer_client.get(reverse("reports:form", args=["1"]) + q(province)).content.decode()
    pk = province["A"].pk
    pattern = rf'href="(/reports/households/\?unit={pk}&amp;year=2025&amp;measure=poor)">4<'
    link = re.search(pattern, html)
    assert link is not None
    listed = officer_client.get(link.group(1).replace("&amp;", "&"))
    assert listed.status_code == 200
    assert listed.content.decode().count("Nguyễn Văn An") == 4


def test_partner_officer_sees_numbers_without_links(province, client_for):
    org = OrganisationFactory(unit=province["P"])
    partner = client_for(
        UserFactory(role=Role.PARTNER_OFFICER, unit=province["P"], organisation=org)
    )
    html = partner.get(reverse("reports:form", args=["1"]) + q(province)).content.decode()
    assert ">4<" in html and "/reports/households/" not in html
    denied = partner.get(reverse("reports:households") + q(province) + "&measure=poor")
    assert denied.status_code == 403


def _sheet_rows(content):
    ws = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_excel_opens_and_its_totals_equal_the_page(province, officer_client):
    response = officer_client.get(reverse("reports:form_xlsx", args=["1"]) + q(province))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet_rows(response.content)
    codes = next(r for r in rows if r[:2] == ["A", "B"])
    assert codes[2:6] == ["1", "2", "3", "4=3/1*100"]
    total = next(r for r in rows if r[1] == "Tổng cộng")
    assert total[2:6] == [300, 1050, 5, pytest.approx(1.67)]
    html = officer_client.get(reverse("reports:form", args=["1"]) + q(province)).content.decode()
    page_total = re.search(r'<tr class="total">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="num">(?:<a [^>]*>)?([^<]*)', page_total)
    assert cells[:4] == ["300", "1.050", "5", "1,67"]
    excel_cells = [
        f"{v:,}".replace(",", ".") if isinstance(v, int) else f"{v:.2f}".replace(".", ",")
        for v in total[2:]
    ]
    assert excel_cells == [c for c in cells if c != ""] or excel_cells[:4] == cells[:4]


def test_pdf_is_a_vietnamese_administrative_document(province, officer_client):
    response = officer_client.get(reverse("reports:form_pdf", args=["2"]) + q(province))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_year_without_an_approved_round_says_so(province, officer_client):
    response = officer_client.get(reverse("reports:dashboard") + q(province, year=2019))
    assert response.status_code == 404
    assert "no approved review results for 2019" in response.content.decode()


def test_unit_outside_scope_is_refused_with_a_message(province, client_for):
    officer_a = client_for(UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"]))
    for url in ("reports:dashboard", "reports:households"):
        response = officer_a.get(reverse(url) + q(province, "C"))
        assert_refused(response, 403, "Xã C", "Thôn C1")
        assert headings(response) == ["Not allowed"]
    dashboard = page_text(officer_a.get(reverse("reports:dashboard") + q(province, "C")))
    assert "This unit is outside your area, or your role cannot see it." in dashboard
    response = officer_a.get(reverse("reports:form_xlsx", args=["1"]) + q(province, "B"))
    text = assert_refused(response, 403, "Phường B", "Thôn B1")
    assert "Content-Disposition" not in response and response["Content-Type"].startswith(
        "text/html"
    )
    assert "This unit is outside your area, or your role cannot see it." in text


@pytest.mark.parametrize(
    "query",
    ["?unit=abc", "?unit=999999999", "?year=20x5", "?year=99999", "?unit=1;drop"],
)
def test_malformed_parameters_get_a_clear_message(province, officer_client, query):
    for url in (reverse("reports:dashboard"), reverse("reports:af"), reverse("reports:targets")):
        response = officer_client.get(url + query)
        assert response.status_code == 400, (url, query)
        assert "Check the address" in response.content.decode()


def test_alkire_foster_cutoff_must_be_a_number_of_indicators(province, officer_client):
    for k in ("0", "13", "x"):
        response = officer_client.get(reverse("reports:af") + q(province) + f"&k={k}")
        assert response.status_code == 400
        assert headings(response) == ["Check the address"], k
        assert "The cutoff k is a number of indicators from 1 to 12." in page_text(response)


def test_unknown_form_and_figure_codes_are_bad_requests(province, officer_client):
    response = officer_client.get(reverse("reports:form", args=["99"]) + q(province))
    assert response.status_code == 400
    assert "There is no such report form." in page_text(response)
    url = reverse("reports:households") + q(province) + "&measure=dep:nothing"
    response = officer_client.get(url)
    assert response.status_code == 400 and headings(response) == ["Check the address"]
    assert "That figure does not exist." in page_text(response)


def test_village_is_not_a_reporting_unit(province, officer_client):
    response = officer_client.get(reverse("reports:dashboard") + q(province, "A1"))
    assert response.status_code == 400
    assert "province or a commune" in response.content.decode()


def test_former_unit_is_pointed_to_todays(province, officer_client):
    response = officer_client.get(reverse("reports:dashboard") + q(province, "FA", 2024))
    assert response.status_code == 400
    assert "Xã FA" in response.content.decode()


def test_household_list_needs_a_commune(province, officer_client):
    response = officer_client.get(reverse("reports:form", args=["15"]) + q(province))
    assert response.status_code == 400
    listed = officer_client.get(reverse("reports:form", args=["15"]) + q(province, "A"))
    assert listed.content.decode().count("Nguyễn Văn An") == 4


def test_dashboard_shows_programs_of_the_unit(province, officer_client):
    from giamngheo.programs.tests.factories import make_program

    make_program(province["P"])
    html = officer_client.get(reverse("reports:dashboard") + q(province)).content.decode()
    assert "Chương trình phối hợp thực hiện Chương trình MTQG" in html
    assert "0 of 0 activities done" in html


def test_commune_dashboard_lists_villages(province, client_for):
    commune = client_for(UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"]))
    html = commune.get(reverse("reports:dashboard")).content.decode()
    assert "By village" in html and "Thôn A1" in html and "Thôn A2" in html


def test_partner_dashboard_has_no_household_links(province, client_for):
    org = OrganisationFactory(unit=province["P"])
    partner = client_for(
        UserFactory(role=Role.PARTNER_OFFICER, unit=province["P"], organisation=org)
    )
    response = partner.get(reverse("reports:dashboard") + q(province))
    assert response.status_code == 200 and "/reports/households/" not in response.content.decode()
    # The figures are there; only the way to the households behind them is not.
    assert "The poverty rate is 1,67%" in page_text(response, within="headline")
