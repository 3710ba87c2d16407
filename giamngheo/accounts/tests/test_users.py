import pytest
from django.core.exceptions import ValidationError

from giamngheo.accounts.models import Role, User
from giamngheo.accounts.tests.factories import UnitFactory


@pytest.mark.django_db
def test_user_without_unit_is_refused():
    user = User(username="nounit", role=Role.COMMUNE_OFFICER)
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "unit" in excinfo.value.message_dict


@pytest.mark.django_db
def test_partner_officer_needs_an_organisation():
    user = User(username="partner", role=Role.PARTNER_OFFICER, unit=UnitFactory())
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "organisation" in excinfo.value.message_dict


@pytest.mark.django_db
def test_superuser_is_a_system_admin_without_unit():
    user = User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    assert user.role == Role.SYSTEM_ADMIN
    user.full_clean()
