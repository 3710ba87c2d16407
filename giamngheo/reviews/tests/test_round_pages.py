"""The round page at a commune's real scale, and the complaint form's household search."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from giamngheo.households.models import Household, PersonalDataAccess
from giamngheo.households.services.common import search_text_for
from giamngheo.reviews import services
from giamngheo.reviews.models import Complaint
from giamngheo.reviews.tests.biground import build_big_round
from giamngheo.reviews.tests.conftest import make_household, on_day
from giamngheo.reviews.views import rounds as round_views
from giamngheo.tests.pages import assert_not_found

pytestmark = pytest.mark.django_db


def searchable(household: Household) -> Household:
    """Index the household for search as the registry's services do."""
    text = search_text_for(household, [household.head_name])
    Household.objects.filter(pk=household.pk).update(search_text=text)
    return household


def registered(village, code: str, head: str) -> Household:
    return searchable(make_household(village, code, head))


HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "round-households"}


@pytest.fixture
def twelve(people, province):
    """12 listed households: i % 6 gives the step (see build_big_round), even i in village A1,
    odd in A2, household 7 has a complaint."""
    return build_big_round(
        people["commune_a_officer"], province["A"], [province["A1"], province["A2"]], 12
    )


def shown(response) -> list[int]:
    """The household numbers (last digits of the codes) in the table, in order."""
    return [
        int(code)
        for code in re.findall(
            r'<span class="muted">31-11001-(\d{6})</span>', response.content.decode()
        )
    ]


def get(client, people, r, **params):
    client.force_login(people["commune_a_officer"])
    return client.get(r.get_absolute_url(), params)


def test_round_page_filters_households_by_village(client, people, province, twelve):
    response = get(client, people, twelve, village=province["A1"].pk)
    assert shown(response) == [0, 2, 4, 6, 8, 10]


def test_round_page_filters_households_by_class(client, people, twelve):
    assert shown(get(client, people, twelve, klass="poor")) == [4, 10]
    assert shown(get(client, people, twelve, klass="near_poor")) == [5, 11]
    assert shown(get(client, people, twelve, klass="unclassified")) == [0, 2, 3, 6, 8, 9]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("not_screened", [0, 6]),
        ("screened_out", [1, 7]),
        ("awaiting_form_b", [2, 8]),
        ("form_b_started", [3, 9]),
        ("classified", [4, 5, 10, 11]),
        ("has_complaint", [7]),
    ],
)
def test_round_page_filters_households_by_step_state(client, people, twelve, state, expected):
    assert shown(get(client, people, twelve, state=state)) == expected


def test_round_page_searches_code_and_head_with_or_without_tone_marks(client, people, twelve):
    assert shown(get(client, people, twelve, q="nguyen")) == [0, 6]
    assert shown(get(client, people, twelve, q="Phạm Dũng")) == [3]
    assert shown(get(client, people, twelve, q="pham van")) == [3, 9]
    # A code is found whole, by its start, or by its number (households.selectors.search_q).
    assert shown(get(client, people, twelve, q="31-11001-000011")) == [11]
    assert shown(get(client, people, twelve, q="31-11001-00001")) == [10, 11]
    assert shown(get(client, people, twelve, q="000011")) == [11]


def test_round_page_filters_combine_and_unknown_values_are_ignored(
    client, people, province, twelve
):
    response = get(client, people, twelve, village=province["A2"].pk, klass="unclassified")
    assert shown(response) == [3, 9]
    assert shown(get(client, people, twelve, klass="rich", state="x", village="a")) == list(
        range(12)
    )


