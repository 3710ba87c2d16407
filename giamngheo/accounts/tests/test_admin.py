"""The Django admin opens, changes and closes accounts through the same services and table."""

import pytest

from giamngheo.accounts.models import Role, User
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.tests.pages import page_text

pytestmark = pytest.mark.django_db

PASSWORD = "mật-khẩu-ban-đầu-2026"


@pytest.fixture
def units():
    return build_small_province()


@pytest.fixture
def administrator():
    return UserFactory(
        username="quan_tri", role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True
    )


@pytest.fixture
def staff_province_officer(units):
    return UserFactory(username="so_p", role=Role.PROVINCE_OFFICER, unit=units["P"], is_staff=True)


def add(client, **fields):
    data = {
        "username": "moi",
        "first_name": "Lò Văn",
        "last_name": "Mới",
        "email": "",
        "role": "commune_officer",
        "unit": "",
        "organisation": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "reason": "Quyết định 5/QĐ-SNV",
    }
    data.update(fields)
    return client.post("/admin/accounts/user/add/", data)


def test_the_admin_add_page_opens_an_account_through_the_services(client, units, administrator):
    client.force_login(administrator)
    page = client.get("/admin/accounts/user/add/")
    assert page.status_code == 200
    assert "Nhập lại mật khẩu" in page_text(page)
    response = add(client, unit=units["A"].pk, is_staff="on")
    assert response.status_code == 302, page_text(response)[:800]
    user = User.objects.get(username="moi")
    assert user.must_change_password and user.is_staff and user.check_password(PASSWORD)
    first = user.history.order_by("history_date").first()
    assert (first.history_user, first.history_change_reason) == (
        administrator,
        "Quyết định 5/QĐ-SNV",
    )


def test_an_admin_site_user_who_is_not_an_administrator_cannot_grant_outside_the_table(
    client, units, staff_province_officer
):
    client.force_login(staff_province_officer)
    assert client.get("/admin/accounts/user/add/").status_code == 200
    # A unit of another province: refused beside the field, nothing opened.
    response = add(client, unit=units["C"].pk)
    assert response.status_code == 200
    assert not User.objects.filter(username="moi").exists()
    # A role outside the table (the system administrator) is not even offered.
    response = add(client, role="system_admin", unit=units["A"].pk)
    assert response.status_code == 200
    assert not User.objects.filter(username="moi").exists()
    # Nor may they open the admin site to someone.
    response = add(client, unit=units["A"].pk, is_staff="on")
    assert response.status_code == 302
    assert not User.objects.get(username="moi").is_staff


def test_the_admin_lists_only_the_accounts_the_reader_manages(
    client, units, staff_province_officer
):
    UserFactory(username="cb_a", role=Role.COMMUNE_OFFICER, unit=units["A"])
    other = UserFactory(username="cb_c", role=Role.COMMUNE_OFFICER, unit=units["C"])
    client.force_login(staff_province_officer)
    text = page_text(client.get("/admin/accounts/user/"))
    assert "cb_a" in text and "cb_c" not in text
    assert client.get(f"/admin/accounts/user/{other.pk}/change/").status_code in (302, 404)


def test_a_change_in_the_admin_goes_into_the_history_with_its_reason(
    client, units, staff_province_officer
):
    officer = UserFactory(username="cb_a", role=Role.COMMUNE_OFFICER, unit=units["A"])
    client.force_login(staff_province_officer)
    data = {
        "first_name": "Lò Thị",
        "last_name": "Hoa",
        "email": "",
        "role": "village_head",
        "unit": units["A1"].pk,
        "organisation": "",
        "reason": "Bầu trưởng thôn",
    }
    response = client.post(f"/admin/accounts/user/{officer.pk}/change/", data)
    assert response.status_code == 302, page_text(response)[:800]
    officer.refresh_from_db()
    assert (officer.role, officer.unit) == (Role.VILLAGE_HEAD, units["A1"])
    last = officer.history.order_by("-history_date").first()
    assert (last.history_user, last.history_change_reason) == (
        staff_province_officer,
        "Bầu trưởng thôn",
    )


def test_deleting_in_the_admin_closes_the_account(client, units, administrator):
    officer = UserFactory(username="cb_a", role=Role.COMMUNE_OFFICER, unit=units["A"])
    client.force_login(administrator)
    response = client.post(f"/admin/accounts/user/{officer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    assert officer.history.order_by("-history_date").first().history_change_reason
