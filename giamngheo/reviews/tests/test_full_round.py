"""A commune's annual review, step by step, through the pages."""

import datetime as dt

import pytest
from django.urls import reverse

from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews import documents, services
from giamngheo.reviews.models import Complaint, Flow, ReviewRound, RoundStatus
from giamngheo.reviews.screening import MARKER_CODES
from giamngheo.reviews.selectors import flow_identity
from giamngheo.reviews.tests.conftest import ADULT, POOR, on_day, pdf_file
from giamngheo.reviews.tests.pdftext import pdf_text, xlsx_text

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Two deprivations only (housing): near-poor until the re-check finds the water unsafe.
NEAR_THEN_POOR = {
    **POOR,
    "water": {"domestic_water": "safe", "hygienic_latrine": True, "waste_treated": True},
}


def _form(section: str, answers: dict) -> dict:
    data = {}
    for key, value in answers.items():
        if isinstance(value, bool):
            data[key] = "true" if value else "false"
        elif value is None:
            data[key] = ""
        else:
            data[key] = value
    return data


def _fill(client, assessment, answers):
    for section, values in answers.items():
        url = reverse("reviews:assessment_section", args=[assessment.pk, section])
        response = client.post(url, _form(section, values))
        assert response.status_code == 302, response.content.decode()[:2000]
    for member in assessment.members:
        url = reverse(
            "reviews:assessment_section", args=[assessment.pk, f"member-{member['member_id']}"]
        )
        response = client.post(url, _form("member", dict(ADULT, relation=member["relation"])))
        assert response.status_code == 302


