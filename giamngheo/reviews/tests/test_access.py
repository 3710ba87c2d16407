import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from giamngheo.reviews.tests.conftest import POOR, make_household
from giamngheo.reviews.tests.helpers import run_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_a(people, province, households_a):
    return run_round(
        people["commune_a_officer"],
        people["commune_a_chairman"],
        province["A"],
        2025,
        {households_a[0]: POOR},
    )


def test_commune_officer_cannot_read_or_write_another_communes_round(
    client, people, approved_a, households_a
):
    r = approved_a
    a = r.assessments.get()
    attachment = r.attachments.get()
    client.force_login(people["commune_b_officer"])
    gets = [
        reverse("reviews:round_detail", args=[r.pk]),
        reverse("reviews:posting_pdf", args=[r.pk]),
        reverse("reviews:posting_xlsx", args=[r.pk]),
        reverse("reviews:certificates_pdf", args=[r.pk]),
        reverse("reviews:decision_pdf", args=[r.pk]),
        reverse("reviews:import_template", args=[r.pk]),
        reverse("reviews:import_answers", args=[r.pk]),
        reverse("reviews:attachment_download", args=[r.pk, attachment.pk]),
        reverse("reviews:assessment_detail", args=[a.pk]),
        reverse("reviews:assessment_screening", args=[a.pk]),
        reverse("reviews:assessment_section", args=[a.pk, "general"]),
        reverse("reviews:household_classification", args=[households_a[0].pk]),
        reverse("reviews:change_request_create", args=[households_a[0].pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("reviews:round_advance", args=[r.pk]),
        reverse("reviews:round_meeting", args=[r.pk]),
        reverse("reviews:round_list_households", args=[r.pk]),
        reverse("reviews:attachment_upload", args=[r.pk]),
        reverse("reviews:complaint_create", args=[r.pk]),
        reverse("reviews:assessment_section", args=[a.pk, "general"]),
    ]
    for url in posts:
        assert client.post(url, {"income_per_capita_month": "1"}).status_code == 404, url
    # An officer never approves: the role is refused before the round is looked up.
    assert client.post(reverse("reviews:round_approve", args=[r.pk])).status_code == 403
    upload = SimpleUploadedFile("x.csv", b"household_code\n" + households_a[0].code.encode())
    assert (
        client.post(reverse("reviews:import_answers", args=[r.pk]), {"file": upload}).status_code
        == 404
    )
    assert r.get_absolute_url() not in client.get(reverse("reviews:round_list")).content.decode()


def test_province_officer_reads_every_commune_but_cannot_approve(client, people, approved_a):
    client.force_login(people["province_officer"])
    assert client.get(approved_a.get_absolute_url()).status_code == 200
    assert (
        approved_a.get_absolute_url() in client.get(reverse("reviews:round_list")).content.decode()
    )


def test_import_refuses_households_of_another_commune(client, people, province, households_a):
    from giamngheo.reviews import services
    from giamngheo.reviews.models import RoundType
    from giamngheo.reviews.tests.conftest import on_day

    b_household = make_household(province["B1"], "31-11002-000001", "Phạm Văn Dũng")
    officer = people["commune_b_officer"]
    with on_day(dt.date(2025, 10, 1)):
        r = services.round_create(
            actor=officer,
            unit=province["B"],
            round_type=RoundType.PERIODIC,
            review_date=dt.date(2025, 10, 1),
        )
        services.round_list_households(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
        services.assessment_screen(actor=officer, assessment=r.assessments.get(), markers=[])
        services.round_advance(actor=officer, review_round=r)
        client.force_login(officer)
        csv = (
            "household_code,income_per_capita_month\n"
            f"{households_a[0].code},1000000\n{b_household.code},1000000\n"
        )
        upload = SimpleUploadedFile("answers.csv", csv.encode())
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("reviews:import_answers", args=[r.pk]), {"file": upload})
        page = client.get(response.url)
    text = page.content.decode()
    assert page.status_code == 200
    assert households_a[0].code in text and "not listed in this round" in text
    assert r.assessments.get().sections_done == []
