import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from giamngheo.reviews import services
from giamngheo.reviews.models import ChangeRequest, RoundStatus, RoundType
from giamngheo.reviews.tests.conftest import NEAR_POOR, POOR, on_day
from giamngheo.reviews.tests.helpers import run_round

pytestmark = pytest.mark.django_db


def test_round_list_shows_deadline_and_flags_overdue_rounds(client, people, province):
    with on_day(dt.date(2025, 10, 1)):
        r = services.round_create(
            actor=people["commune_a_officer"],
            unit=province["A"],
            round_type=RoundType.PERIODIC,
            review_date=dt.date(2025, 10, 1),
        )
    client.force_login(people["commune_a_officer"])
    with on_day(dt.date(2025, 11, 1)):
        page = client.get(reverse("reviews:round_list")).content.decode()
    assert r.get_absolute_url() in page and "14/12/2025" in page
    assert "badge warn overdue" not in page
    with on_day(dt.date(2025, 12, 16)):
        page = client.get(reverse("reviews:round_list")).content.decode()
        assert 'class="badge warn overdue"' in page
        detail = client.get(r.get_absolute_url()).content.decode()
        assert 'class="badge warn overdue"' in detail


def test_form_sections_show_last_years_answers_beside_the_fields(
    client, people, province, households_a
):
    officer = people["commune_a_officer"]
    h = households_a[0]
    run_round(officer, people["commune_a_chairman"], province["A"], 2024, {h: POOR})
    with on_day(dt.date(2025, 10, 1)):
        r = services.round_create(
            actor=officer,
            unit=province["A"],
            round_type=RoundType.PERIODIC,
            review_date=dt.date(2025, 10, 1),
        )
        services.round_list_households(actor=officer, review_round=r)
        a = r.assessments.get(household=h)
        assert a.facts["income_per_capita_month"] == 1_200_000  # starts from last year
        assert a.sections_done == []  # but each section must be confirmed again
        client.force_login(officer)
        page = client.get(reverse("reviews:assessment_section", args=[a.pk, "general"]))
    text = page.content.decode()
    assert 'class="last-year"' in text and "1.200.000" in text
    assert 'inputmode="numeric"' in text and 'min="0"' in text
    assert 'hx-post="' in text and "validate=1" in text
    # The earlier round's assessment is a separate row, untouched.
    assert h.assessments.count() == 2


def test_classification_include_explains_why_with_the_article(people, province, households_a):
    officer = people["commune_a_officer"]
    h = households_a[0]
    run_round(officer, people["commune_a_chairman"], province["A"], 2025, {h: POOR})
    request = RequestFactory().get("/")
    request.user = officer
    include = Template('{% include "reviews/_classification.html" with household=household %}')
    with translation.override("vi"):
        html = include.render(Context({"household": h, "request": request}))
    assert "class-poor" in html
    assert "Nghị định số 07/2021/NĐ-CP" in html  # the article of the law, in Vietnamese
    assert "Nhà tiêu hợp vệ sinh" in html and "Thu nhập bình quân đầu người" in html
    english = include.render(Context({"household": h, "request": request}))
    assert "Income of 1,200,000 VND per person per month" in english
    request.user = people["commune_b_officer"]
    html = Template('{% include "reviews/_classification.html" with household=household %}').render(
        Context({"household": h, "request": request})
    )
    assert "class-poor" not in html


def test_after_approval_a_change_goes_through_a_change_request_and_an_ad_hoc_round(
    client, people, province, households_a
):
    officer = people["commune_a_officer"]
    h = households_a[0]
    approved = run_round(officer, people["commune_a_chairman"], province["A"], 2025, {h: NEAR_POOR})
    client.force_login(officer)
    url = reverse("reviews:change_request_create", args=[h.pk])
    with on_day(dt.date(2026, 3, 16)):
        assert client.post(url, {"reason": "Chủ hộ bị tai nạn"}).status_code == 200
        assert not ChangeRequest.objects.exists()
        evidence = SimpleUploadedFile(
            "giay-ra-vien.pdf", b"%PDF-1.4", content_type="application/pdf"
        )
        response = client.post(url, {"reason": "Chủ hộ bị tai nạn", "evidence": evidence})
    change = ChangeRequest.objects.get()
    assert response.url == change.ad_hoc_round.get_absolute_url()
    ad_hoc = change.ad_hoc_round
    assert ad_hoc.round_type == RoundType.AD_HOC and ad_hoc.status == RoundStatus.LISTING
    assert ad_hoc.assessments.get().household == h
    assert approved.assessments.get().poverty_class == "near_poor"  # unchanged


