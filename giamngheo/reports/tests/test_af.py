import pytest
from django.urls import reverse

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.reports.selectors.af import CutoffOutOfRange, af_measures
from giamngheo.reports.tests.fixtures import build_reports_province
from giamngheo.reviews.models import ReviewRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return build_reports_province()


@pytest.fixture
def officer(province):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])


def test_af_measures_over_the_stored_deprivations(province, officer):
    # 13 households classified in 2025; one is deprived in 3 of 12 (nutrition, area, water).
    report = af_measures(actor=officer, unit=province["P"], year=2025, k=3)
    total = report.total
    assert total.population == 13
    assert pytest.approx(1 / 13) == total.H and pytest.approx(3 / 12) == total.A
    assert pytest.approx(1 / 52) == total.M0
    ids = [i for i, _ in report.indicators]
    contributions = dict(zip(ids, total.contributions, strict=True))
    assert contributions["nutrition"] == pytest.approx(1 / 3)
    assert contributions["employment"] == 0
    assert sum(total.contributions) == pytest.approx(1)


def test_af_decomposes_by_commune_and_area(province, officer):
    # k = 2: the two [nutrition, insurance] households join (H = 3/13, A = 7/36).
    report = af_measures(actor=officer, unit=province["P"], year=2025, k=2)
    assert pytest.approx(3 / 13) == report.total.H and pytest.approx(7 / 36) == report.total.A
    a, b = report.by_unit
    assert (a.label, a.population, a.H) == ("Xã A", 11, pytest.approx(3 / 11))
    assert (b.population, b.H) == (2, 0)
    weighted = sum(r.population * r.M0 for r in report.by_unit) / report.total.population
    assert weighted == pytest.approx(report.total.M0)
    assert [r.population for r in report.by_area] == [13]


def test_af_page_shows_the_measures(province, client, officer):
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    url = reverse("reports:af") + f"?unit={province['P'].pk}&year=2025&k=3"
    html = client.get(url).content.decode()
    assert "7,69" in html  # H = 1/13 = 7.69 %
    persons = client.get(url + "&level=persons")
    assert persons.status_code == 200 and "Person level" in persons.content.decode()


def test_af_cutoff_defaults_to_decree_07_2021_art_3_2_three_of_twelve(province, officer):
    report = af_measures(actor=officer, unit=province["P"], year=2025)
    assert (report.k, len(report.indicators)) == (3, 12)
    assert report.parameters.article == "Decree 07/2021/NĐ-CP, Art. 3(2)(a)–(b)"
    assert report.total.H == af_measures(actor=officer, unit=province["P"], year=2025, k=3).total.H


def test_af_of_vn_2016_rounds_weighs_decision_59_2015_art_2_ten_indicators(province, officer):
    ReviewRound.objects.filter(year=2025).update(standard="vn-2016")
    report = af_measures(actor=officer, unit=province["P"], year=2025)
    assert (report.k, len(report.indicators)) == (3, 10)
    assert af_measures(actor=officer, unit=province["P"], year=2025, k=10).k == 10
    with pytest.raises(CutoffOutOfRange) as refused:
        af_measures(actor=officer, unit=province["P"], year=2025, k=11)
    assert refused.value.indicators == 10


def test_af_page_reads_k_and_the_indicator_count_from_the_standard(province, client, officer):
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    url = reverse("reports:af") + f"?unit={province['P'].pk}&year=2025"
    assert "at least 3 of 12 indicators" in client.get(url).content.decode()
    ReviewRound.objects.filter(year=2025).update(standard="vn-2016")
    assert "at least 3 of 10 indicators" in client.get(url).content.decode()
    for bad in ("11", "0", "x"):
        refused = client.get(url + f"&k={bad}")
        assert refused.status_code == 400
        assert "from 1 to 10" in refused.content.decode()
