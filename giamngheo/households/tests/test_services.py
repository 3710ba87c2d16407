import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from giamngheo.households.models import Household, HouseholdStatus, Member
from giamngheo.households.services import (
    PossibleDuplicates,
    RecordInvalid,
    household_create,
    household_merge,
    household_set_causes,
    household_update,
    life_event_record,
    member_add,
    member_remove,
    member_update,
)
from giamngheo.households.tests.conftest import child, head
from giamngheo.households.tests.factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db


def create(actor, unit, code="31-11001-000001", members=None, **data):
    return household_create(
        actor=actor,
        unit=unit,
        data={"code": code, "address": "Thôn A1", **data},
        members=members if members is not None else [head(), child()],
    )


def test_household_is_created_with_members_head_name_and_search_text(units, commune_a_officer):
    household = create(commune_a_officer, units["A1"])
    assert household.head_name == "Nguyễn Văn An"
    assert list(household.members.values_list("member_no", flat=True)) == [1, 2]
    household.refresh_from_db()
    assert "nguyen van an" in household.search_text
    assert "nguyen thi binh" in household.search_text
    assert household.area == "rural"


def test_creation_is_audited_with_user_and_reason(units, commune_a_officer):
    household = create(commune_a_officer, units["A1"])
    record = household.history.first()
    assert record.history_user == commune_a_officer
    assert record.history_change_reason
    household_update(
        actor=commune_a_officer,
        household=household,
        data={"phone": "0912345678"},
        reason="Số điện thoại mới",
    )
    latest = household.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == commune_a_officer
    assert latest.history_change_reason == "Số điện thoại mới"


def test_an_update_without_a_reason_is_refused(units, commune_a_officer):
    household = create(commune_a_officer, units["A1"])
    with pytest.raises(RecordInvalid) as info:
        household_update(actor=commune_a_officer, household=household, data={}, reason=" ")
    assert "reason" in info.value.household_errors


def test_commune_officer_cannot_create_or_edit_in_another_commune(
    units, commune_a_officer, commune_b_officer
):
    with pytest.raises(PermissionDenied):
        create(commune_b_officer, units["A1"])
    household = create(commune_a_officer, units["A1"])
    with pytest.raises(PermissionDenied):
        household_update(actor=commune_b_officer, household=household, data={}, reason="x")
    with pytest.raises(PermissionDenied):
        member_add(actor=commune_b_officer, household=household, data=child(full_name="Lê Văn C"))


def test_village_head_may_read_but_not_write(units, village_a1_head):
    with pytest.raises(PermissionDenied):
        create(village_a1_head, units["A1"])


def test_household_must_be_filed_under_a_village(units, commune_a_officer):
    with pytest.raises(RecordInvalid) as info:
        create(commune_a_officer, units["A"])
    assert "unit" in info.value.household_errors


@pytest.mark.parametrize(
    ("member", "field"),
    [
        (head(citizen_id="12345"), "citizen_id"),
        (head(citizen_id="03108000000A"), "citizen_id"),
        (head(date_of_birth=dt.date(2999, 1, 1)), "date_of_birth"),
        (head(date_of_birth=dt.date(1850, 1, 1)), "date_of_birth"),
        (head(date_of_birth=dt.date.today() - dt.timedelta(days=365 * 12)), "date_of_birth"),
        (head(sex="unknown"), "sex"),
        (head(relation="cousin"), "relation"),
        (head(full_name=""), "full_name"),
    ],
)
def test_bad_member_values_are_refused_with_a_message(units, commune_a_officer, member, field):
    with pytest.raises(RecordInvalid) as info:
        create(commune_a_officer, units["A1"], members=[member])
    assert field in info.value.member_errors[0]
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    "other",
    [
        child(date_of_birth=dt.date(1975, 1, 1)),  # a child older than the head
        child(relation="grandchild", date_of_birth=dt.date(1995, 1, 1)),
        child(relation="parent", full_name="Nguyễn Văn Cả", date_of_birth=dt.date(1972, 1, 1)),
    ],
)
def test_ages_that_contradict_relations_are_refused(units, commune_a_officer, other):
    with pytest.raises(RecordInvalid) as info:
        create(commune_a_officer, units["A1"], members=[head(), other])
    assert "date_of_birth" in info.value.member_errors[1]


def test_a_household_has_exactly_one_head(units, commune_a_officer):
    with pytest.raises(RecordInvalid):
        create(commune_a_officer, units["A1"], members=[child()])
    with pytest.raises(RecordInvalid):
        create(
            commune_a_officer,
            units["A1"],
            members=[head(), head(full_name="Trần Văn B", citizen_id="")],
        )
    household = create(commune_a_officer, units["A1"])
    with pytest.raises(RecordInvalid) as info:
        member_add(
            actor=commune_a_officer,
            household=household,
            data=head(full_name="Trần Văn B", citizen_id=""),
        )
    assert "relation" in info.value.household_errors


