"""Form A village by village (Decision 24/2021/QĐ-TTg, Art. 4(1); Circular 07/2021, Annex II).

A commune lists hundreds of households; each village's table is screened in one request, and a
household counts as screened only when someone changed its markers or confirmed it unchanged.
"""

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UnitFactory, UserFactory
from giamngheo.geo.models import Level
from giamngheo.households.vocab import PovertyClass
from giamngheo.jobs.models import Job
from giamngheo.reviews import screening, services, workflow
from giamngheo.reviews.models import Assessment, RoundStatus, RoundType
from giamngheo.reviews.screening import MARKER_CODES
from giamngheo.reviews.tests.conftest import NOT_POOR, POOR, make_household, on_day
from giamngheo.reviews.tests.helpers import run_round
from giamngheo.tests.browser import browser_page, screenshot
from giamngheo.tests.pages import assert_not_found, assert_refused, headings, page_text

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 10, 1)
FOUR = list(MARKER_CODES[:4])


@pytest.fixture
def last_year(people, province, households_a):
    """2024's approved round: the first household poor, the second screened out by form A."""
    h0, h1, h2 = households_a
    return run_round(
        people["commune_a_officer"],
        people["commune_a_chairman"],
        province["A"],
        2024,
        {h0: POOR, h1: FOUR, h2: NOT_POOR},
    )


