import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from giamngheo.accounts.models import Role, User
from giamngheo.accounts.services import password_set, user_create, user_deactivate, user_update
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.api.credentials import compute_ha1, digest_ha1, digest_realm

pytestmark = pytest.mark.django_db

STRONG = "mật-khẩu-đủ-dài-2025"


@pytest.fixture
def units():
    return build_small_province()


@pytest.fixture
def admin():
    return UserFactory(username="admin", role=Role.SYSTEM_ADMIN, unit=None)


@pytest.fixture
def commune_a_officer(units):
    return UserFactory(username="officer_a", role=Role.COMMUNE_OFFICER, unit=units["A"])


def test_administrator_opens_an_account_with_role_unit_and_history(units, admin):
    user = user_create(
        actor=admin,
        username="canbo_xa",
        password=STRONG,
        role=Role.COMMUNE_OFFICER,
        unit=units["A"],
        first_name="Trần Văn",
        last_name="Bình",
    )
    user.refresh_from_db()
    assert (user.role, user.unit) == (Role.COMMUNE_OFFICER, units["A"])
    assert user.check_password(STRONG)
    record = user.history.get()
    assert record.history_user == admin
    assert record.history_change_reason


def test_an_account_without_a_unit_is_refused_unless_it_is_the_administrator(units, admin):
    with pytest.raises(ValidationError) as error:
        user_create(actor=admin, username="nounit", password=STRONG, role=Role.ENUMERATOR)
    assert "unit" in error.value.message_dict
    assert not User.objects.filter(username="nounit").exists()


def test_a_weak_password_is_refused_and_nothing_is_saved(units, admin):
    with pytest.raises(ValidationError):
        user_create(
            actor=admin, username="weak", password="123", role=Role.ENUMERATOR, unit=units["A"]
        )
    assert not User.objects.filter(username="weak").exists()


def test_commune_officer_cannot_open_or_change_accounts(units, commune_a_officer):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=commune_a_officer,
            username="x",
            password=STRONG,
            role=Role.ENUMERATOR,
            unit=units["A"],
        )
    with pytest.raises(PermissionDenied):
        user_update(
            actor=commune_a_officer,
            user=commune_a_officer,
            data={"role": Role.PROVINCE_OFFICER},
            reason="promotion",
        )
    commune_a_officer.refresh_from_db()
    assert commune_a_officer.role == Role.COMMUNE_OFFICER


def test_console_operator_may_manage_accounts_without_a_user(units):
    user = user_create(
        actor=None, username="tinh", password=STRONG, role=Role.PROVINCE_OFFICER, unit=units["P"]
    )
    assert user.history.get().history_user is None


def test_update_changes_scope_and_keeps_the_reason(units, admin, commune_a_officer):
    user_update(actor=admin, user=commune_a_officer, data={"unit": units["B"]}, reason="moved to B")
    commune_a_officer.refresh_from_db()
    assert commune_a_officer.unit == units["B"]
    assert commune_a_officer.history.first().history_change_reason == "moved to B"


def test_update_refuses_fields_it_does_not_own(admin, commune_a_officer):
    with pytest.raises(ValidationError):
        user_update(actor=admin, user=commune_a_officer, data={"is_superuser": True}, reason="x")
    commune_a_officer.refresh_from_db()
    assert not commune_a_officer.is_superuser


def test_deactivation_keeps_the_account_and_needs_a_reason(admin, commune_a_officer):
    with pytest.raises(ValidationError):
        user_deactivate(actor=admin, user=commune_a_officer, reason=" ")
    user_deactivate(actor=admin, user=commune_a_officer, reason="left the commune")
    commune_a_officer.refresh_from_db()
    assert not commune_a_officer.is_active
    assert commune_a_officer.history.first().history_change_reason == "left the commune"


def test_administrator_cannot_close_their_own_account(admin):
    with pytest.raises(ValidationError):
        user_deactivate(actor=admin, user=admin, reason="tired")
    admin.refresh_from_db()
    assert admin.is_active


def test_a_user_sets_their_own_password_but_not_anothers(units, commune_a_officer):
    other = UserFactory(username="officer_b", role=Role.COMMUNE_OFFICER, unit=units["B"])
    password_set(actor=commune_a_officer, user=commune_a_officer, password=STRONG)
    commune_a_officer.refresh_from_db()
    assert commune_a_officer.check_password(STRONG)
    with pytest.raises(PermissionDenied):
        password_set(actor=commune_a_officer, user=other, password=STRONG)
    other.refresh_from_db()
    assert not other.check_password(STRONG)


def test_setting_a_password_stores_the_digest_secret_odk_needs(admin, commune_a_officer):
    password_set(actor=admin, user=commune_a_officer, password=STRONG)
    assert digest_ha1(commune_a_officer) == compute_ha1("officer_a", digest_realm(), STRONG)