def test_duplicate_household_code_is_refused(units, commune_a_officer):
    create(commune_a_officer, units["A1"])
    with pytest.raises(RecordInvalid) as info:
        create(commune_a_officer, units["A2"], members=[head(citizen_id="", full_name="Lê Văn X")])
    assert "code" in info.value.household_errors


def test_citizen_id_is_optional_and_never_shared(units, commune_a_officer):
    create(commune_a_officer, units["A1"], members=[head(citizen_id="")], code="H1")
    create(
        commune_a_officer,
        units["A1"],
        members=[head(citizen_id="", full_name="Phạm Văn Ba")],
        code="H2",
    )
    with pytest.raises(RecordInvalid) as info:
        create(
            commune_a_officer,
            units["A2"],
            code="H3",
            members=[head(full_name="Lê Văn D"), child(citizen_id="031080000001")],
        )
    assert "citizen_id" in info.value.member_errors[1]
    existing = create(
        commune_a_officer,
        units["A1"],
        code="H4",
        members=[head(full_name="Đỗ Văn E", citizen_id="031080000009")],
    )
    with pytest.raises(RecordInvalid) as info:
        create(
            commune_a_officer,
            units["A2"],
            code="H5",
            members=[head(full_name="Lê Văn F", citizen_id="031080000009")],
        )
    message = info.value.member_errors[0]["citizen_id"][0]
    assert existing.code in message


def test_citizen_id_held_outside_the_unit_is_refused_without_revealing_the_household(
    units, commune_a_officer, commune_b_officer
):
    create(commune_b_officer, units["B1"], code="B-1", members=[head(citizen_id="031080000777")])
    with pytest.raises(RecordInvalid) as info:
        create(
            commune_a_officer,
            units["A1"],
            members=[head(full_name="Lê Văn G", citizen_id="031080000777")],
        )
    message = info.value.member_errors[0]["citizen_id"][0]
    assert "B-1" not in message
    assert "Nguyễn" not in message


def test_same_name_and_birth_date_in_the_village_asks_for_confirmation(units, commune_a_officer):
    create(commune_a_officer, units["A1"], code="H1", members=[head(citizen_id="")])
    with pytest.raises(PossibleDuplicates) as info:
        create(
            commune_a_officer,
            units["A1"],
            code="H2",
            members=[head(full_name="nguyen van an", citizen_id="")],
        )
    assert info.value.matches[0].household_code == "H1"
    household = household_create(
        actor=commune_a_officer,
        unit=units["A1"],
        data={"code": "H2"},
        members=[head(full_name="nguyen van an", citizen_id="")],
        confirm_duplicates=True,
    )
    assert household.pk
    # Same name and date in another village is not flagged.
    create(commune_a_officer, units["A2"], code="H3", members=[head(citizen_id="")])


def test_member_update_and_remove_are_audited_and_keep_head_name(units, commune_a_officer):
    household = create(commune_a_officer, units["A1"])
    the_head = household.members.get(relation="head")
    member_update(
        actor=commune_a_officer,
        member=the_head,
        data={"full_name": "Nguyễn Văn Ân"},
        reason="Sửa chính tả",
    )
    household.refresh_from_db()
    assert household.head_name == "Nguyễn Văn Ân"
    assert household.history.first().history_change_reason == "Sửa chính tả"
    the_child = household.members.get(relation="child")
    child_pk = the_child.pk
    member_remove(actor=commune_a_officer, member=the_child, reason="Nhập nhầm")
    deleted = Member.history.filter(id=child_pk, history_type="-").get()
    assert deleted.history_user == commune_a_officer
    assert deleted.history_change_reason == "Nhập nhầm"
    household.refresh_from_db()
    assert "binh" not in household.search_text


def test_the_head_cannot_be_removed_while_others_remain(units, commune_a_officer):
    household = create(commune_a_officer, units["A1"])
    with pytest.raises(RecordInvalid):
        member_remove(
            actor=commune_a_officer, member=household.members.get(relation="head"), reason="x"
        )


@pytest.mark.parametrize("kind", ["moved_away", "merged", "dissolved", "all_deceased"])
def test_leaving_events_take_the_household_off_the_lists(units, commune_a_officer, kind):
    household = create(commune_a_officer, units["A1"])
    other = create(
        commune_a_officer,
        units["A2"],
        code="H-OTHER",
        members=[head(full_name="Trần Văn Khác", citizen_id="")],
    )
    life_event_record(
        actor=commune_a_officer,
        household=household,
        kind=kind,
        date=dt.date(2025, 3, 1),
        related_household=other,
        reason="Biên bản thôn",
    )
    household.refresh_from_db()
    assert household.status == HouseholdStatus.LEFT
    assert household.history.first().history_change_reason == "Biên bản thôn"