def test_a_commune_walks_through_a_full_annual_round(client, people, province, households_a):
    officer, chairman = people["commune_a_officer"], people["commune_a_chairman"]
    h1, h2, h3 = households_a
    services.baseline_create(
        actor=people["province_officer"],
        unit=province["A"],
        year=2024,
        decision_number="15/QĐ-UBND",
        decision_date=dt.date(2024, 12, 20),
        entries=[(h1.code, "nghèo"), (h2.code, "cận nghèo"), (h3.code, "nghèo")],
    )
    client.force_login(officer)

    with on_day(dt.date(2025, 10, 1)):  # Wednesday
        response = client.post(
            reverse("reviews:round_create"),
            {"unit": province["A"].pk, "round_type": "periodic", "review_date": "2025-10-01"},
        )
        r = ReviewRound.objects.get()
        assert response.url == r.get_absolute_url()
        assert r.standard == "vn-2022" and r.step_deadline == dt.date(2025, 12, 14)
        detail = reverse("reviews:round_detail", args=[r.pk])
        advance = reverse("reviews:round_advance", args=[r.pk])

        # Skipping is refused with a message, not an error page.
        response = client.post(advance, {"target": "survey"}, follow=True)
        assert (
            "cannot be skipped" in response.content.decode()
            or "không thể bỏ qua" in response.content.decode()
        )
        client.post(reverse("reviews:round_list_households", args=[r.pk]))
        assert r.assessments.count() == 3
        client.post(advance, {"reason": "Đã lập danh sách"})
        a1, a2, a3 = r.assessments.order_by("household__code")
        for a, markers in ((a1, []), (a2, []), (a3, list(MARKER_CODES[:4]))):
            url = reverse("reviews:assessment_screening", args=[a.pk])
            assert client.post(url, {"markers": markers}).status_code == 302
        client.post(advance)
        r.refresh_from_db()
        assert r.status == RoundStatus.SURVEY

        # Validation as you type: the bad field reports itself; nothing is saved.
        url = reverse("reviews:assessment_section", args=[a1.pk, "general"])
        response = client.post(
            url + "?validate=1", {"income_per_capita_month": "-5"}, HTTP_HX_REQUEST="true"
        )
        assert 'id="err-income_per_capita_month"' in response.content.decode()
        assert "0" in response.content.decode()
        a1.refresh_from_db()
        assert "general" not in a1.sections_done

        _fill(client, a1, POOR)
        _fill(client, a2, NEAR_THEN_POOR)
    for a in (a1, a2, a3):
        a.refresh_from_db()
    assert (a1.poverty_class, a2.poverty_class, a3.poverty_class) == (
        "poor",
        "near_poor",
        "not_poor",
    )
    assert a1.engine_version and a1.explanation

    with on_day(dt.date(2025, 10, 6)):  # Monday: meeting, then posting Mon–Wed
        client.post(advance)
        client.post(
            reverse("reviews:attachment_upload", args=[r.pk]),
            {"kind": "minutes", "title": "Biên bản họp dân", "file": pdf_file()},
        )
        client.post(
            reverse("reviews:round_meeting", args=[r.pk]),
            {"held_on": "2025-10-06", "attendees": 40, "agreed": 31},
        )
        client.post(advance, {"reason": "Họp dân thống nhất 31/40"})
        r.refresh_from_db()
        assert r.status == RoundStatus.POSTING
        assert (r.posting_started_on, r.posting_ends_on) == (
            dt.date(2025, 10, 6),
            dt.date(2025, 10, 8),
        )
        assert (
            client.get(reverse("reviews:posting_pdf", args=[r.pk]))["Content-Type"]
            == "application/pdf"
        )
        xlsx = client.get(reverse("reviews:posting_xlsx", args=[r.pk])).content
        printed = pdf_text(documents.posting_html(r, r.posting_started_on)) + xlsx_text(xlsx)
        assert "Nguyễn Văn An" in printed and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in printed
        assert "Độc lập - Tự do - Hạnh phúc" in printed and "ngày 06 tháng 10 năm 2025" in printed
        for secret in ("031080000111", "031080000222", "1200000", "1.200.000", "1,200,000"):
            assert secret not in printed

    with on_day(dt.date(2025, 10, 7)):
        response = client.post(
            reverse("reviews:complaint_create", args=[r.pk]),
            {
                "household": h2.pk,
                "received_on": "2025-10-07",
                "complainant": "Trần Thị Bình",
                "content": "Nhà dùng nước giếng không hợp vệ sinh",
            },
        )
        assert response.status_code == 302
        complaint = Complaint.objects.get()
        assert complaint.recheck_due == dt.date(2025, 10, 16)
        client.post(advance)
        r.refresh_from_db()
        assert r.status == RoundStatus.POSTING  # the posting lasts 3 working days

    with on_day(dt.date(2025, 10, 8)):
        url = reverse("reviews:complaint_recheck", args=[complaint.pk]) + "?section=water"
        response = client.post(
            url,
            {
                "domestic_water": "unsafe",
                "hygienic_latrine": "false",
                "waste_treated": "true",
                "resolution": "Phúc tra: nước không an toàn, không có nhà tiêu hợp vệ sinh",
            },
        )
        assert response.status_code == 302
    complaint.refresh_from_db()
    a2.refresh_from_db()
    assert (complaint.class_before, complaint.class_after) == ("near_poor", "poor")
    assert a2.poverty_class == PovertyClass.POOR
    assert complaint.reposting_ends_on == dt.date(2025, 10, 13)
    assert a2.history.count() > 1  # audited

    with on_day(dt.date(2025, 10, 9)):
        client.post(advance)
        client.post(advance)
        r.refresh_from_db()
        assert r.status == RoundStatus.COMPLAINTS  # re-posting runs to 13/10
    with on_day(dt.date(2025, 10, 14)):
        client.post(advance)
        r.refresh_from_db()
        assert r.status == RoundStatus.APPROVAL
        approve = reverse("reviews:round_approve", args=[r.pk])
        assert (
            client.post(
                approve, {"decision_number": "1/QĐ", "decision_date": "2025-10-14"}
            ).status_code
            == 403
        )
        client.force_login(chairman)
        page = client.get(detail).content.decode()
        assert approve in page
        client.post(approve, {"decision_number": "245/QĐ-UBND", "decision_date": "2025-10-14"})
    r.refresh_from_db()
    assert r.status == RoundStatus.APPROVED and r.approved_by == chairman and r.is_locked
    assert [t.to_status for t in r.transitions.all()][-1] == "approved"

    flows = {o.household_id: o.flow for o in r.outcomes.all()}
    assert flows == {
        h1.pk: Flow.STAYED_POOR,
        h2.pk: Flow.NEAR_POOR_TO_POOR,
        h3.pk: Flow.ESCAPED_ABOVE_NEAR_POOR,
    }
    identity = flow_identity(r)
    assert identity["poor"]["holds"] and identity["near_poor"]["holds"]
    assert (identity["poor"]["start"], identity["poor"]["end"]) == (2, 2)

    # Locked: no edit buttons, the services refuse.
    client.force_login(officer)
    page = client.get(
        reverse("reviews:assessment_section", args=[a1.pk, "general"])
    ).content.decode()
    assert 'type="submit"' not in page.split('class="stacked section-form"')[1]
    response = client.post(
        reverse("reviews:assessment_section", args=[a1.pk, "general"]),
        {"income_per_capita_month": "9000000", "nlnn": "false"},
        follow=True,
    )
    a1.refresh_from_db()
    assert a1.income_per_capita_month == 1_200_000 and response.status_code == 200
    assert (
        reverse("reviews:round_advance", args=[r.pk]) in client.get(detail).content.decode()
    )  # only "reported"
    # Reporting to the province needs the commune's resident households (the rates' denominator).
    client.post(reverse("reviews:round_advance", args=[r.pk]))
    r.refresh_from_db()
    assert r.status == RoundStatus.APPROVED
    client.post(
        reverse("reviews:resident_count", args=[r.pk]), {"households": 1250, "persons": 4300}
    )
    page = client.get(detail).content.decode()
    assert "0,16%" in page or "0.16%" in page  # 2 poor of 1,250 households
    client.post(reverse("reviews:round_advance", args=[r.pk]), {"reason": "Báo cáo Sở"})
    r.refresh_from_db()
    assert r.status == RoundStatus.REPORTED and r.is_locked
    certificates = client.get(reverse("reviews:certificates_pdf", args=[r.pk]))
    assert certificates["Content-Type"] == "application/pdf"
    text = pdf_text(documents.certificates_html(r, r.decision_date))
    assert "GIẤY CHỨNG NHẬN HỘ NGHÈO" in text and "Mẫu số 03" in text and "Năm 2026" in text
    assert "031080000111" not in text and "245/QĐ-UBND" in text
