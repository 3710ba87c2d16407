import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from giamngheo.accounts.models import Role
from giamngheo.accounts.scoping import unit_manager
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.geo.services import village_template, villages_import
from giamngheo.geo.services.villages import COLUMNS, villages_create
from giamngheo.geo.tests.factories import (
    CAM_THUONG,
    HONG_BANG,
    NAM_SACH,
    current_unit,
    former_unit,
    user_in,
)

HEADER = "commune_code,village_code,name,division_type,valid_from\n"


def csv_file(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode("utf-8")


def xlsx_file(*rows: list) -> bytes:
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def villages() -> AdminUnit:
    return AdminUnit.objects.filter(level=Level.VILLAGE)


def test_csv_import_creates_villages_under_todays_commune(units):
    report = villages_import(
        actor=None,
        file=csv_file(f"{NAM_SACH},01,Thôn Đông,thôn,", f"{NAM_SACH},02,Thôn Tây,,2025-07-01"),
        filename="nam-sach.csv",
    )
    assert (report.ok, report.created, report.unchanged) == (True, 2, 0)
    commune = current_unit(Level.COMMUNE, NAM_SACH)
    east = AdminUnit.objects.get(level=Level.VILLAGE, code=f"{NAM_SACH}-01")
    assert (east.name, east.division_type, east.parent) == ("Thôn Đông", "thôn", commune)
    assert east.path == f"{commune.path}{east.pk}/"
    assert east.valid_from is None and east.is_current
    west = AdminUnit.objects.get(level=Level.VILLAGE, code=f"{NAM_SACH}-02")
    assert west.division_type == "thôn"  # empty type: a xã's villages are thôn
    assert str(west.valid_from) == "2025-07-01"
    assert east.source == "villages import nam-sach.csv"


def test_xlsx_import_restores_the_leading_zeros_excel_drops(units):
    report = villages_import(
        actor=None,
        file=xlsx_file(
            [4, 1, "Tổ dân phố 1", None, None], [4, "1a", "Tổ dân phố 1A", "tổ dân phố"]
        ),
        filename="ba-dinh.xlsx",
    )
    assert report.ok, report.errors
    assert set(villages().values_list("code", "name", "division_type")) == {
        ("00004-1", "Tổ dân phố 1", "tổ dân phố"),
        ("00004-1a", "Tổ dân phố 1A", "tổ dân phố"),
    }
    assert villages().first().parent == current_unit(Level.COMMUNE, "00004")


def test_importing_the_same_file_again_changes_nothing(units):
    content = csv_file(f"{HONG_BANG},01,Tổ dân phố 1,tổ dân phố,", f"{HONG_BANG},02,Tổ dân phố 2,,")
    villages_import(actor=None, file=content)
    before = list(villages().values("pk", "name", "path"))
    report = villages_import(actor=None, file=content)
    assert (report.ok, report.created, report.unchanged) == (True, 0, 2)
    assert list(villages().values("pk", "name", "path")) == before


def test_every_bad_row_is_reported_and_nothing_is_written(units):
    report = villages_import(
        actor=None,
        file=csv_file(
            f"{NAM_SACH},01,Thôn Đông,thôn,",  # valid, but the file as a whole is refused
            "99999,01,Thôn Bắc,thôn,",
            f"{CAM_THUONG},01,Khu 1,khu phố,",
            f"{NAM_SACH},01,Thôn Đông Hai,thôn,",
            f"{NAM_SACH},03,,thôn,",
            f"{NAM_SACH},04,Thôn Nam,thôn,31/02/2025",
            f"{NAM_SACH},a b,Thôn Trung,thôn,",
        ),
    )
    assert not report.ok
    assert [(e.row, e.field) for e in report.errors] == [
        (3, "commune_code"),
        (4, "commune_code"),
        (5, "village_code"),
        (6, "name"),
        (7, "valid_from"),
        (8, "village_code"),
    ]
    messages = {e.row: e.message for e in report.errors}
    assert "99999" in messages[3]
    assert "ceased to exist" in messages[4]
    successor = former_unit(Level.COMMUNE, CAM_THUONG).successions.get().successor
    assert f"({AdminUnit.objects.get(code=CAM_THUONG).name})" in messages[4]
    assert f"{successor.code} {successor.name}" in messages[4]
    assert "row 2" in messages[5]
    assert "2025-07-01" not in messages[7]
    assert report.created == 0
    assert not villages().exists()


def test_a_village_present_under_another_name_is_refused_not_renamed(units):
    villages_import(actor=None, file=csv_file(f"{NAM_SACH},01,Thôn Đông,thôn,"))
    report = villages_import(
        actor=None,
        file=csv_file(f"{NAM_SACH},01,Thôn Đông Mới,thôn,", f"{NAM_SACH},02,Thôn Tây,thôn,"),
    )
    assert [(e.row, e.field) for e in report.errors] == [(2, "name")]
    assert "Thôn Đông" in report.errors[0].message
    assert list(villages().values_list("name", flat=True)) == ["Thôn Đông"]


def test_a_file_without_the_required_columns_is_refused(units):
    report = villages_import(actor=None, file=b"commune,name\n10606,Thon Dong\n")
    assert [(e.row, e.field) for e in report.errors] == [
        (1, "commune_code, village_code, division_type")
    ]
    assert "commune_code, village_code, name, division_type, valid_from" in report.errors[0].message


def test_a_file_that_is_neither_xlsx_nor_utf8_csv_is_refused(units):
    report = villages_import(actor=None, file="Thôn".encode("cp1258") + b"\xff\xfe")
    assert [(e.row, e.field) for e in report.errors] == [(1, "file")]


def test_an_officer_imports_only_within_their_unit(units):
    officer = user_in(current_unit(Level.COMMUNE, NAM_SACH), role=Role.COMMUNE_OFFICER)
    report = villages_import(
        actor=officer,
        may_manage=unit_manager(officer),
        file=csv_file(f"{NAM_SACH},01,Thôn Đông,thôn,", f"{HONG_BANG},01,Tổ dân phố 1,tổ dân phố,"),
    )
    assert [(e.row, e.field) for e in report.errors] == [(3, "commune_code")]
    report = villages_import(
        actor=officer,
        may_manage=unit_manager(officer),
        file=csv_file(f"{NAM_SACH},01,Thôn Đông,thôn,"),
    )
    assert report.created == 1


def test_the_template_has_the_columns_and_an_example_that_imports(units):
    content = village_template()
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 2
    report = villages_import(actor=None, file=content, filename="villages.xlsx")
    assert (report.ok, report.created) == (True, 1)
    assert villages().get().parent == current_unit(Level.COMMUNE, HONG_BANG)


def test_import_villages_command(units, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file(f"{NAM_SACH},01,Thôn Đông,thôn,"))
    out = StringIO()
    call_command("import_villages", str(good), stdout=out)
    assert "1" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file("99999,01,Thôn Bắc,thôn,"))
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_villages", str(bad), stderr=err)
    assert "Row 2, commune_code" in err.getvalue()
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_villages", str(good), "--user", "nobody")