def test_each_filter_value_shows_how_many_households_it_would_show(
    client, people, province, twelve
):
    page = get(client, people, twelve, klass="poor").content.decode()
    # Village counts follow the other filters (2 poor households, both in A1)…
    assert f'<option value="{province["A1"].pk}">Thôn A1 (2)</option>' in page
    assert f'<option value="{province["A2"].pk}">Thôn A2 (0)</option>' in page
    # …and the class counts ignore the class filter itself.
    assert '<option value="poor" selected>Poor (2)</option>' in page
    assert '<option value="unclassified">Not classified (6)</option>' in page
    assert '<option value="classified">Classified (2)</option>' in page
    assert '<option value="has_complaint">Has a complaint (0)</option>' in page


def test_round_page_paginates_and_keeps_the_filters_in_the_page_links(
    client, people, twelve, monkeypatch
):
    monkeypatch.setattr(round_views, "HOUSEHOLDS_PER_PAGE", 5)
    first = get(client, people, twelve)
    assert shown(first) == [0, 1, 2, 3, 4]
    assert "Page 1 of 3" in first.content.decode()
    assert shown(get(client, people, twelve, page=3)) == [10, 11]
    filtered = get(client, people, twelve, state="classified", q="van")
    assert shown(filtered) == [4, 5, 10, 11]
    assert "Page 1 of" not in filtered.content.decode()
    unclassified = get(client, people, twelve, klass="unclassified").content.decode()
    assert 'href="?klass=unclassified&amp;page=2#households"' in unclassified


def test_an_htmx_filter_request_gets_only_the_households_table(client, people, twelve):
    whole = get(client, people, twelve, state="classified").content.decode()
    assert "<html" in whole and "Who did what, when and why" in whole
    client.force_login(people["commune_a_officer"])
    response = client.get(twelve.get_absolute_url(), {"state": "classified"}, **HTMX)
    part = response.content.decode()
    assert "<html" not in part and "Who did what, when and why" not in part
    assert shown(response) == [4, 5, 10, 11]
    assert '<option value="classified" selected>' in part


def test_another_communes_officer_cannot_filter_a_round(client, people, twelve):
    client.force_login(people["commune_b_officer"])
    response = client.get(twelve.get_absolute_url(), {"q": "nguyen"}, **HTMX)
    assert_not_found(response, "31-11001-000000", "Nguyễn Văn An 0", "Xã A")


def test_round_page_at_900_households_runs_a_bounded_number_of_queries(
    client, people, province, django_assert_max_num_queries
):
    r = build_big_round(
        people["commune_a_officer"], province["A"], [province["A1"], province["A2"]], 900
    )
    client.force_login(people["commune_a_officer"])
    with django_assert_max_num_queries(30):
        response = client.get(r.get_absolute_url())
    assert len(shown(response)) == round_views.HOUSEHOLDS_PER_PAGE
    assert "900 households" in response.content.decode()
    with django_assert_max_num_queries(20):
        response = client.get(r.get_absolute_url(), {"state": "classified", "page": 3}, **HTMX)
    assert len(shown(response)) == 50 and "300 households" in response.content.decode()


# The complaint form's household search.


def matches(client, r, query: str) -> list[str]:
    url = reverse("reviews:complaint_households", args=[r.pk])
    response = client.get(url, {"household_search": query})
    assert response.status_code == 200
    return re.findall(r'data-pick-household="\d+" data-label="([^"]+)"', response.content.decode())


def test_household_search_finds_only_the_rounds_commune_households(
    client,
    people,
    province,
    households_a,
    posting,
):
    registered(province["B1"], "31-11002-000001", "Nguyễn Văn An")
    for h in households_a:
        searchable(h)
    client.force_login(people["commune_a_officer"])
    assert matches(client, posting, "nguyen van an") == ["31-11001-000001 · Nguyễn Văn An"]
    # A household left off the list may complain too; it is found and marked as not listed.
    url = reverse("reviews:complaint_households", args=[posting.pk])
    page = client.get(url, {"household_search": "le van"}).content.decode()
    assert "31-11001-000003 · Lê Văn Cường · Thôn A2" in page and "not listed" in page
    assert matches(client, posting, "") == []


