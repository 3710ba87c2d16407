import pytest

from giamngheo.accounts.models import Role
from giamngheo.accounts.services import password_set, user_create
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.tests.pages import page_text

pytestmark = pytest.mark.django_db

FIRST = "mật-khẩu-do-tỉnh-cấp-2026"
OWN = "mật-khẩu-của-riêng-tôi-2026"


@pytest.fixture
def units():
    return build_small_province()


@pytest.fixture
def province_officer(units):
    return UserFactory(role=Role.PROVINCE_OFFICER, unit=units["P"])


def test_a_new_officer_must_change_the_password_at_first_login_then_sees_only_their_commune(
    client, units, province_officer
):
    user_create(
        actor=province_officer,
        username="canbo_a",
        password=FIRST,
        role=Role.COMMUNE_OFFICER,
        unit=units["A"],
        first_name="Lò Thị",
        last_name="Mai",
    )
    response = client.post("/accounts/login/", {"username": "canbo_a", "password": FIRST})
    assert response.status_code == 302
    for path in ("/", "/households/", "/reviews/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/accounts/password/")
    form = client.get("/accounts/password/")
    assert "Mật khẩu của bạn do người khác đặt" in page_text(form)

    response = client.post(
        "/accounts/password/",
        {"old_password": FIRST, "new_password1": OWN, "new_password2": OWN},
    )
    assert (response.status_code, response["Location"]) == (302, "/")
    units_page = page_text(client.get("/units/"))
    assert "Xã A" in units_page
    assert "Phường B" not in units_page
    client.logout()
    assert client.login(username="canbo_a", password=OWN)
    assert client.get("/households/").status_code == 200


def test_a_password_reset_by_the_manager_must_be_changed_again(client, units, province_officer):
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"])
    password_set(actor=officer, user=officer, password=OWN)
    officer.refresh_from_db()
    assert not officer.must_change_password
    password_set(actor=province_officer, user=officer, password=FIRST)
    officer.refresh_from_db()
    assert officer.must_change_password
    client.force_login(officer)
    assert client.get("/reports/")["Location"] == "/accounts/password/"


def test_a_wrong_current_password_changes_nothing(client, units, province_officer):
    officer = user_create(
        actor=province_officer,
        username="canbo_b",
        password=FIRST,
        role=Role.COMMUNE_OFFICER,
        unit=units["B"],
    )
    client.force_login(officer)
    response = client.post(
        "/accounts/password/",
        {"old_password": "sai", "new_password1": OWN, "new_password2": OWN},
    )
    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.must_change_password and officer.check_password(FIRST)