def test_bad_input_on_pages_never_gives_a_server_error(client, people, province):
    client.force_login(people["commune_a_officer"])
    with on_day(dt.date(2025, 10, 1)):
        assert client.post(reverse("reviews:round_create"), {"unit": "x"}).status_code == 200
        page = client.post(
            reverse("reviews:round_create"),
            {"unit": province["A"].pk, "round_type": "periodic", "review_date": "2025-02-30"},
        )
        assert page.status_code == 200
        page = client.post(
            reverse("reviews:round_create"),
            {"unit": province["A"].pk, "round_type": "periodic", "review_date": "2025-03-01"},
            follow=True,
        )
        assert page.status_code == 200 and "01/09/2025" in page.content.decode()
    assert client.get(reverse("reviews:round_detail", args=[999])).status_code == 404
    assert client.get(reverse("reviews:round_list") + "?year=abc&status=zzz").status_code == 200


def test_every_page_of_an_approved_round_renders_for_its_officer(
    client, people, province, households_a
):
    officer = people["commune_a_officer"]
    r = run_round(
        officer,
        people["commune_a_chairman"],
        province["A"],
        2025,
        {households_a[0]: POOR, households_a[1]: ["car", "pension", "business", "machinery"]},
    )
    client.force_login(officer)
    a = r.assessments.get(household=households_a[0])
    member = a.members[0]["member_id"]
    urls = [
        reverse("reviews:round_list"),
        reverse("reviews:round_create"),
        r.get_absolute_url(),
        reverse("reviews:assessment_detail", args=[a.pk]),
        reverse("reviews:assessment_screening", args=[a.pk]),
        reverse("reviews:assessment_section", args=[a.pk, "housing"]),
        reverse("reviews:assessment_section", args=[a.pk, f"member-{member}"]),
        reverse("reviews:household_classification", args=[households_a[0].pk]),
        reverse("reviews:household_classification", args=[households_a[1].pk]),
        reverse("reviews:import_answers", args=[r.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(r.get_absolute_url()).content.decode()
    assert reverse("reviews:certificates_pdf", args=[r.pk]) in page
    assert reverse("reviews:round_approve", args=[r.pk]) not in page
    assert client.get(reverse("reviews:assessment_section", args=[a.pk, "nope"])).status_code == 404
    screened = client.get(
        reverse("reviews:household_classification", args=[households_a[1].pk])
    ).content.decode()
    assert "Circular 07/2021/TT-BLĐTBXH, Annex II" in screened


def test_resident_counts_are_imported_all_or_nothing_within_the_area(client, people, province):
    from giamngheo.households.models import ResidentCount

    client.force_login(people["commune_a_officer"])
    url = reverse("reviews:resident_counts_import")
    bad = "unit_code,year,households,persons,source\n11001,2025,1.250,4300,Công an xã\n11002,2025,900,,\n11001,2024,abc,,\n"
    page = client.post(url, {"file": SimpleUploadedFile("t.csv", bad.encode())}).content.decode()
    assert "Row 3" in page and "Row 4" in page and "Row 2" not in page
    assert not ResidentCount.objects.exists()
    good = "unit_code,year,households,persons,source\n11001,2025,1.250,4300,Công an xã\n"
    assert client.post(url, {"file": SimpleUploadedFile("t.csv", good.encode())}).status_code == 302
    count = ResidentCount.objects.get()
    assert (count.unit, count.year, count.households, count.persons) == (
        province["A"],
        2025,
        1250,
        4300,
    )
