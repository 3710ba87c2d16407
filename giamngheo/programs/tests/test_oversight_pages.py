import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from giamngheo.programs.models import (
    Commendation,
    Conference,
    Inspection,
    ProgramReview,
    Recommendation,
)
from giamngheo.tests.pages import assert_not_found, assert_refused, page_text

pytestmark = pytest.mark.django_db


def test_inspection_is_planned_recorded_and_given_a_recommendation(
    client, units, former_program, former_orgs, province_officer
):
    client.force_login(province_officer)
    response = client.post(
        reverse("programs:inspection_create"),
        {
            "kind": "supervision",
            "title": "Giám sát nhà Đại đoàn kết",
            "unit": units["FA"].pk,
            "planned_on": "2024-09-10",
            "program": former_program.pk,
            "lead_organisation": former_orgs[1].pk,
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    response = client.post(
        reverse("programs:inspection_result", args=[inspection.pk]),
        {"conducted_on": "2024-09-12", "findings": "Hai nhà chậm tiến độ"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("programs:recommendation_create", args=[inspection.pk]),
        {"text": "Hoàn thành nhà", "responsible": former_orgs[0].pk, "deadline": "2024-08-01"},
    )
    assert response.status_code == 200  # deadline before the inspection
    assert "deadline" in response.context["form"].errors
    client.post(
        reverse("programs:recommendation_create", args=[inspection.pk]),
        {"text": "Hoàn thành nhà", "responsible": former_orgs[0].pk, "deadline": "2024-12-31"},
    )
    assert Recommendation.objects.get().deadline == dt.date(2024, 12, 31)
    assert 'class="overdue"' in client.get(reverse("programs:inspections")).content.decode()


def test_partner_officer_plans_only_inspections_their_organisation_leads(
    client, units, former_orgs, front_officer
):
    client.force_login(front_officer)
    title = "Kiểm tra hộ nghèo xã FA"
    data = {
        "kind": "inspection",
        "title": title,
        "unit": units["FA"].pk,
        "planned_on": "2024-09-10",
    }
    response = client.post(
        reverse("programs:inspection_create"), {**data, "lead_organisation": former_orgs[0].pk}
    )
    assert response.status_code == 200 and "lead_organisation" in response.context["form"].errors
    error = response.context["form"].errors["lead_organisation"][0]
    assert error in page_text(response) and not Inspection.objects.exists()
    response = client.post(
        reverse("programs:inspection_create"), {**data, "lead_organisation": former_orgs[1].pk}
    )
    assert response.status_code == 302 and response["Location"] == reverse("programs:inspections")
    assert Inspection.objects.get().lead_organisation == former_orgs[1]
    listing = page_text(client.get(response["Location"]))
    assert "Đã lập kế hoạch kiểm tra, giám sát." in listing and title in listing


def test_other_province_cannot_open_the_inspection(
    client, units, province_officer, other_province_officer
):
    from giamngheo.programs.services import inspection_plan

    title = "Giám sát nhà Đại đoàn kết xã A"
    inspection = inspection_plan(
        actor=province_officer, title=title, unit=units["A"], planned_on=dt.date(2025, 8, 1)
    )
    client.force_login(other_province_officer)
    response = client.get(reverse("programs:inspection_result", args=[inspection.pk]))
    assert_not_found(response, title)
    assert 'name="findings"' not in response.content.decode()
    assert title not in page_text(client.get(reverse("programs:inspections")))


def test_review_commendation_and_conference_are_recorded_through_pages(
    client, former_program, former_orgs, province_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(province_officer)
    pk = former_program.pk
    assert (
        client.post(
            reverse("programs:review_create", args=[pk]),
            {
                "kind": "final",
                "held_on": "2025-12-20",
                "period_label": "2021–2025",
                "report": SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.5\n%%EOF"),
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("programs:commendation_create", args=[pk]),
            {
                "decision_number": "20/QĐ-UBND",
                "decided_on": "2025-12-20",
                "award_form": "certificate",
                "recipient_organisation": former_orgs[1].pk,
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("programs:conference_create", args=[pk]),
            {
                "kind": "seminar",
                "title": "Hội thảo",
                "held_on": "2025-06-01",
                "participant_count": "60",
            },
        ).status_code
        == 302
    )
    assert ProgramReview.objects.get().report.name.endswith(".pdf")
    assert Commendation.objects.count() == 1 and Conference.objects.count() == 1


def test_commendation_without_recipient_and_review_with_a_fake_pdf_are_form_errors(
    client, former_program, province_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(province_officer)
    response = client.post(
        reverse("programs:commendation_create", args=[former_program.pk]),
        {"decision_number": "1", "decided_on": "2025-01-01", "award_form": "medal"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        reverse("programs:review_create", args=[former_program.pk]),
        {"kind": "final", "held_on": "2025-12-20", "report": SimpleUploadedFile("r.pdf", b"nope")},
    )
    assert response.status_code == 200 and "report" in response.context["form"].errors
    assert not Commendation.objects.exists() and not ProgramReview.objects.exists()


def test_auditor_cannot_record_reviews(client, units, former_program):
    from giamngheo.accounts.models import Role
    from giamngheo.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.AUDITOR, unit=units["P"]))
    review = client.get(reverse("programs:review_create", args=[former_program.pk]))
    assert_refused(review, 403)
    assert 'name="held_on"' not in review.content.decode()
    inspection = client.get(reverse("programs:inspection_create"))
    assert_refused(inspection, 403)
    assert 'name="planned_on"' not in inspection.content.decode()
    # Reading stays open to the auditor: the program page does not offer the refused forms.
    page = client.get(former_program.get_absolute_url())
    assert page.status_code == 200 and former_program.title in page_text(page)
    assert reverse("programs:review_create", args=[former_program.pk]) not in page.content.decode()