@pytest.mark.parametrize("kind", ["birth", "death", "member_left", "member_joined"])
def test_one_members_event_keeps_the_household_on_the_lists(units, commune_a_officer, kind):
    """Decision 24/2021/QĐ-TTg, Art. 4: a member's birth, death or move is a change to review,
    not the household leaving; only whole-household events take it off the lists."""
    from giamngheo.households.forms import LifeEventForm
    from giamngheo.households.vocab import LEAVING_EVENTS, MEMBER_EVENTS
    from giamngheo.reviews.flows import ENTERING_EVENTS

    household = create(commune_a_officer, units["A1"])
    life_event_record(
        actor=commune_a_officer,
        household=household,
        kind=kind,
        date=dt.date(2025, 3, 1),
        reason="Phiếu thực địa",
    )
    household.refresh_from_db()
    assert household.status == HouseholdStatus.ACTIVE
    assert kind in MEMBER_EVENTS and not MEMBER_EVENTS & (LEAVING_EVENTS | ENTERING_EVENTS)
    # Recorded with the member's own change, never alone from the household's event form.
    assert kind not in dict(LifeEventForm().fields["kind"].choices)


def test_moving_in_and_splitting_keep_the_household_on_the_lists(units, commune_a_officer):
    household = create(commune_a_officer, units["A1"])
    new = create(
        commune_a_officer,
        units["A1"],
        code="H-NEW",
        members=[
            head(full_name="Nguyễn Văn Con", citizen_id="", date_of_birth=dt.date(2000, 1, 1))
        ],
    )
    life_event_record(
        actor=commune_a_officer,
        household=household,
        kind="split",
        date=dt.date(2025, 1, 1),
        related_household=new,
        reason="Tách hộ",
    )
    life_event_record(
        actor=commune_a_officer,
        household=new,
        kind="moved_in",
        date=dt.date(2025, 1, 1),
        reason="Chuyển đến",
    )
    household.refresh_from_db()
    assert household.status == HouseholdStatus.ACTIVE


@pytest.mark.parametrize(
    ("kind", "date", "related", "field"),
    [
        ("moved_away", dt.date(2999, 1, 1), False, "date"),
        ("split", dt.date(2025, 1, 1), False, "related_household"),
        ("exploded", dt.date(2025, 1, 1), False, "kind"),
    ],
)
def test_bad_life_events_are_refused(units, commune_a_officer, kind, date, related, field):
    household = create(commune_a_officer, units["A1"])
    with pytest.raises(RecordInvalid) as info:
        life_event_record(
            actor=commune_a_officer, household=household, kind=kind, date=date, reason="x"
        )
    assert field in info.value.household_errors


def test_causes_are_checked_against_the_official_list(units, commune_a_officer):
    household = create(commune_a_officer, units["A1"])
    household_set_causes(
        actor=commune_a_officer,
        household=household,
        causes=["illness", "lack_land"],
        reason="Phiếu B",
    )
    household.refresh_from_db()
    assert household.causes == ["lack_land", "illness"]
    with pytest.raises(RecordInvalid):
        household_set_causes(
            actor=commune_a_officer, household=household, causes=["bad_luck"], reason="x"
        )


def test_merge_moves_members_and_takes_the_duplicate_off_the_lists(units, commune_a_officer):
    keep = create(commune_a_officer, units["A1"], code="KEEP")
    drop = create(
        commune_a_officer,
        units["A1"],
        code="DROP",
        members=[head(full_name="Lê Thị Dư", citizen_id="", sex="female")],
    )
    household_merge(actor=commune_a_officer, keep=keep, drop=drop, reason="Trùng hộ")
    drop.refresh_from_db()
    assert drop.status == HouseholdStatus.LEFT
    assert keep.members.count() == 3
    assert keep.members.filter(relation="head").count() == 1
    assert drop.events.get().kind == "merged"


def test_merge_is_refused_when_the_duplicate_has_review_records(units, commune_a_officer):
    from giamngheo.reviews.models import ChangeRequest

    keep = create(commune_a_officer, units["A1"], code="KEEP")
    drop = create(
        commune_a_officer,
        units["A1"],
        code="DROP",
        members=[head(full_name="Lê Thị Dư", citizen_id="", sex="female")],
    )
    ChangeRequest.objects.create(household=drop, requested_by=commune_a_officer, reason="x")
    with pytest.raises(RecordInvalid) as info:
        household_merge(actor=commune_a_officer, keep=keep, drop=drop, reason="Trùng hộ")
    assert "DROP" in info.value.household_errors["drop"][0]
    assert drop.members.count() == 1


def test_factories_build_a_household_that_selectors_can_find(units, commune_a_officer):
    household = HouseholdFactory(unit=units["A1"])
    MemberFactory(household=household)
    from giamngheo.households.selectors import household_list

    assert household in household_list(actor=commune_a_officer)
