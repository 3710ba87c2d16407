"""The users pages: each manager sees and changes only the accounts of their line of the table."""

import re

import pytest

from giamngheo.accounts.models import Role, User
from giamngheo.accounts.scoping import MANAGED_ROLES, ROLE_CAPABILITIES, Capability
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.tests.pages import assert_not_found, assert_refused, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return build_small_province()


@pytest.fixture
def people(units):
    return {
        "province": UserFactory(
            username="so_p", role=Role.PROVINCE_OFFICER, unit=units["P"], first_name="Sở"
        ),
        "chairman_a": UserFactory(username="ct_a", role=Role.COMMUNE_CHAIRMAN, unit=units["A"]),
        "officer_a": UserFactory(
            username="cb_a", role=Role.COMMUNE_OFFICER, unit=units["A"], first_name="Lò Thị"
        ),
        "head_a1": UserFactory(username="tt_a1", role=Role.VILLAGE_HEAD, unit=units["A1"]),
        "officer_b": UserFactory(username="cb_b", role=Role.COMMUNE_OFFICER, unit=units["B"]),
        "officer_c": UserFactory(username="cb_c", role=Role.COMMUNE_OFFICER, unit=units["C"]),
        "auditor_p": UserFactory(username="tra_p", role=Role.AUDITOR, unit=units["P"]),
    }


def listed(client, query: str = "") -> str:
    response = client.get(f"/accounts/users/{query}")
    assert response.status_code == 200
    return page_text(response, within="users")


def test_the_capability_to_manage_users_follows_the_grant_table():
    holders = {role for role, caps in ROLE_CAPABILITIES.items() if Capability.MANAGE_USERS in caps}
    assert holders == set(MANAGED_ROLES) | {Role.SYSTEM_ADMIN}


def test_a_province_officer_lists_the_provinces_accounts_only(client, people):
    client.force_login(people["province"])
    text = listed(client)
    for name in ("ct_a", "cb_a", "tt_a1", "cb_b", "tra_p"):
        assert name in text
    assert "cb_c" not in text  # another province


def test_a_commune_chairman_lists_only_their_communes_officers_heads_and_enumerators(
    client, people
):
    client.force_login(people["chairman_a"])
    text = listed(client)
    assert "cb_a" in text and "tt_a1" in text
    for name in ("cb_b", "so_p", "tra_p", "cb_c"):
        assert name not in text
    assert "ct_a" not in text  # not even themselves: a chairman is the province's to manage


def test_the_list_filters_by_unit_role_status_and_name(client, people, units):
    client.force_login(people["province"])
    assert "cb_b" not in listed(client, "?unit=11001") and "tt_a1" in listed(client, "?unit=11001")
    by_role = listed(client, "?role=village_head")
    assert "tt_a1" in by_role and "cb_a" not in by_role
    assert "cb_a" in listed(client, "?q=lò+thị") and "cb_b" not in listed(client, "?q=lò+thị")
    User.objects.filter(username="cb_b").update(is_active=False)
    closed = listed(client, "?active=0")
    assert "cb_b" in closed and "cb_a" not in closed
    assert "Không có tài khoản nào phù hợp" in listed(client, "?unit=99999")


def test_the_menu_offers_users_only_to_those_who_manage_accounts(client, people):
    client.force_login(people["chairman_a"])
    assert "Người dùng" in page_text(client.get("/"))
    client.force_login(people["officer_a"])
    assert "Người dùng" not in page_text(client.get("/"))


@pytest.mark.parametrize("who", ["officer_a", "auditor_p", "head_a1"])
def test_people_who_manage_no_accounts_are_refused(client, people, who):
    client.force_login(people[who])
    assert_refused(client.get("/accounts/users/"), 403, "cb_b")
    assert_refused(client.get(f"/accounts/users/{people['officer_b'].pk}/"), 403, "cb_b")


def test_an_account_outside_the_chairmans_commune_is_not_found(client, people):
    client.force_login(people["chairman_a"])
    assert_not_found(client.get(f"/accounts/users/{people['officer_b'].pk}/"), "cb_b")
    assert_not_found(client.get(f"/accounts/users/{people['province'].pk}/edit/"), "so_p")
    response = client.post(f"/accounts/users/{people['officer_b'].pk}/password/")
    assert_not_found(response, "cb_b")


def test_the_create_form_offers_only_the_roles_the_chairman_may_give(client, people):
    client.force_login(people["chairman_a"])
    html = client.get("/accounts/users/new/").content.decode()
    select = re.search(r'<select name="role".*?</select>', html, re.S).group(0)
    options = set(re.findall(r'<option value="(\w+)"', select))
    assert options == {Role.ENUMERATOR, Role.VILLAGE_HEAD, Role.COMMUNE_OFFICER}


