import importlib

import polars as pl
import pytest
from django.apps import apps
from django.urls import reverse

from giamngheo.households.models import Household, PersonalDataAccess
from giamngheo.households.selectors import household_list
from giamngheo.households.services import household_create
from giamngheo.households.services.common import search_text_for
from giamngheo.households.tests.conftest import child, head
from giamngheo.households.text import (
    fold,
    fold_series,
    search_text,
    search_text_series,
    tokens,
    words,
)

NAMES = [
    "Nguyễn Văn An",
    "ĐẶNG THỊ HƯỜNG",
    "Trần  Thị Thu Hà",
    "Ơ Đu",
    "Nguye\u0302\u0303n Văn Ân",
    "Lê Văn Đức",
]


def test_folding_drops_tone_marks_and_reads_d_as_d():
    assert fold("Nguyễn Văn An") == "nguyen van an"
    assert fold("ĐẶNG THỊ HƯỜNG") == "dang thi huong"
    assert fold("Nguye\u0302\u0303n") == "nguyen"  # decomposed input
    assert tokens("  Đỗ   thị ") == ["do", "thi"]


def test_bulk_folding_is_the_same_as_single_folding():
    assert fold_series(pl.Series(NAMES)).to_list() == [fold(n) for n in NAMES]


def test_search_text_keeps_every_word_between_spaces_and_each_field_between_slashes():
    assert words("12/3 Lê Lợi, Xóm Đình") == "12 3 le loi xom dinh"
    text = search_text("31-001 A", ["Nguyễn Văn An", "Nguyễn Văn An", "Lê Thị Vân", "Xóm Đình"])
    assert text == "#31-001a# / nguyen van an / le thi van / xom dinh /"
    assert search_text("S-1", [None, ""]) == "#s-1#"


def test_bulk_search_text_is_the_same_as_single_search_text():
    codes = ["S-1", "S 2", "", "S/4"]
    fields = [NAMES[:3], [], [None, "Ơ Đu", ""], [NAMES[4], NAMES[0], "12/3 Lê Lợi"]]
    bulk = search_text_series(pl.Series(codes), pl.Series(fields)).to_list()
    assert bulk == [search_text(c, f) for c, f in zip(codes, fields, strict=True)]


@pytest.mark.django_db
def test_search_needs_every_word_and_ignores_tone_marks(units, commune_a_officer):
    household_create(
        actor=commune_a_officer,
        unit=units["A1"],
        data={"code": "S-1", "address": "Xóm Đình"},
        members=[head(full_name="Nguyễn Văn An", citizen_id="")],
    )
    household_create(
        actor=commune_a_officer,
        unit=units["A1"],
        data={"code": "S-2"},
        members=[head(full_name="Lê Văn Đức", citizen_id="", date_of_birth=None)],
    )

    def codes(q):
        return sorted(
            household_list(actor=commune_a_officer, filters={"q": q}).values_list("code", flat=True)
        )

    assert codes("nguyen van an") == ["S-1"]
    assert codes("Nguyễn Văn An") == ["S-1"]
    assert codes("le van duc") == ["S-2"]
    assert codes("đức") == ["S-2"]
    assert codes("van") == ["S-1", "S-2"]
    assert codes("xom dinh") == ["S-1"]
    assert codes("s-2") == ["S-2"]
    assert codes("nguyen duc") == []


@pytest.mark.django_db
def test_search_stays_inside_the_officers_unit(units, commune_a_officer, commune_b_officer):
    household_create(
        actor=commune_b_officer,
        unit=units["B1"],
        data={"code": "B-1"},
        members=[head(full_name="Nguyễn Văn An", citizen_id="")],
    )
    assert not household_list(actor=commune_a_officer, filters={"q": "nguyen van an"}).exists()


def _household(actor, unit, code, name, **member):
    return household_create(
        actor=actor,
        unit=unit,
        data={"code": code, "address": member.pop("address", "")},
        members=[head(full_name=name, citizen_id=member.pop("citizen_id", ""), **member)],
    )


@pytest.fixture
def namesakes(units, commune_a_officer):
    """Households whose names share letters but not words with "Nguyễn Văn An"."""
    for code, name in [
        ("N-AN", "Nguyễn Văn An"),
        ("N-BAN", "Nguyễn Văn Bản"),
        ("N-VAN", "Nguyễn Thị Vân"),
        ("N-ANH", "Nguyễn Văn Anh"),
        ("N-YEN", "Nguyễn Ngọc Yến"),
        ("N-NGOC", "Nguyễn Ngọc Anh"),
    ]:
        _household(commune_a_officer, units["A1"], code, name)


def found(actor, q):
    """Codes in the order the registry lists them."""
    return list(household_list(actor=actor, filters={"q": q}).values_list("code", flat=True))


