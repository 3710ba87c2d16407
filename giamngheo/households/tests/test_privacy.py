import pytest

from giamngheo.households.models import PersonalDataAccess
from giamngheo.households.selectors import household_members_for_display
from giamngheo.households.services import household_create, personal_data_access_record
from giamngheo.households.tests.conftest import child, head

pytestmark = pytest.mark.django_db


def create(actor, unit, members):
    return household_create(
        actor=actor,
        unit=unit,
        data={"code": "31-11001-000001", "address": "Thôn A1"},
        members=members,
    )


def test_reading_members_with_full_ids_writes_nothing(units, commune_a_officer):
    household = create(commune_a_officer, units["A1"], [head(), child()])
    shown = household_members_for_display(actor=commune_a_officer, household=household)
    assert shown.unmasked
    assert shown.reveals_citizen_ids
    assert [m.full_name for m in shown.members] == ["Nguyễn Văn An", "Nguyễn Thị Bình"]
    assert not PersonalDataAccess.objects.exists()


def test_a_reader_who_may_not_edit_is_shown_nothing_to_log(
    units, commune_a_officer, village_a1_head
):
    household = create(commune_a_officer, units["A1"], [head(), child()])
    shown = household_members_for_display(actor=village_a1_head, household=household)
    assert not shown.unmasked
    assert not shown.reveals_citizen_ids


def test_members_without_citizen_ids_reveal_nothing_even_to_an_editor(units, commune_a_officer):
    household = create(commune_a_officer, units["A1"], [head(citizen_id=""), child()])
    shown = household_members_for_display(actor=commune_a_officer, household=household)
    assert shown.unmasked
    assert not shown.reveals_citizen_ids


def test_recording_an_access_keeps_who_which_household_and_why(units, commune_a_officer):
    household = create(commune_a_officer, units["A1"], [head()])
    personal_data_access_record(actor=commune_a_officer, household=household, purpose="x" * 200)
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.household) == (commune_a_officer, household)
    assert access.purpose == "x" * 120