def test_a_chairman_cannot_open_an_account_in_another_commune(client, people):
    client.force_login(people["chairman_a"])
    response = client.post(
        "/accounts/users/new/",
        {"username": "moi", "full_name": "Lò Văn Mới", "role": "commune_officer", "unit": "11002"},
    )
    assert response.status_code == 200
    assert "Bạn không được giao vai trò" in page_text(response)
    assert 'class="field has-error"' in response.content.decode()
    assert not User.objects.filter(username="moi").exists()


def test_an_unknown_unit_code_is_refused_beside_the_field(client, people):
    client.force_login(people["chairman_a"])
    response = client.post(
        "/accounts/users/new/",
        {"username": "moi", "full_name": "Lò Văn Mới", "role": "commune_officer", "unit": "777"},
    )
    assert "Không có đơn vị hành chính hiện hành nào mang mã 777" in page_text(response)


def test_an_opened_account_shows_its_temporary_password_once_and_must_change_it(client, people):
    client.force_login(people["chairman_a"])
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "rsv_moi",
            "full_name": "Lò Văn Mới",
            "role": "enumerator",
            "unit": "11001",
            "reason": "Quyết định 12/QĐ-UBND",
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = page_text(response, within="temporary-password")
    user = User.objects.get(username="rsv_moi")
    assert (user.first_name, user.last_name, user.must_change_password) == ("Lò Văn", "Mới", True)
    record = user.history.get()
    assert (record.history_user, record.history_change_reason) == (
        people["chairman_a"],
        "Quyết định 12/QĐ-UBND",
    )
    client.logout()
    assert client.login(username="rsv_moi", password=password)
    assert client.get("/households/")["Location"] == "/accounts/password/"


def test_editing_an_account_is_in_its_history_with_who_and_why(client, people):
    client.force_login(people["province"])
    officer = people["officer_a"]
    response = client.post(
        f"/accounts/users/{officer.pk}/edit/",
        {
            "full_name": "Lò Thị Hoa",
            "role": "commune_chairman",
            "unit": "11001",
            "reason": "Bầu làm chủ tịch",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.role, officer.get_full_name()) == (Role.COMMUNE_CHAIRMAN, "Lò Thị Hoa")
    history = page_text(client.get(f"/accounts/users/{officer.pk}/"), within="history")
    assert "Sở" in history and "Bầu làm chủ tịch" in history
    assert "Cán bộ xã" in history and "Chủ tịch UBND xã" in history


def test_editing_needs_a_reason(client, people):
    client.force_login(people["province"])
    response = client.post(
        f"/accounts/users/{people['officer_a'].pk}/edit/",
        {"full_name": "Lò Thị Hoa", "role": "commune_officer", "unit": "11001"},
    )
    assert response.status_code == 200
    assert 'class="field has-error"' in response.content.decode()


def test_a_chairman_cannot_promote_an_officer_beyond_the_table(client, people):
    client.force_login(people["chairman_a"])
    officer = people["officer_a"]
    response = client.post(
        f"/accounts/users/{officer.pk}/edit/",
        {"full_name": "Lò Thị", "role": "province_officer", "unit": "11001", "reason": "x"},
    )
    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.role == Role.COMMUNE_OFFICER


def test_closing_an_account_needs_a_reason_and_keeps_it(client, people):
    client.force_login(people["chairman_a"])
    officer = people["officer_a"]
    refused = client.post(f"/accounts/users/{officer.pk}/deactivate/", {"reason": ""}, follow=True)
    officer.refresh_from_db()
    assert officer.is_active
    assert "Hãy ghi lý do khóa tài khoản." in page_text(refused)
    client.post(f"/accounts/users/{officer.pk}/deactivate/", {"reason": "Nghỉ hưu"})
    officer.refresh_from_db()
    assert not officer.is_active
    history = page_text(client.get(f"/accounts/users/{officer.pk}/"), within="history")
    assert "Nghỉ hưu" in history


def test_a_password_reset_shows_a_new_temporary_password_to_be_changed(client, people):
    officer = people["officer_a"]
    client.force_login(people["chairman_a"])
    response = client.post(f"/accounts/users/{officer.pk}/password/")
    password = page_text(response, within="temporary-password")
    officer.refresh_from_db()
    assert officer.must_change_password
    assert officer.check_password(password)
    assert not officer.check_password("pw-for-tests-only")