@pytest.mark.django_db
def test_a_full_name_matches_whole_words_not_letters_inside_other_words(
    namesakes, commune_a_officer
):
    # "an" is inside "van" and "ban", "yen" inside "nguyen": neither is a match.
    assert found(commune_a_officer, "Nguyen Van An") == ["N-AN", "N-ANH"]
    assert found(commune_a_officer, "Nguyễn Ngọc Yến") == ["N-YEN"]
    assert found(commune_a_officer, "yen") == ["N-YEN"]
    assert found(commune_a_officer, "van") == ["N-AN", "N-ANH", "N-BAN", "N-VAN"]


@pytest.mark.django_db
def test_the_last_word_may_be_the_start_of_a_word(namesakes, commune_a_officer):
    assert found(commune_a_officer, "nguyen van a") == ["N-AN", "N-ANH"]
    assert found(commune_a_officer, "nguyen ngo") == ["N-NGOC", "N-YEN"]
    # Only the last word: "ngu" is not a whole word.
    assert found(commune_a_officer, "ngu van an") == []


@pytest.mark.django_db
def test_exact_full_name_comes_first_then_a_name_that_begins_so_then_the_words_anywhere(
    units, commune_a_officer
):
    # Codes sort the other way round, so only the ranking can give this order.
    _household(commune_a_officer, units["A1"], "R-1", "Trần Văn An")
    _household(commune_a_officer, units["A1"], "R-2", "Văn Anh")
    household_create(
        actor=commune_a_officer,
        unit=units["A1"],
        data={"code": "R-3"},
        members=[head(full_name="Lê Thị Hoa", citizen_id=""), child(full_name="Văn An")],
    )
    assert found(commune_a_officer, "van an") == ["R-3", "R-2", "R-1"]


@pytest.mark.django_db
def test_a_household_code_is_found_exactly_or_by_its_start(units, commune_a_officer):
    _household(commune_a_officer, units["A1"], "31-11001-000012", "Lê Văn Đức")
    _household(commune_a_officer, units["A1"], "31-11001-000001", "Lê Văn Hùng")
    _household(commune_a_officer, units["A1"], "31-11001-0000012", "Lê Văn Tâm")
    assert found(commune_a_officer, "31-11001-000001") == ["31-11001-000001", "31-11001-0000012"]
    assert found(commune_a_officer, "31-11001-00001") == ["31-11001-000012"]
    assert found(commune_a_officer, "31-11002") == []


CITIZEN_ID = "031080000123"


@pytest.fixture
def id_holder(units, commune_a_officer):
    _household(commune_a_officer, units["A1"], "ID-1", "Lê Văn Đức", citizen_id=CITIZEN_ID)


@pytest.mark.django_db
def test_a_citizen_id_finds_only_its_exact_twelve_digits(units, id_holder, commune_a_officer):
    assert found(commune_a_officer, CITIZEN_ID) == ["ID-1"]
    assert found(commune_a_officer, f" {CITIZEN_ID} ") == ["ID-1"]
    assert found(commune_a_officer, CITIZEN_ID[:11]) == []
    assert found(commune_a_officer, CITIZEN_ID + "4") == []
    assert found(commune_a_officer, "031080000124") == []
    # The number anywhere else (here an address) is not a citizen ID.
    _household(commune_a_officer, units["A1"], "ID-2", "Lê Thị Hoa", address=f"Lô {CITIZEN_ID}")
    assert found(commune_a_officer, CITIZEN_ID) == ["ID-1"]


@pytest.mark.django_db
def test_a_citizen_id_search_is_logged_and_shows_the_number_masked(
    client, id_holder, commune_a_officer
):
    client.force_login(commune_a_officer)
    url = reverse("households:list")
    client.get(url, {"q": "le van duc"}, HTTP_HX_REQUEST="true")
    assert not PersonalDataAccess.objects.exists()
    response = client.get(url, {"q": CITIZEN_ID}, HTTP_HX_REQUEST="true")
    # The links below the table repeat the query the officer typed; the results do not.
    results = response.content.decode().split("</table>")[0]
    assert "ID-1" in results
    assert CITIZEN_ID not in results and "•••••••••123" in results
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.household.code) == (commune_a_officer, "ID-1")
    assert access.purpose == "search by citizen ID"


@pytest.mark.django_db
def test_the_data_migration_gives_the_search_text_the_services_keep(units, commune_a_officer):
    household = household_create(
        actor=commune_a_officer,
        unit=units["A1"],
        data={"code": "M-1", "address": "Xóm Đình"},
        members=[head(citizen_id=""), child()],
    )
    expected = search_text_for(household, ["Nguyễn Văn An", "Nguyễn Thị Bình"])
    assert Household.objects.get(pk=household.pk).search_text == expected
    Household.objects.update(search_text="m-1 nguyen van an xom dinh nguyen thi binh")
    migration = importlib.import_module(
        "giamngheo.households.migrations.0005_search_text_whole_words"
    )
    migration.recompute_search_text(apps, None)
    assert Household.objects.get(pk=household.pk).search_text == expected