def test_household_search_matches_whole_words_best_first_and_logs_a_citizen_id(
    client, people, province, households_a, posting
):
    for h in households_a:
        searchable(h)
    registered(province["A1"], "31-11001-000004", "Nguyễn Văn Bản")
    registered(province["A1"], "31-11001-000005", "Trần Văn Anh")
    registered(province["A1"], "31-11001-000000", "Văn An Nguyễn")
    client.force_login(people["commune_a_officer"])
    assert matches(client, posting, "nguyen van an") == [
        "31-11001-000001 · Nguyễn Văn An",
        "31-11001-000000 · Văn An Nguyễn",
    ]
    assert matches(client, posting, "van a") == [
        "31-11001-000000 · Văn An Nguyễn",
        "31-11001-000001 · Nguyễn Văn An",
        "31-11001-000005 · Trần Văn Anh",
    ]
    assert not PersonalDataAccess.objects.exists()
    assert matches(client, posting, "03108000022") == []
    url = reverse("reviews:complaint_households", args=[posting.pk])
    page = client.get(url, {"household_search": "031080000222"}).content.decode()
    assert "31-11001-000002 · Trần Thị Bình" in page
    access = PersonalDataAccess.objects.get()
    assert access.household.code == "31-11001-000002"


def test_household_search_shows_at_most_twenty_matches(client, people, province, twelve):
    for i in range(12, 30):
        registered(province["A1"], f"31-11001-{i:06d}", f"Đỗ Văn Tư {i}")
    client.force_login(people["commune_a_officer"])
    assert len(matches(client, twelve, "van")) == 20
    assert len(matches(client, twelve, "do van tu")) == 18


def test_household_search_is_refused_to_another_communes_officer(
    client, people, households_a, posting
):
    searchable(households_a[0])
    client.force_login(people["commune_b_officer"])
    url = reverse("reviews:complaint_households", args=[posting.pk])
    response = client.get(url, {"household_search": "nguyen"})
    assert_not_found(response, "31-11001-000001", "Nguyễn Văn An", "031080000111")
    # The same search by the commune's own officer finds the household.
    client.force_login(people["commune_a_officer"])
    assert matches(client, posting, "nguyen") == ["31-11001-000001 · Nguyễn Văn An"]


def _complain(client, r, **fields):
    data = {"received_on": "2025-10-02", "complainant": "Người dân", "content": "Chưa đúng"}
    return client.post(reverse("reviews:complaint_create", args=[r.pk]), {**data, **fields})


def test_complaint_form_takes_the_household_picked_by_id(
    client,
    people,
    households_a,
    posting,
):
    client.force_login(people["commune_a_officer"])
    page = client.get(reverse("reviews:complaint_create", args=[posting.pk])).content.decode()
    assert '<select name="household"' not in page and 'type="hidden" name="household"' in page
    with on_day(dt.date(2025, 10, 2)):
        response = _complain(
            client, posting, household=households_a[1].pk, household_search="31-11001-000002 · Trần"
        )
    assert response.status_code == 302
    assert Complaint.objects.get(round=posting).household == households_a[1]


def test_without_the_script_the_exact_household_code_picks_it(
    client, people, households_a, posting
):
    client.force_login(people["commune_a_officer"])
    with on_day(dt.date(2025, 10, 2)):
        wrong = _complain(client, posting, household_search="Trần Thị Bình")
        assert wrong.status_code == 200 and "type its code exactly" in wrong.content.decode()
        assert _complain(client, posting, household_search=" 31-11001-000002 ").status_code == 302
    assert Complaint.objects.get(round=posting).household == households_a[1]


def test_complaint_form_refuses_a_household_of_another_commune(client, people, province, posting):
    other = registered(province["B1"], "31-11002-000001", "Nguyễn Văn An")
    client.force_login(people["commune_a_officer"])
    with on_day(dt.date(2025, 10, 2)):
        response = _complain(client, posting, household=other.pk, household_search="x")
        assert _complain(client, posting, household_search="31-11002-000001").status_code == 200
    assert "does not belong to the commune" in response.content.decode()
    assert not Complaint.objects.exists()


