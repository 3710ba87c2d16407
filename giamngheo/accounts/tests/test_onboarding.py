"""Opening officers' accounts from a workbook: all or none, every problem named, passwords once."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from giamngheo.accounts import onboarding, sealing
from giamngheo.accounts.models import Role, User
from giamngheo.accounts.services import NewAccount, Refused, temporary_password, users_create
from giamngheo.accounts.tests.factories import (
    OrganisationFactory,
    UnitFactory,
    UserFactory,
    build_small_province,
)
from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.tests.pages import assert_not_found, page_text

pytestmark = pytest.mark.django_db

HEADER = ["Tên đăng nhập", "Họ và tên", "Email", "Vai trò", "Mã đơn vị (mã hành chính)", "Tổ chức"]
OWN = "mật-khẩu-riêng-của-cán-bộ-2026"


def workbook(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Người dùng"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes, name: str = "can-bo.xlsx"):
    return client.post("/accounts/users/import/", {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def units():
    return build_small_province()


@pytest.fixture
def province_officer(units):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=units["P"], username="so_p")


@pytest.fixture
def chairman(units):
    return UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=units["A"], username="chu_tich_a")


def test_province_officer_onboards_200_commune_officers_who_then_see_only_their_commune(
    client, units, province_officer
):
    communes = [units["A"], units["B"]] + [
        UnitFactory(code=f"1101{n}", name=f"Xã Mới {n}", parent=units["P"]) for n in range(3)
    ]
    rows = []
    for n in range(200):
        commune = communes[n % len(communes)]
        role = "Cán bộ xã" if n % 10 else "Rà soát viên"
        rows.append(
            [f"canbo{n:03d}", f"Nguyễn Văn Cán Bộ {n}", f"cb{n}@xa.gov.vn", role, commune.code, ""]
        )
    own = HouseholdFactory(unit=units["A1"], head_name="Hà Thị Sen")
    other = HouseholdFactory(unit=units["B1"], head_name="Lò Văn Páo")

    client.force_login(province_officer)
    done = upload(client, workbook(rows))
    assert done.status_code == 200, page_text(done)[:500]
    assert "200" in page_text(done)
    created = User.objects.filter(username__startswith="canbo")
    assert created.count() == 200
    assert set(created.values_list("must_change_password", flat=True)) == {True}
    assert created.filter(unit=units["B"], role=Role.COMMUNE_OFFICER).count() == 40
    first = created.get(username="canbo001").history.get()
    assert (first.history_user, first.history_type) == (province_officer, "+")

    key = re.search(r'name="key" value="([0-9a-f]+)"', done.content.decode()).group(1)
    sheet = client.post("/accounts/users/import/passwords.xlsx", {"key": key})
    assert sheet.status_code == 200
    rows_back = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows_back[0][0] == "Tên đăng nhập" and rows_back[0][-1] == "Mật khẩu tạm thời"
    assert len(rows_back) == 201
    passwords = {row[0]: row[-1] for row in rows_back[1:]}
    assert all(isinstance(p, str) and len(p) == 19 for p in passwords.values())
    # Once only: a second download finds nothing, and the session held no clear text.
    again = client.post("/accounts/users/import/passwords.xlsx", {"key": key})
    assert again.status_code == 410
    assert passwords["canbo001"].encode() not in str(client.session.items()).encode()

    client.logout()
    officer = created.get(username="canbo005")  # a commune officer of commune A
    assert officer.unit == units["A"]
    response = client.post(
        "/accounts/login/", {"username": "canbo005", "password": passwords["canbo005"]}
    )
    assert response.status_code == 302
    forced = client.get("/households/")
    assert (forced.status_code, forced["Location"]) == (302, "/accounts/password/")
    changed = client.post(
        "/accounts/password/",
        {"old_password": passwords["canbo005"], "new_password1": OWN, "new_password2": OWN},
    )
    assert (changed.status_code, changed["Location"]) == (302, "/")
    registry = page_text(client.get("/households/"))
    assert "Hà Thị Sen" in registry
    assert "Lò Văn Páo" not in registry
    assert_not_found(client.get(f"/households/{other.pk}/"), "Lò Văn Páo")
    assert client.get(f"/households/{own.pk}/").status_code == 200


def _errors(client, rows) -> str:
    response = upload(client, workbook(rows))
    assert response.status_code == 200
    return page_text(response, within="job-errors")


def test_one_bad_row_opens_no_account(client, units, province_officer):
    client.force_login(province_officer)
    rows = [[f"ok{n}", "Lò Thị Mai", "", "Cán bộ xã", "11001", ""] for n in range(5)]
    rows.append(["xau", "Lò Văn Xấu", "", "Cán bộ xã", "99999", ""])
    text = _errors(client, rows)
    assert "7" in text and "Mã đơn vị (mã hành chính)" in text and "99999" in text
    assert not User.objects.filter(username__startswith="ok").exists()
    assert not User.objects.filter(username="xau").exists()


def test_unknown_unit_code_is_named_with_its_row_and_the_fix(client, units, province_officer):
    client.force_login(province_officer)
    text = _errors(client, [["a1", "Lò Thị Mai", "", "Cán bộ xã", "12345", ""]])
    assert "2" in text and "12345" in text
    assert "Không có đơn vị nào hiện nay mang mã này" in text


def test_a_role_outside_the_grant_table_is_refused(client, units, chairman):
    client.force_login(chairman)
    text = _errors(client, [["a1", "Lò Thị Mai", "", "Cán bộ Sở", "11001", ""]])
    assert "Cán bộ Sở" in text
    assert "Bạn không được giao vai trò này" in text
    assert "Rà soát viên" in text  # the roles the chairman may give are listed
    assert not User.objects.filter(username="a1").exists()


def test_an_unknown_role_lists_the_roles_to_choose_from(client, units, chairman):
    client.force_login(chairman)
    text = _errors(client, [["a1", "Lò Thị Mai", "", "Giám đốc", "11001", ""]])
    assert "Vai trò không đúng" in text and "Trưởng thôn" in text


def test_a_unit_outside_the_actors_scope_is_refused(client, units, chairman, province_officer):
    client.force_login(chairman)
    text = _errors(client, [["a1", "Lò Thị Mai", "", "Cán bộ xã", "11002", ""]])
    assert "Phường B" in text and "nằm ngoài đơn vị của bạn" in text
    client.force_login(province_officer)
    text = _errors(client, [["a1", "Lò Thị Mai", "", "Cán bộ xã", "00101", ""]])
    assert "Xã C" in text and "nằm ngoài đơn vị của bạn" in text


def test_a_former_units_code_is_not_a_unit_of_today(client, units, province_officer):
    client.force_login(province_officer)
    text = _errors(client, [["a1", "Lò Thị Mai", "", "Cán bộ xã", "10001", ""]])
    assert "10001" in text and "Không có đơn vị nào hiện nay mang mã này" in text


def test_a_username_twice_in_the_file_names_the_first_row(client, units, province_officer):
    client.force_login(province_officer)
    rows = [
        ["trung", "Lò Thị Mai", "", "Cán bộ xã", "11001", ""],
        ["Trung", "Lò Thị Mận", "", "Cán bộ xã", "11001", ""],
    ]
    text = _errors(client, rows)
    assert "Trung" in text and "đã có ở dòng 2" in text
    assert not User.objects.filter(username__iexact="trung").exists()


def test_a_username_already_in_the_database_is_refused(client, units, province_officer):
    UserFactory(username="da_co", role=Role.COMMUNE_OFFICER, unit=units["B"])
    client.force_login(province_officer)
    text = _errors(client, [["DA_CO", "Lò Thị Mai", "", "Cán bộ xã", "11001", ""]])
    assert "DA_CO" in text and "Đã có tài khoản mang tên đăng nhập này" in text


def test_a_bad_email_is_refused(client, units, province_officer):
    client.force_login(province_officer)
    text = _errors(client, [["a1", "Lò Thị Mai", "mai-at-xa", "Cán bộ xã", "11001", ""]])
    assert "mai-at-xa" in text and "không phải địa chỉ email" in text


def test_a_partner_officer_needs_an_organisation_of_the_province(client, units, province_officer):
    OrganisationFactory(name="Hội Nông dân tỉnh P", short_name="HND P", unit=units["P"])
    OrganisationFactory(name="Hội Nông dân tỉnh Q", unit=units["Q"])
    client.force_login(province_officer)
    text = _errors(
        client,
        [
            ["p1", "Lò Thị Mai", "", "Cán bộ tổ chức phối hợp", "31", ""],
            ["p2", "Lò Thị Mận", "", "Cán bộ tổ chức phối hợp", "31", "Hội Nông dân tỉnh Q"],
        ],
    )
    assert "cần ghi tên tổ chức" in text
    assert "Hội Nông dân tỉnh Q" in text
    response = upload(
        client, workbook([["p3", "Lò Thị Mai", "", "Cán bộ tổ chức phối hợp", "31", "hnd p"]])
    )
    assert response.status_code == 200
    assert User.objects.get(username="p3").organisation.short_name == "HND P"


def test_missing_cells_are_each_named(client, units, province_officer):
    client.force_login(province_officer)
    rows = [["", "", "mai@xa.gov.vn", "", "", ""], ["a2", "Lò Thị Mai", "", "", "", ""]]
    text = _errors(client, rows)
    assert "Ghi tên đăng nhập" in text and "Ghi họ và tên" in text
    assert "Chọn vai trò" in text and "Ghi mã hành chính" in text


def test_a_file_without_the_template_header_is_refused_beside_the_file(
    client, units, province_officer
):
    client.force_login(province_officer)
    response = upload(client, workbook([["a", "b"]], header=["tên", "họ"]))
    assert "Tên đăng nhập" in page_text(response)
    assert "Tệp không có cột" in page_text(response)


def test_a_csv_file_opens_the_accounts_too(client, units, chairman):
    client.force_login(chairman)
    text = "\n".join(
        [
            ";".join(HEADER),
            "rsv1;Lò Thị Mai;mai@xa.gov.vn;Rà soát viên;11001;",
            "th1;Lò Văn Páo;;Trưởng thôn;11001-A1;",
        ]
    )
    response = upload(client, text.encode("utf-8-sig"), name="can-bo.csv")
    assert response.status_code == 200
    head = User.objects.get(username="th1")
    assert (head.role, head.unit, head.first_name, head.last_name) == (
        Role.VILLAGE_HEAD,
        units["A1"],
        "Lò Văn",
        "Páo",
    )


def test_the_template_offers_only_the_roles_the_actor_may_give_in_vietnamese(client, chairman):
    client.force_login(chairman)
    response = client.get("/accounts/users/import/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["Người dùng", "Hướng dẫn"]
    sheet = book["Người dùng"]
    assert [c.value for c in sheet[1]] == HEADER
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"Rà soát viên,Trưởng thôn,Cán bộ xã"'
    assert "D2" in validation.sqref
    guide = [row[0] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    assert "Mã đơn vị (mã hành chính)" in guide
    units = [row[0] for row in book["Đơn vị"].iter_rows(values_only=True)]
    assert "11001" in units and "11002" not in units


def test_the_passwords_cannot_be_opened_with_another_key(units, province_officer):
    sealed, key = sealing.seal(b"secret sheet")
    assert b"secret sheet" not in sealed
    assert sealing.unseal(sealed, key) == b"secret sheet"
    assert sealing.unseal(sealed, "00" * 32) is None
    assert sealing.unseal(sealed, "not hex") is None
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    assert sealing.unseal(tampered, key) is None
    assert sealing.seal(b"secret sheet")[0] != sealed  # a fresh key and nonce every time


def test_people_who_manage_no_accounts_cannot_onboard(client, units):
    client.force_login(UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"]))
    assert client.get("/accounts/users/import/").status_code == 403
    assert client.get("/accounts/users/import/template.xlsx").status_code == 403
    assert upload(client, workbook([])).status_code == 403


def test_the_batch_service_refuses_the_whole_batch_for_one_account_outside_the_table(
    units, chairman
):
    accounts = [
        NewAccount(
            username=f"rsv{n}", password=temporary_password(), role=Role.ENUMERATOR, unit=units["A"]
        )
        for n in range(3)
    ]
    accounts.append(
        NewAccount(
            username="so_moi",
            password=temporary_password(),
            role=Role.PROVINCE_OFFICER,
            unit=units["P"],
        )
    )
    with pytest.raises(Refused):
        users_create(actor=chairman, accounts=accounts, reason="")
    assert not User.objects.filter(username__startswith="rsv").exists()
    opened = users_create(actor=chairman, accounts=accounts[:3], reason="")
    assert [u.must_change_password for u in opened] == [True, True, True]
    assert opened[0].check_password(accounts[0].password)


def test_a_file_longer_than_one_batch_is_refused_before_any_check(
    client, units, province_officer, monkeypatch
):
    monkeypatch.setattr(onboarding, "MAX_ROWS", 2)
    client.force_login(province_officer)
    rows = [[f"a{n}", "Lò Thị Mai", "", "Cán bộ xã", "11001", ""] for n in range(3)]
    text = page_text(upload(client, workbook(rows)))
    assert "Tệp có 3 dòng; mỗi lần chỉ tải lên tối đa 2 tài khoản" in text
    assert not User.objects.filter(username__startswith="a").exists()
