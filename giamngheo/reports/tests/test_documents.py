import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.reports.exports import excel, forms, pdf
from giamngheo.reports.models import ProvinceSettings, Target
from giamngheo.reports.services import target_save
from giamngheo.reports.tests.fixtures import build_reports_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return build_reports_province()


@pytest.fixture
def officer(province):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])


def test_document_head_uses_the_provinces_settings(province, officer):
    ProvinceSettings.objects.create(
        unit=province["P"],
        parent_body="ỦY BAN NHÂN DÂN THÀNH PHỐ P",
        issuing_body="SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        symbol="BC-SNNMT",
        place_name="P",
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn Bình",
    )
    html = pdf.document_html(forms.build("1", officer, province["P"], 2025), province["P"])
    for text in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        "/BC-SNNMT",
        "Nơi nhận:",
        "KT. GIÁM ĐỐC",
        "Nguyễn Văn Bình",
        "Liberation Serif",
        "4=3/1*100",
    ):
        assert text in html, text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_pdf_text_carries_the_motto_title_and_totals(province, officer, tmp_path):
    table = forms.build("1", officer, province["P"], 2025)
    path = tmp_path / "bieu.pdf"
    path.write_bytes(pdf.pdf_bytes(table, province["P"]))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    assert "Độc lập - Tự do - Hạnh phúc" in text and "Biểu số 01" in text
    assert "1,67" in text and "Trang 1/1" in text


def test_flow_form_in_excel_has_households_and_persons_rows_that_add_up(province, officer):
    table = forms.build("2", officer, province["P"], 2025)
    ws = load_workbook(io.BytesIO(excel.workbook(table, province["P"]))).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    codes = next(r for r in rows if r[:3] == ["A", "B", "C"])
    assert codes[-1] == "9=1-2-3-4+5+6+7+8"
    a = next(r for r in rows if r[1] == "Xã A" and r[2] == "Hộ")
    v = a[3:]
    assert v == [5, 2, 1, 0, 1, 1, 1, 0, 5]
    assert v[8] == v[0] - v[1] - v[2] - v[3] + v[4] + v[5] + v[6] + v[7]
    assert any(r[1] == "Xã A" and r[2] == "Nhân khẩu" for r in rows)


def test_wide_forms_print_on_a3(province, officer):
    ws = load_workbook(
        io.BytesIO(excel.workbook(forms.build("4", officer, province["P"], 2025), province["P"]))
    ).active
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A3)
    assert ws.page_setup.orientation == "landscape"


def test_targets_are_entered_through_the_form(province, client):
    user = UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])
    client.force_login(user)
    url = reverse("reports:target_new")
    data = {
        "unit": province["A"].pk,
        "year": 2025,
        "measure": "poor_rate_reduction",
        "value": "1.5",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.unit, target.value, target.created_by) == (province["A"], 1.5, user)
    bad = client.post(url, {**data, "unit": province["C"].pk, "value": "-1"})
    assert bad.status_code == 200 and Target.objects.count() == 1


def test_commune_officer_cannot_enter_a_target_for_another_commune(province, client):
    client.force_login(UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"]))
    data = {"unit": province["B"].pk, "year": 2025, "measure": "poor_rate_reduction", "value": "1"}
    response = client.post(reverse("reports:target_new"), data)
    assert response.status_code == 403 and not Target.objects.exists()


def test_commune_officer_cannot_rewrite_the_provinces_target_for_their_commune(province, client):
    setter = UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])
    target = target_save(
        actor=setter,
        unit=province["A"],
        year=2025,
        measure="poor_rate_reduction",
        value=Decimal("1.5"),
    )
    client.force_login(UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"]))
    data = {"unit": province["A"].pk, "year": 2025, "measure": "poor_rate_reduction", "value": "0"}
    assert client.post(reverse("reports:target_edit", args=[target.pk]), data).status_code == 403
    assert client.post(reverse("reports:target_new"), data).status_code == 403
    target.refresh_from_db()
    assert target.value == Decimal("1.5") and Target.objects.count() == 1
    assert client.get(reverse("reports:targets"), {"unit": province["A"].pk}).status_code == 200


def test_a_province_officer_attached_to_a_commune_cannot_set_its_target(province):
    misplaced = UserFactory(role=Role.PROVINCE_OFFICER, unit=province["A"])
    with pytest.raises(PermissionDenied):
        target_save(
            actor=misplaced,
            unit=province["A"],
            year=2025,
            measure="poor_rate_reduction",
            value=Decimal("0"),
        )


def test_province_form_1_has_urban_and_rural_blocks(province, officer):
    table = forms.build("1", officer, province["P"], 2025)
    assert [(r.stt, r.label) for r in table.rows] == [
        ("", "Tổng cộng"),
        ("I", "Khu vực thành thị"),
        ("1", "Phường B"),
        ("II", "Khu vực nông thôn"),
        ("1", "Xã A"),
    ]
    rural = table.rows[3]
    assert [c.value for c in rural.cells[:4]] == [200, 700, 4, Decimal("2.00")]
