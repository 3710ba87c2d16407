import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from giamngheo.programs.models import Activity, ActivityStatus
from giamngheo.programs.services import IndicatorSpec, activity_create
from giamngheo.tests.pages import assert_refused, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(former_program, former_orgs, province_officer):
    return activity_create(
        actor=province_officer,
        content_area=former_program.content_areas.get(number=2),
        title="Vận động xây nhà",
        responsible=former_orgs[1],
        unit=former_program.unit,
        planned_start=dt.date(2024, 3, 1),
        planned_end=dt.date(2024, 11, 18),
        indicators=[IndicatorSpec("Hộ được hỗ trợ nhà ở", 120, "hộ")],
    )


def test_program_pages_show_the_former_province_program_in_vietnamese(
    client, former_program, province_officer, activity
):
    client.force_login(province_officer)
    listing = client.get(reverse("programs:list"))
    assert listing.status_code == 200
    assert former_program.title in listing.content.decode()
    page = client.get(former_program.get_absolute_url()).content.decode()
    assert "Vận động xây nhà" in page and "Sở LĐTBXH Tỉnh FP" in page
    assert 'lang="vi"' in page


def test_other_province_gets_404_for_the_program(client, former_program, other_province_officer):
    client.force_login(other_province_officer)
    assert client.get(former_program.get_absolute_url()).status_code == 404
    assert former_program.title not in client.get(reverse("programs:list")).content.decode()


