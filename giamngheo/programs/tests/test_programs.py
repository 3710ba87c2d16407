import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import OrganisationFactory, UserFactory
from giamngheo.programs.models import ContentCategory, CoordinationProgram
from giamngheo.programs.selectors import program_get, program_list
from giamngheo.programs.services import (
    PartySpec,
    content_area_add,
    content_area_update,
    plan_create,
    program_attach_document,
    program_create,
)
from giamngheo.programs.tests.factories import make_program, two_organisations

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_program_with_two_parties_and_six_content_areas_is_created(former_program):
    assert former_program.parties.count() == 2
    assert list(former_program.content_areas.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert former_program.content_areas.get(number=2).category.code == "resource-mobilisation"
    assert former_program.legal_bases.count() == 2
    assert former_program.period_label == "2021–2025"


def test_program_needs_two_different_organisations(units, province_officer):
    department, _front = two_organisations(units["P"])
    with pytest.raises(ValidationError) as error:
        program_create(
            actor=province_officer,
            title="Chương trình một bên",
            signed_on=dt.date(2024, 1, 5),
            start_year=2024,
            end_year=2025,
            unit=units["P"],
            parties=[PartySpec(department), PartySpec(department)],
        )
    assert "parties" in error.value.message_dict
    assert not CoordinationProgram.objects.exists()


def test_program_period_must_be_ordered(units, province_officer):
    department, front = two_organisations(units["P"])
    with pytest.raises(ValidationError) as error:
        program_create(
            actor=province_officer,
            title="Ngược năm",
            signed_on=dt.date(2024, 1, 5),
            start_year=2025,
            end_year=2021,
            unit=units["P"],
            parties=[PartySpec(department), PartySpec(front)],
        )
    assert "end_year" in error.value.message_dict
    assert not CoordinationProgram.objects.exists()


def test_database_refuses_a_reversed_period(units):
    with pytest.raises(IntegrityError):
        CoordinationProgram.objects.create(
            title="x",
            signed_on=dt.date(2024, 1, 1),
            start_year=2025,
            end_year=2020,
            unit=units["P"],
        )


def test_partner_officer_signs_only_programs_their_organisation_is_party_to(units):
    department, front = two_organisations(units["P"])
    stranger = UserFactory(
        role=Role.PARTNER_OFFICER,
        unit=units["P"],
        organisation=OrganisationFactory(unit=units["P"]),
    )
    member = UserFactory(role=Role.PARTNER_OFFICER, unit=units["P"], organisation=front)
    kwargs = dict(
        title="Phối hợp",
        signed_on=dt.date(2024, 3, 1),
        start_year=2024,
        end_year=2026,
        unit=units["P"],
        parties=[PartySpec(department), PartySpec(front)],
    )
    with pytest.raises(PermissionDenied):
        program_create(actor=stranger, **kwargs)
    assert program_create(actor=member, **kwargs).parties.count() == 2


def test_unnamed_content_area_can_be_named_later(units, province_officer):
    program = make_program(units["P"])
    area = content_area_add(actor=province_officer, program=program, title="", category=None)
    assert area.number == 7
    assert "(chưa đặt tên)" in str(area)  # Vietnamese by default
    category = ContentCategory.objects.get(code="social-insurance")
    content_area_update(
        actor=province_officer, area=area, title="Bảo hiểm xã hội", category=category
    )
    area.refresh_from_db()
    assert (area.title, area.category) == ("Bảo hiểm xã hội", category)


def test_admins_extend_the_category_list(db):
    ContentCategory.objects.create(code="digital-transformation", name="Chuyển đổi số")
    assert ContentCategory.objects.filter(code="propaganda").exists()
    assert ContentCategory.objects.count() >= 16


def test_annual_plan_year_lies_in_the_program_period(former_program, province_officer):
    assert plan_create(actor=province_officer, program=former_program, year=2024).year == 2024
    with pytest.raises(ValidationError) as error:
        plan_create(actor=province_officer, program=former_program, year=2027)
    assert "year" in error.value.message_dict


def test_signed_document_is_stored_under_a_generated_pdf_name(
    former_program, province_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("../../Quyết định ký.pdf", PDF, content_type="application/pdf")
    program_attach_document(actor=province_officer, program=former_program, document=upload)
    name = former_program.signed_document.name
    assert name.startswith("programs/") and name.endswith(".pdf")
    assert ".." not in name and "Quyết" not in name
    assert (tmp_path / name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("filename", "content"),
    [("scan.pdf", b"MZ\x90\x00 not a pdf"), ("scan.exe", PDF), ("scan.docx", b"PK\x03\x04")],
)
def test_signed_document_must_be_a_real_pdf(
    former_program, province_officer, filename, content, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        program_attach_document(
            actor=province_officer,
            program=former_program,
            document=SimpleUploadedFile(filename, content),
        )
    assert "signed_document" in error.value.message_dict
    former_program.refresh_from_db()
    assert not former_program.signed_document


def test_signed_document_has_a_size_limit(former_program, province_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError):
        program_attach_document(actor=province_officer, program=former_program, document=big)


def test_former_province_program_is_visible_to_todays_province_officer(
    former_program, province_officer
):
    assert list(program_list(actor=province_officer)) == [former_program]
    assert program_get(actor=province_officer, pk=former_program.pk) == former_program


def test_former_province_program_is_hidden_from_another_province(
    former_program, other_province_officer
):
    assert not program_list(actor=other_province_officer).exists()


def test_commune_officer_does_not_see_a_province_program(units, former_program):
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=units["B"])
    assert not program_list(actor=officer).exists()


def test_admin_refuses_a_program_with_a_single_party(admin_client, units):
    department, _front = two_organisations(units["P"])
    response = admin_client.post(
        "/admin/programs/coordinationprogram/add/",
        {
            "title": "Một bên",
            "signed_on": "2024-01-01",
            "start_year": "2024",
            "end_year": "2025",
            "unit": units["P"].pk,
            "parties-TOTAL_FORMS": "1",
            "parties-INITIAL_FORMS": "0",
            "parties-0-organisation": department.pk,
            "parties-0-position": "0",
            "legal_bases-TOTAL_FORMS": "0",
            "legal_bases-INITIAL_FORMS": "0",
            "content_areas-TOTAL_FORMS": "0",
            "content_areas-INITIAL_FORMS": "0",
            "plans-TOTAL_FORMS": "0",
            "plans-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    parties = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "parties"
    )
    assert parties.non_form_errors()
    assert not CoordinationProgram.objects.exists()
