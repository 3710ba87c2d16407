import polars as pl
import pytest

from giamngheo.households.selectors import household_list
from giamngheo.households.services import household_create
from giamngheo.households.tests.conftest import head
from giamngheo.households.text import fold, fold_series, tokens

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
