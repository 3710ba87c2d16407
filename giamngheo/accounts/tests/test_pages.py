import pytest
from django.urls import reverse

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.tests.pages import assert_not_found, headings, page_text


@pytest.fixture
def units(db):
    return build_small_province()


@pytest.fixture
def officer(units):
    return UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"], first_name="Bình")


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_login_page_is_vietnamese_by_default(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert 'for="id_username"' in html


def test_login_then_home_lists_unit_and_history(client, officer):
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "pw-for-tests-only"}
    )
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert "Xã A" in html
    assert "Cán bộ xã" in html
    assert "Xã FA" in html  # the former commune that merged into A


def test_language_switch_to_english(client, officer):
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "Your unit" in html


def test_unit_list_is_scoped_and_htmx_returns_rows_only(client, officer):
    client.force_login(officer)
    full = client.get(reverse("geo:unit_list"), {"level": "village"}).content.decode()
    assert "Thôn A1" in full and "Thôn B1" not in full
    partial = client.get(
        reverse("geo:unit_list"), {"level": "village", "q": "A2"}, HTTP_HX_REQUEST="true"
    )
    body = partial.content.decode()
    assert "<html" not in body and "Thôn A2" in body and "Thôn A1" not in body


def test_unit_detail_outside_scope_is_404(client, officer, units):
    client.force_login(officer)
    response = client.get(reverse("geo:unit_detail", args=[units["B"].pk]))
    assert_not_found(response, "Phường B", "11002", "Thôn B1")
    assert headings(response) == ["Không tìm thấy trang"]


def test_unit_detail_shows_lineage(client, officer, units):
    client.force_login(officer)
    html = client.get(reverse("geo:unit_detail", args=[units["A"].pk])).content.decode()
    assert "Xã FA" in html


def test_bad_query_parameters_are_not_an_error(client, officer):
    client.force_login(officer)
    response = client.get(reverse("geo:unit_list"), {"level": "nonsense", "page": "x"})
    assert response.status_code == 200
    # An unknown level falls back to communes, and a bad page number to the first page.
    assert '<option value="commune" selected>' in response.content.decode()
    rows = page_text(response, within="unit-rows")
    assert "11001 Xã A" in rows and "Thôn A1" not in rows and "Phường B" not in rows
    assert "Trang 1" in rows


SET_UP_NOTE = "sẽ hiển thị tại đây khi được thiết lập"


def test_home_says_records_appear_when_set_up_while_the_territory_has_none(client, officer, units):
    HouseholdFactory(unit=units["B1"])  # another commune's household does not count
    client.force_login(officer)
    assert SET_UP_NOTE in page_text(client.get(reverse("home")))


def test_home_drops_the_set_up_note_once_households_are_registered(client, officer, units):
    HouseholdFactory(unit=units["A1"])
    client.force_login(officer)
    text = page_text(client.get(reverse("home")))
    assert "Tổng quan" in text
    assert SET_UP_NOTE not in text