def test_activity_is_planned_through_the_form(
    client, former_program, former_orgs, province_officer
):
    client.force_login(province_officer)
    url = reverse("programs:activity_create", args=[former_program.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "content_area": former_program.content_areas.get(number=3).pk,
            "title": "Mô hình nuôi bò",
            "responsible": former_orgs[0].pk,
            "cooperating": [former_orgs[1].pk],
            "unit": former_program.unit_id,
            "planned_start": "2024-04-01",
            "planned_end": "2024-12-31",
            "budget": "150000000",
            "indicators": "Hộ tham gia; 30; hộ\nHộ thoát nghèo; 10",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="Mô hình nuôi bò")
    assert [i.target for i in activity.indicators.all()] == [30, 10]


def test_activity_form_shows_errors_for_dates_outside_the_period(
    client, former_program, former_orgs, province_officer
):
    client.force_login(province_officer)
    response = client.post(
        reverse("programs:activity_create", args=[former_program.pk]),
        {
            "content_area": former_program.content_areas.get(number=3).pk,
            "title": "Quá hạn",
            "responsible": former_orgs[0].pk,
            "unit": former_program.unit_id,
            "planned_start": "2026-01-01",
            "planned_end": "2026-02-01",
            "budget": "0",
            "indicators": "Không có chỉ tiêu",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Activity.objects.exists()


def test_partner_officer_cannot_open_another_partys_report_form(
    client, activity, department_officer, front_officer
):
    url = reverse("programs:activity_report", args=[activity.pk])
    client.force_login(department_officer)
    refused = client.get(url)
    assert_refused(refused, 403)
    assert 'name="result_summary"' not in refused.content.decode()
    client.force_login(front_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert "Vận động xây nhà" in page_text(response, within="main")
    html = response.content.decode()
    assert 'name="result_summary"' in html
    assert f'name="indicator_{activity.indicators.get().pk}"' in html


def test_results_are_reported_with_evidence_through_the_form(
    client, activity, front_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(front_officer)
    indicator = activity.indicators.get()
    response = client.post(
        reverse("programs:activity_report", args=[activity.pk]),
        {
            "status": ActivityStatus.DONE,
            "result_summary": "Bàn giao 120 nhà",
            f"indicator_{indicator.pk}": "120",
            "evidence": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF"),
            "evidence_title": "Biên bản",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == activity.program.get_absolute_url()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE and activity.evidence.count() == 1
    assert activity.result_summary == "Bàn giao 120 nhà"
    assert activity.indicators.get().achieved == 120


def test_a_fake_pdf_as_evidence_is_an_error_not_a_crash(
    client, activity, front_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(front_officer)
    response = client.post(
        reverse("programs:activity_report", args=[activity.pk]),
        {"status": ActivityStatus.DONE, "evidence": SimpleUploadedFile("x.pdf", b"<html>")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert activity.evidence.count() == 0


def test_eleventh_area_is_named_on_its_page(client, former_program, province_officer):
    client.force_login(province_officer)
    url = reverse("programs:area_edit", args=[former_program.pk, 6])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"]["title"].value() == "Tổ chức hội nghị, hội thảo"
    assert "Tổ chức hội nghị, hội thảo" in response.content.decode()
    response = client.post(url, {"title": "Hội nghị", "category": ""})
    assert response.status_code == 302 and response["Location"] == former_program.get_absolute_url()
    area = former_program.content_areas.get(number=6)
    assert (area.title, area.category) == ("Hội nghị", None)
    program_page = page_text(client.get(response["Location"]))
    assert "Hội nghị" in program_page and "Tổ chức hội nghị, hội thảo" not in program_page


def test_plan_and_document_forms_report_bad_input_as_messages(
    client, former_program, province_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(province_officer)
    response = client.post(
        reverse("programs:plan_create", args=[former_program.pk]), {"year": "2030"}, follow=True
    )
    assert response.status_code == 200 and not former_program.plans.exists()
    response = client.post(
        reverse("programs:document_upload", args=[former_program.pk]),
        {"document": SimpleUploadedFile("a.pdf", b"not a pdf")},
        follow=True,
    )
    assert response.status_code == 200
    former_program.refresh_from_db()
    assert not former_program.signed_document


def test_inspections_page_flags_overdue_recommendations(
    client, units, former_program, former_orgs, province_officer
):
    from giamngheo.programs.services import inspection_plan, recommendation_add

    inspection = inspection_plan(
        actor=province_officer, title="Kiểm tra", unit=units["FA"], planned_on=dt.date(2024, 5, 1)
    )
    recommendation_add(
        actor=province_officer,
        inspection=inspection,
        text="Khắc phục",
        responsible=former_orgs[0],
        deadline=dt.date(2024, 6, 1),
    )
    client.force_login(province_officer)
    page = client.get(reverse("programs:inspections")).content.decode()
    assert "Khắc phục" in page and 'class="overdue"' in page


def test_auditor_reads_the_program_but_cannot_plan_or_report(
    client, units, former_program, activity
):
    from giamngheo.accounts.models import Role
    from giamngheo.accounts.tests.factories import UserFactory

    auditor = UserFactory(role=Role.AUDITOR, unit=units["P"])
    client.force_login(auditor)
    page = client.get(former_program.get_absolute_url()).content.decode()
    assert reverse("programs:activity_create", args=[former_program.pk]) not in page
    assert reverse("programs:activity_report", args=[activity.pk]) not in page
    assert (
        client.get(reverse("programs:activity_create", args=[former_program.pk])).status_code == 403
    )
    assert client.get(reverse("programs:activity_report", args=[activity.pk])).status_code == 403


def test_responsible_partner_records_follow_up_on_the_inspections_page(
    client, units, former_orgs, province_officer, department_officer, front_officer
):
    from giamngheo.programs.models import RecommendationStatus
    from giamngheo.programs.services import inspection_plan, recommendation_add

    inspection = inspection_plan(
        actor=province_officer, title="Kiểm tra", unit=units["FA"], planned_on=dt.date(2024, 5, 1)
    )
    recommendation = recommendation_add(
        actor=province_officer,
        inspection=inspection,
        text="Khắc phục",
        responsible=former_orgs[0],
        deadline=dt.date(2024, 6, 1),
    )
    url = reverse("programs:recommendation_follow_up", args=[recommendation.pk])
    client.force_login(front_officer)
    assert url not in client.get(reverse("programs:inspections")).content.decode()
    assert client.post(url, {"status": "done", "resolved_on": "2024-06-10"}).status_code == 403
    client.force_login(department_officer)
    assert url in client.get(reverse("programs:inspections")).content.decode()
    client.post(url, {"status": "done", "follow_up": "Xong"})  # no date: refused with a message
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.OPEN
    client.post(url, {"status": "done", "follow_up": "Xong", "resolved_on": "2024-06-10"})
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.DONE


def test_program_is_created_through_the_form(client, units, province_officer, settings, tmp_path):
    from giamngheo.programs.models import CoordinationProgram
    from giamngheo.programs.tests.factories import two_organisations

    settings.MEDIA_ROOT = tmp_path
    department, front = two_organisations(units["P"])
    client.force_login(province_officer)
    assert client.get(reverse("programs:create")).status_code == 200
    response = client.post(
        reverse("programs:create"),
        {
            "title": "Chương trình phối hợp 2026–2030",
            "signed_on": "2026-03-02",
            "start_year": "2026",
            "end_year": "2030",
            "unit": units["P"].pk,
            "parties": [department.pk, front.pk],
            "legal_bases": "05-CT/TW; 23/06/2021; Ban Bí thư\n24/2021/QH15",
            "content_areas": "Tuyên truyền\nVận động nguồn lực\n\nGiám sát",
            "signed_document": SimpleUploadedFile("ky.pdf", b"%PDF-1.7\n%%EOF"),
        },
    )
    program = CoordinationProgram.objects.get()
    assert response.status_code == 302 and response.url == program.get_absolute_url()
    assert [a.title for a in program.content_areas.all()] == [
        "Tuyên truyền",
        "Vận động nguồn lực",
        "Giám sát",
    ]
    assert program.legal_bases.first().issued_on == dt.date(2021, 6, 23)
    assert program.signed_document.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"parties": "single"}, "parties"),
        ({"end_year": "2020"}, "end_year"),
        ({"legal_bases": "05-CT/TW; 31/02/2021"}, "legal_bases"),
        ({"start_year": "năm"}, "start_year"),
    ],
)
def test_bad_program_input_is_shown_on_the_form(client, units, province_officer, change, field):
    from giamngheo.programs.models import CoordinationProgram
    from giamngheo.programs.tests.factories import two_organisations

    department, front = two_organisations(units["P"])
    data = {
        "title": "X",
        "signed_on": "2026-03-02",
        "start_year": "2026",
        "end_year": "2030",
        "unit": units["P"].pk,
        "parties": [department.pk, front.pk],
        "content_areas": "A",
    }
    data.update(change)
    if data["parties"] == "single":
        data["parties"] = [department.pk]
    client.force_login(province_officer)
    response = client.post(reverse("programs:create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not CoordinationProgram.objects.exists()


def test_village_head_cannot_open_the_new_program_form(client, units):
    from giamngheo.accounts.models import Role
    from giamngheo.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.VILLAGE_HEAD, unit=units["A1"]))
    response = client.get(reverse("programs:create"))
    assert_refused(response, 403)
    assert 'name="parties"' not in response.content.decode()
    programs = client.get(reverse("programs:list"))
    assert programs.status_code == 200
    assert reverse("programs:create") not in programs.content.decode()
