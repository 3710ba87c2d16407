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


# Ranked tiers (`RankedHouseholds`): the page reads tier by tier, and must list exactly what the
# ranking over every match lists (`household_list`), in the same order, on every page.
FAMILIES = ["Nguyễn", "Trần", "Lê", "Văn"]
MIDDLES = ["Văn", "Thị", "An", ""]
GIVENS = ["An", "Anh", "Ân", "Văn", "Bình"]


@pytest.fixture
def varied(units):
    """A few hundred households whose names, addresses and codes fall in every rank of common
    queries: exact full names, names that begin with the query, the words anywhere, codes."""
    import random

    rng = random.Random(20261207)
    rows = []
    for i in range(240):
        names = [
            " ".join(
                w for w in (rng.choice(FAMILIES), rng.choice(MIDDLES), rng.choice(GIVENS)) if w
            )
            for _ in range(rng.randint(1, 3))
        ]
        address = rng.choice(["", "Xóm Văn An", "Thôn An Bình", "12 Lê Lợi"])
        # Codes out of step with the names, some holding others ("T-12" begins "T-120").
        code = f"T-{rng.randint(1, 400)}-{i}" if i % 7 else f"T-{i // 7}"
        village = units["A1"] if i % 3 else units["A2"]
        rows.append(
            Household(
                code=code,
                unit=village,
                head_name=names[0],
                address=address,
                area="rural",
                status="active" if i % 5 else "moved",
                search_text=search_text(code, [*names, address]),
            )
        )
    Household.objects.bulk_create(rows)


def _reference(actor, filters):
    return list(household_list(actor=actor, filters=filters).values_list("code", flat=True))


def _paged(actor, filters, per_page):
    from giamngheo.households.selectors import household_page_list
    from giamngheo.households.views import CappedPaginator

    paginator = CappedPaginator(household_page_list(actor=actor, filters=filters), per_page)
    codes = []
    for number in paginator.page_range:
        codes += [h.code for h in paginator.page(number)]
    return codes, paginator


RANKED_QUERIES = [
    "nguyen van an",
    "van an",
    "van",
    "an",
    "nguyen van a",
    "tran thi",
    "le",
    "T-1",
    "t-12",
    "T-3",
    "xom van an",
    "binh",
    "Đặng Bích Yến",
    "",
]


@pytest.mark.django_db
def test_ranked_pages_list_what_the_ranking_lists_in_the_same_order(
    varied, units, commune_a_officer, province_officer
):
    checked = 0
    for actor, per_page in ((commune_a_officer, 7), (province_officer, 25)):
        for query in RANKED_QUERIES:
            for extra in ({}, {"unit": units["A2"].pk}, {"status": "moved"}):
                filters = {"q": query, **extra}
                expected = _reference(actor, filters)
                codes, paginator = _paged(actor, filters, per_page)
                assert codes == expected, (query, extra, per_page)
                assert paginator.count == len(expected)
                checked += len(expected) > per_page  # a query with more than one page
    assert checked > 20
    # One household a page: every border between tiers falls between two pages.
    filters = {"q": "van an", "status": "moved"}
    assert _paged(commune_a_officer, filters, 1)[0] == _reference(commune_a_officer, filters)


@pytest.mark.django_db
def test_every_tier_is_used_and_a_page_may_span_tiers(varied, commune_a_officer):
    from giamngheo.households.selectors import household_page_list, search_tiers

    filters = {"q": "van an"}
    tiers = search_tiers("van an")
    ranked = household_page_list(actor=commune_a_officer, filters=filters)
    sizes = [ranked.matches.filter(t).count() for t in tiers]
    assert len(sizes) == 3 and all(sizes), sizes
    expected = _reference(commune_a_officer, filters)
    # A slice across the border of the first two tiers and one across the last two.
    for border in (sizes[0], sizes[0] + sizes[1]):
        rows = ranked[border - 2 : border + 3]
        assert [h.code for h in rows] == expected[border - 2 : border + 3]
    assert ranked[len(expected) : len(expected) + 5] == []


@pytest.mark.django_db
def test_the_search_page_shows_the_ranked_page_and_a_capped_count(
    varied, client, commune_a_officer, monkeypatch
):
    from giamngheo.households.views import PAGE_SIZE, CappedPaginator

    client.force_login(commune_a_officer)
    expected = _reference(commune_a_officer, {"q": "an"})
    assert len(expected) > 2 * PAGE_SIZE
    for number in (1, 2, 3):
        response = client.get(reverse("households:list"), {"q": "an", "page": number})
        page = response.context["page"]
        shown = expected[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        assert [h.code for h in page] == shown
        assert page.paginator.count == len(expected)
    monkeypatch.setattr(CappedPaginator, "cap", PAGE_SIZE)
    response = client.get(reverse("households:list"), {"q": "an", "page": 2})
    page = response.context["page"]
    assert page.paginator.capped and page.paginator.count == PAGE_SIZE + 1
    assert [h.code for h in page] == expected[PAGE_SIZE : PAGE_SIZE + 1]


@pytest.mark.django_db
def test_ranked_pages_of_nothing_and_of_a_citizen_id(units, id_holder, commune_a_officer):
    assert _paged(commune_a_officer, {"q": "khong co ai"}, 25)[0] == []
    assert _paged(commune_a_officer, {"q": CITIZEN_ID}, 25)[0] == ["ID-1"]
    assert _paged(commune_a_officer, {"q": CITIZEN_ID[:-1] + "9"}, 25)[0] == []