def test_admin_upload_imports_villages(units, admin_client):
    url = reverse("admin:geo_adminunit_import_villages")
    assert admin_client.get(url).status_code == 200
    upload = io.BytesIO(csv_file(f"{NAM_SACH},01,Thôn Đông,thôn,"))
    upload.name = "villages.csv"
    response = admin_client.post(url, {"file": upload})
    assert response.status_code == 302
    assert villages().get().name == "Thôn Đông"
    template = admin_client.get(reverse("admin:geo_adminunit_village_template"))
    assert template.content.startswith(b"PK")
    changelist = admin_client.get(
        reverse("admin:geo_adminunit_changelist") + "?current=no&q=Hải Dương"
    )
    assert changelist.status_code == 200


def test_admin_upload_shows_every_error(units, admin_client):
    upload = io.BytesIO(csv_file("99999,01,Thôn Bắc,thôn,", f"{NAM_SACH},02,,thôn,"))
    upload.name = "villages.csv"
    response = admin_client.post(reverse("admin:geo_adminunit_import_villages"), {"file": upload})
    assert response.status_code == 200
    assert response.content.decode().count("<tr><td>") == 2
    assert not villages().exists()


def test_moving_a_unit_in_the_admin_moves_its_subtree(units, admin_client):
    commune = current_unit(Level.COMMUNE, NAM_SACH)
    village = AdminUnit(
        code=f"{commune.code}-01",
        name="Thôn Đông",
        division_type="thôn",
        level=Level.VILLAGE,
        parent=commune,
    )
    villages_create(units=[village], source="test")
    province = current_unit(Level.PROVINCE, "01")
    data = {
        "code": commune.code,
        "name": commune.name,
        "division_type": commune.division_type,
        "level": commune.level,
        "parent": province.pk,
        "area": commune.area,
        "valid_from": "2025-07-01",
        "valid_to": "",
        "source": commune.source,
    }
    response = admin_client.post(reverse("admin:geo_adminunit_change", args=[commune.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    commune.refresh_from_db()
    village.refresh_from_db()
    assert commune.path == f"{province.path}{commune.pk}/"
    assert village.path == f"{commune.path}{village.pk}/"


def test_imported_villages_keep_history_with_the_officer_who_imported_them(units):
    officer = user_in(current_unit(Level.COMMUNE, NAM_SACH), role=Role.COMMUNE_OFFICER)
    villages_import(
        actor=officer,
        may_manage=unit_manager(officer),
        file=csv_file(f"{NAM_SACH},01,Thôn Đông,thôn,"),
        filename="a.csv",
    )
    village = AdminUnit.objects.get(level=Level.VILLAGE, code=f"{NAM_SACH}-01")
    record = AdminUnit.history.get(id=village.pk)
    assert (record.history_type, record.history_user, record.path) == ("+", officer, village.path)
    assert record.history_change_reason == "villages import a.csv"