# Decision 24/2021/QĐ-TTg, Art. 4(3): complaints are raised during the posting (1–3/10/2025 here).


def _receive(people, r, household, day):
    return services.complaint_receive(
        actor=people["commune_a_officer"],
        review_round=r,
        household=household,
        received_on=day,
        complainant="Người dân",
        content="Chưa đúng",
    )


def test_a_complaint_dated_in_the_future_says_it_cannot_be_after_today(
    client,
    people,
    households_a,
    posting,
):
    with on_day(dt.date(2025, 10, 2)):
        with pytest.raises(
            ValidationError, match=r"cannot be after today \(02/10/2025\)\."
        ) as error:
            _receive(people, posting, households_a[0], dt.date(2025, 10, 3))
        assert "posting" not in str(error.value)
        client.force_login(people["commune_a_officer"])
        page = _complain(
            client, posting, household=households_a[0].pk, received_on="2025-10-03"
        ).content.decode()
    assert "The date received cannot be after today (02/10/2025)." in page


def test_a_complaint_dated_before_the_posting_names_its_start(people, households_a, posting):
    with (
        on_day(dt.date(2025, 10, 3)),
        pytest.raises(ValidationError, match="cannot be before the posting started on 01/10/2025"),
    ):
        _receive(people, posting, households_a[0], dt.date(2025, 9, 30))


def test_a_complaint_dated_after_the_posting_cites_decision_24_2021_article_4_3(
    people,
    households_a,
    posting,
):
    with on_day(dt.date(2025, 10, 7)), pytest.raises(ValidationError) as error:
        _receive(people, posting, households_a[0], dt.date(2025, 10, 6))
    assert error.value.messages == [
        "The date received cannot be after the posting ended on 03/10/2025; complaints are "
        "raised during the posting (Decision 24/2021/QĐ-TTg, Art. 4(3))."
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_types_a_name_and_picks_the_household_in_the_complaint_form(
    live_server,
    people,
    households_a,
    posting,
):
    from giamngheo.tests.browser import browser_page, screenshot, wait_until

    for h in households_a:
        searchable(h)
    officer = people["commune_a_officer"]
    with on_day(dt.date(2025, 10, 2)), browser_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(officer.username)
        page.get_by_label("Mật khẩu").fill("pw-for-tests-only")
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(f"{live_server.url}{reverse('reviews:complaint_create', args=[posting.pk])}")
        page.locator("#id_household_search").press_sequentially("tran thi", delay=30)
        choice = page.locator("[data-pick-household]")
        choice.first.wait_for()
        assert choice.count() == 1 and "Trần Thị Bình" in choice.first.inner_text()
        screenshot(page, "reviews-complaint-household-search")
        choice.first.click()
        wait_until(page, "document.querySelector('#household-matches').children.length === 0")
        assert page.locator("#id_household").input_value() == str(households_a[1].pk)
        assert page.locator("#id_household_search").input_value().startswith("31-11001-000002")
        page.locator("#id_complainant").fill("Người dân")
        page.locator("#id_content").fill("Kết quả chưa đúng")
        page.get_by_role("button", name="Lưu").click()
        page.wait_for_url(f"**{posting.get_absolute_url()}")
        # Back on the round page, the step filter swaps only the households table.
        page.locator("#id_state").select_option("has_complaint")
        wait_until(page, "location.search.includes('state=has_complaint')")
        wait_until(page, "document.querySelectorAll('#round-households tbody tr').length === 1")
        assert "Trần Thị Bình" in page.locator("#round-households tbody").inner_text()
        screenshot(page, "reviews-round-households-filtered")
        assert page.console_errors == []
    assert Complaint.objects.get(round=posting).household == households_a[1]