@pytest.fixture
def screening_round(people, province, households_a, last_year):
    officer = people["commune_a_officer"]
    with on_day(DAY):
        r = services.round_create(
            actor=officer, unit=province["A"], round_type=RoundType.PERIODIC, review_date=DAY
        )
        services.round_list_households(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
    r.refresh_from_db()
    assert r.status == RoundStatus.SCREENING
    return r


def _assessments(r, households):
    return [r.assessments.get(household=h) for h in households]


def _url(r, village) -> str:
    return reverse("reviews:screening_village", args=[r.pk, village.pk])


def test_page_lists_the_village_households_with_last_years_class_and_form_a(
    client, people, province, households_a, screening_round
):
    client.force_login(people["commune_a_officer"])
    page = client.get(_url(screening_round, province["A1"])).content.decode()
    h0, h1, h2 = households_a
    assert h0.code in page and h1.code in page
    assert h2.code not in page  # village A2
    assert 'class="badge class-poor"' in page  # h0 was poor in 2024
    assert "1, 2, 3, 4" in page  # h1's four markers last year
    assert "0 of 2 households screened in this village" in page
    assert "0 of 3 in the round" in page


def test_round_page_links_each_village_during_screening(client, people, province, screening_round):
    client.force_login(people["commune_a_officer"])
    page = client.get(screening_round.get_absolute_url()).content.decode()
    assert _url(screening_round, province["A1"]) in page
    assert _url(screening_round, province["A2"]) in page


def test_a_village_is_saved_in_one_post_recording_only_what_was_changed(
    client, people, province, households_a, screening_round
):
    officer = people["commune_a_officer"]
    client.force_login(officer)
    a0, a1 = _assessments(screening_round, households_a[:2])
    with on_day(DAY, hour=10) as moment:
        response = client.post(
            _url(screening_round, province["A1"]),
            {
                "shown": [a0.pk, a1.pk],
                f"m-{a0.pk}": ["car", "pension"],
                f"m-{a1.pk}": FOUR,  # as last year and as the table showed it: not looked at
            },
        )
    assert response.status_code == 302
    a0.refresh_from_db()
    a1.refresh_from_db()
    assert a0.screening == {"markers": ["car", "pension"], "count": 2}
    assert a0.screened_by == officer and a0.screened_at == moment
    assert a1.screening == {} and a1.screened_by is None
    last = a0.history.first()
    assert last.history_user == officer and last.screened_by_id == officer.pk


def test_confirm_unchanged_without_the_explicit_confirmation_records_nothing(
    client, people, province, households_a, screening_round
):
    client.force_login(people["commune_a_officer"])
    a0, a1 = _assessments(screening_round, households_a[:2])
    history_rows = Assessment.history.count()
    response = client.post(
        _url(screening_round, province["A1"]),
        {
            "shown": [a0.pk, a1.pk],
            f"m-{a1.pk}": FOUR,
            f"m-{a0.pk}": ["car"],  # a change in the same POST is not saved either
            "unchanged": [a0.pk, a1.pk],
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    # The refusal is the confirm step: it names the count and keeps what was ticked.
    assert "Tick “I have checked this 1 household with the village head”" in page
    assert "I have checked this 1 household with the village head</label>" in page
    assert f'name="unchanged" value="{a1.pk}" aria-label' in page
    assert page.count(" checked>") >= 5  # a1's four markers and its pick kept
    a0.refresh_from_db()
    a1.refresh_from_db()
    assert a0.screening == {} and a1.screening == {}
    assert Assessment.history.count() == history_rows


def test_confirm_unchanged_applies_last_years_markers_and_records_who_and_when(
    client, people, province, households_a, screening_round
):
    officer = people["commune_a_officer"]
    client.force_login(officer)
    a0, a1 = _assessments(screening_round, households_a[:2])
    with on_day(DAY, hour=11) as moment:
        response = client.post(
            _url(screening_round, province["A1"]),
            {
                "shown": [a0.pk, a1.pk],
                f"m-{a1.pk}": FOUR,
                "unchanged": [a0.pk, a1.pk],
                "confirmed": "on",
            },
        )
    assert response.status_code == 302
    a0.refresh_from_db()
    a1.refresh_from_db()
    assert a0.screening == {"markers": [], "count": 0} and not a0.screened_out
    # Four markers (Circular 07/2021, Annex II): screened out, not poor.
    assert a1.screening["count"] == 4 and a1.screened_out
    assert a1.poverty_class == PovertyClass.NOT_POOR
    for a in (a0, a1):
        assert (a.screened_by, a.screened_at) == (officer, moment)
        assert a.history.first().history_user == officer
    a2 = screening_round.assessments.get(household=households_a[2])
    assert a2.screening == {}  # village A2 was not on this table


def test_an_officer_of_another_commune_is_refused(
    client, people, province, households_a, screening_round
):
    client.force_login(people["commune_b_officer"])
    a0 = screening_round.assessments.get(household=households_a[0])
    url = _url(screening_round, province["A1"])
    assert client.get(url).status_code in (403, 404)
    response = client.post(
        url, {"shown": [a0.pk], f"m-{a0.pk}": ["car"], "unchanged": [a0.pk], "confirmed": "on"}
    )
    assert response.status_code in (403, 404)
    a0.refresh_from_db()
    assert a0.screening == {}
    villages = reverse("reviews:screening_villages", args=[screening_round.pk])
    assert client.get(villages).status_code in (403, 404)


def test_a_village_of_another_commune_is_not_found(client, people, province, screening_round):
    make_household(province["B1"], "31-11002-000001", "Phạm Văn Bốn")
    client.force_login(people["commune_a_officer"])
    response = client.get(_url(screening_round, province["B1"]))
    assert_not_found(response, "Thôn B1", "31-11002-000001", "Phạm Văn Bốn")


def test_single_household_form_records_who_and_when(people, households_a, screening_round):
    officer = people["commune_a_officer"]
    a = screening_round.assessments.get(household=households_a[2])
    with on_day(DAY, hour=14) as moment:
        services.assessment_screen(actor=officer, assessment=a, markers=["car"])
    a.refresh_from_db()
    assert (a.screened_by, a.screened_at) == (officer, moment)


def _template(client, r) -> tuple:
    wb = load_workbook(
        io.BytesIO(client.get(reverse("reviews:import_template", args=[r.pk])).content)
    )
    from giamngheo.reviews.tests.test_imports import column

    hh = wb["Households"]
    return wb, hh, column(hh, "form_a_markers")


def _upload(client, r, wb, name="phieu-a.xlsx"):
    """A job: the worker's part runs when the request's transaction commits."""
    buf = io.BytesIO()
    wb.save(buf)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("reviews:import_answers", args=[r.pk]),
            {"file": SimpleUploadedFile(name, buf.getvalue())},
        )


def test_workbook_with_form_a_markers_is_accepted_in_the_screening_step(
    client, people, households_a, screening_round
):
    officer = people["commune_a_officer"]
    client.force_login(officer)
    page = client.get(reverse("reviews:import_answers", args=[screening_round.pk]))
    assert "only the “Form A markers” column is read" in page.content.decode()
    wb, hh, col = _template(client, screening_round)
    codes = {row[0].value: row for row in hh.iter_rows(min_row=2)}
    h0, h1, h2 = households_a
    codes[h0.code][col].value = "car;pension"
    codes[h1.code][col].value = "0"  # looked at: none applies
    codes[h2.code][col].value = None  # not looked at
    response = _upload(client, screening_round, wb)
    assert response.status_code == 302, response.content.decode()[:2000]
    a0, a1, a2 = _assessments(screening_round, households_a)
    assert a0.screening == {"markers": ["car", "pension"], "count": 2}
    assert a1.screening == {"markers": [], "count": 0}
    assert a2.screening == {}
    assert a0.screened_by == officer and a0.screened_at is not None
    assert a0.source == "import"
    assert a0.history.first().history_user == officer


def test_workbook_in_the_screening_step_names_the_row_and_column_of_a_bad_marker(
    client, people, households_a, screening_round
):
    client.force_login(people["commune_a_officer"])
    wb, hh, col = _template(client, screening_round)
    hh.cell(row=2, column=col + 1, value="car;boat")
    hh.cell(row=3, column=col + 1, value="car")
    _upload(client, screening_round, wb)
    [error] = Job.objects.get(kind="reviews.import_answers").result["errors"]
    assert (error["row"], error["column"], error["value"]) == (2, "Form A markers", "car;boat")
    assert "boat" in error["message"]
    assert not screening_round.assessments.exclude(screening={}).exists()  # all or nothing


def test_exempt_classes_skip_form_a_when_the_law_says_so(
    client, people, province, households_a, screening_round, monkeypatch
):
    """Circular 07/2021 exemption is data (screening.FORM_A_EXEMPT_CLASSES), empty until read."""
    assert screening.FORM_A_EXEMPT_CLASSES == ()  # unconfirmed: nobody is exempt
    monkeypatch.setattr(screening, "FORM_A_EXEMPT_CLASSES", (PovertyClass.POOR,))
    officer = people["commune_a_officer"]
    client.force_login(officer)
    a0, a1, a2 = _assessments(screening_round, households_a)
    url = _url(screening_round, province["A1"])
    page = client.get(url).content.decode()
    assert "exempt from form A" in page
    assert "0 of 1 households screened in this village" in page
    refused = client.post(url, {"shown": [a0.pk], f"m-{a0.pk}": ["car"]})
    assert "exempt from form A" in refused.content.decode()
    a0.refresh_from_db()
    assert a0.screening == {}
    for a in (a1, a2):
        services.assessment_screen(actor=officer, assessment=a, markers=[])
    # h0 (poor in 2024) goes straight to form B: nothing blocks the survey step.
    assert workflow.blockers(screening_round, RoundStatus.SURVEY, DAY) == []
    monkeypatch.setattr(screening, "FORM_A_EXEMPT_CLASSES", ())
    assert workflow.blockers(screening_round, RoundStatus.SURVEY, DAY) != []


@pytest.mark.slow
def test_nine_hundred_households_are_screened_with_two_requests_per_village(
    client, people, province, django_assert_max_num_queries
):
    """9 villages x 100 households: one page and one save per village, then the survey step."""
    officer = people["commune_a_officer"]
    villages = [
        UnitFactory(
            code=f"11001-V{i}",
            name=f"Thôn {i}",
            division_type="thôn",
            level=Level.VILLAGE,
            parent=province["A"],
        )
        for i in range(9)
    ]
    for i, village in enumerate(villages):
        for n in range(100):
            make_household(village, f"31-11001-{i:02d}{n:04d}", f"Hộ {i}-{n}")
    with on_day(DAY):
        r = services.round_create(
            actor=officer, unit=province["A"], round_type=RoundType.PERIODIC, review_date=DAY
        )
        services.round_list_households(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
    assert r.assessments.count() == 900
    client.force_login(officer)
    requests = 0
    for village in villages:
        page = client.get(_url(r, village) + "?pick=all")
        requests += 1
        ids = list(r.assessments.filter(household__unit=village).values_list("pk", flat=True))
        assert page.content.decode().count('name="unchanged"') == 100
        with django_assert_max_num_queries(40):  # independent of the village's size
            saved = client.post(
                _url(r, village), {"shown": ids, "unchanged": ids, "confirmed": "on"}
            )
        requests += 1
        assert saved.status_code == 302
    assert requests == 2 * len(villages), f"900 households took {requests} requests"
    assert not r.assessments.filter(screening={}).exists()
    assert not r.assessments.filter(screened_by=None).exists()
    response = client.post(reverse("reviews:round_advance", args=[r.pk]), {"reason": ""})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == RoundStatus.SURVEY


def test_an_enumerator_of_the_commune_may_screen(
    client, people, province, households_a, screening_round
):
    h0, h1, _h2 = households_a
    client.force_login(people["enumerator_a"])
    page = client.get(_url(screening_round, province["A1"]))
    assert page.status_code == 200
    assert headings(page) == ["Form A · Thôn A1"]
    assert h0.code in page_text(page) and h1.code in page_text(page)
    village_head = UserFactory(role=Role.VILLAGE_HEAD, unit=province["A1"])
    client.force_login(village_head)
    refused = client.get(_url(screening_round, province["A1"]))
    assert_refused(refused, 403, h0.code, h1.code, "Nguyễn Văn An")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_an_officer_screens_a_village_table(live_server, province, households_a):
    """Ticks one household's markers, confirms another unchanged, saves the village once."""
    officer = UserFactory(username="hoa", role=Role.COMMUNE_OFFICER, unit=province["A"])
    chairman = UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=province["A"])
    h0, h1, h2 = households_a
    extra = [
        make_household(province["A1"], f"31-11001-00001{n}", name)
        for n, name in enumerate(["Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang"])
    ]
    run_round(officer, chairman, province["A"], 2024, {h0: POOR, h1: FOUR, h2: NOT_POOR})
    with on_day(DAY):
        r = services.round_create(
            actor=officer, unit=province["A"], round_type=RoundType.PERIODIC, review_date=DAY
        )
        services.round_list_households(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
    a0, a1 = _assessments(r, [h0, h1])
    with browser_page(width=1280, height=900) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("hoa")
        page.get_by_label("Mật khẩu").fill("pw-for-tests-only")
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(f"{live_server.url}{r.get_absolute_url()}")
        page.locator("#screening-by-village a", has_text=province["A1"].name).first.click()
        page.wait_for_url(f"**{_url(r, province['A1'])}")
        assert "0/5" in page.locator("#village-progress").inner_text()
        page.locator(f'input[name="m-{a0.pk}"][value="car"]').check()
        page.locator(f'input[name="unchanged"][value="{a1.pk}"]').check()
        page.locator("#id_confirmed").check()
        page.get_by_role("button", name="Lưu Phiếu A của thôn").click()
        page.wait_for_selector(".messages .success")
        assert "2/5" in page.locator("#village-progress").inner_text()
        path = screenshot(page, "reviews-screening-village")
    docs = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
    docs.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, docs / "screening-village.png")
    a0.refresh_from_db()
    a1.refresh_from_db()
    assert a0.screening["markers"] == ["car"] and a0.screened_by == officer
    assert a1.screened_out and a1.screened_by == officer
    assert len(extra) == 3 and not r.assessments.filter(household__in=extra).exclude(screening={})


def test_survey_step_import_records_who_changed_form_a(client, people, province, households_a):
    from giamngheo.reviews.tests.test_imports import _filled_template, column

    officer, enumerator = people["commune_a_officer"], people["enumerator_a"]
    with on_day(DAY):
        r = services.round_create(
            actor=officer, unit=province["A"], round_type=RoundType.PERIODIC, review_date=DAY
        )
        services.round_list_households(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
        for a in r.assessments.all():
            services.assessment_screen(actor=officer, assessment=a, markers=[])
        services.round_advance(actor=officer, review_round=r)
    client.force_login(enumerator)
    wb = load_workbook(io.BytesIO(_filled_template(client, r)))
    hh = wb["Households"]
    col = column(hh, "form_a_markers")
    for row in hh.iter_rows(min_row=2):
        if row[0].value == households_a[0].code:
            row[col].value = "car"
    assert _upload(client, r, wb).status_code == 302
    a0, a1, _a2 = _assessments(r, households_a)
    assert a0.screening["markers"] == ["car"] and a0.screened_by == enumerator
    assert a1.screened_by == officer  # its markers did not change
