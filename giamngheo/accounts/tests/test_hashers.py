"""Generated temporary passwords are hashed quickly; the first sign-in re-hashes them."""

import pytest

from giamngheo.accounts.models import Role, User
from giamngheo.accounts.services import (
    TEMPORARY_HASHER,
    NewAccount,
    is_temporary,
    temporary_password,
    users_create,
)
from giamngheo.accounts.tests.factories import UserFactory, build_small_province

pytestmark = pytest.mark.django_db


def test_only_a_generated_password_counts_as_temporary():
    assert all(is_temporary(temporary_password()) for _ in range(50))
    for chosen in (
        "mật-khẩu-riêng-2026",
        "abcd-efgh-jkmn",
        "ABCD-EFGH-JKMN-PQRS",
        "abcd-efgh-jkmn-pqrs-",
    ):
        assert not is_temporary(chosen)


def test_bulk_accounts_get_the_temporary_hasher_and_a_chosen_password_the_default():
    province = build_small_province()
    actor = UserFactory(role=Role.SYSTEM_ADMIN, unit=None, is_staff=True)
    temporary = temporary_password()
    users = users_create(
        actor=actor,
        accounts=[
            NewAccount("can-bo-1", temporary, Role.COMMUNE_OFFICER, province["A"]),
            NewAccount("can-bo-2", "mật-khẩu-riêng-2026", Role.COMMUNE_OFFICER, province["A"]),
        ],
        reason="onboarding",
    )
    assert users[0].password.startswith(f"{TEMPORARY_HASHER}$10000$")
    assert not users[1].password.startswith(TEMPORARY_HASHER)
    assert users[0].check_password(temporary)


def test_the_first_sign_in_re_hashes_a_temporary_password_with_the_default_hasher(client):
    province = build_small_province()
    actor = UserFactory(role=Role.SYSTEM_ADMIN, unit=None, is_staff=True)
    temporary = temporary_password()
    users_create(
        actor=actor,
        accounts=[NewAccount("can-bo-1", temporary, Role.COMMUNE_OFFICER, province["A"])],
        reason="onboarding",
    )
    response = client.post("/accounts/login/", {"username": "can-bo-1", "password": temporary})
    assert response.status_code == 302
    assert not User.objects.get(username="can-bo-1").password.startswith(TEMPORARY_HASHER)
