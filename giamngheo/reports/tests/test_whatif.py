"""The what-if page: a commune or the province under another standard, beside the approved round.

Commune A's 2025 round (approved, vn-2022, rural lines 1.5 m and band to 2.25 m) has five
households classified by the engine from their facts: two poor (income 1.2 m, three
deprivations), one near-poor (1.4 m), one middle (1.9 m), one not poor (2.6 m). B has no round.
"""

import datetime as dt

import pytest
from django.utils import translation

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.households.models import Household, Member, ResidentCount
from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.reports.selectors.whatif import (
    APPROVED,
    IN_PROGRESS,
    NO_ROUND,
    whatif_report,
    whatif_standard,
)
from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus
from giamngheo.reviews.services import round_snapshot_take
from giamngheo.reviews.services.assessments import assessment_classify
from giamngheo.tests.pages import assert_refused, page_text

pytestmark = pytest.mark.django_db

HEALTHY = {
    "sex": "male",
    "date_of_birth": "1985-03-01",
    "relation": "head",
    "health_insurance": True,
    "in_school": False,
    "diploma": "upper_secondary",
    "vocational_training": False,
    "employment": "self_employed",
    "working_capacity": True,
    "disability": "none",
    "social_allowance": False,
    "child_nutrition": None,
    "ill_untreated": False,
}
GOOD_HOME = {
    "area": "rural",
    "nlnn": False,
    "housing_type": "solid",
    "floor_area_m2": 100.0,
    "domestic_water": "safe",
    "hygienic_latrine": True,
    "uses_telecom": True,
    "info_devices": ["tv"],
    "hears_loudspeaker": True,
    "waste_treated": True,
}
# Three deprivations under vn-2022: housing quality, housing area and latrine.
POOR_HOME = {
    **GOOD_HOME,
    "housing_type": "simple",
    "floor_area_m2": 10.0,
    "hygienic_latrine": False,
}


def surveyed(review_round, village, income, *, home=GOOD_HOME, persons=2):
    household = HouseholdFactory(unit=village, area="rural")
    members = [
        {
            **HEALTHY,
            "member_id": str(household.pk * 10 + i),
            "relation": "head" if i == 0 else "spouse",
        }
        for i in range(persons)
    ]
    assessment = Assessment(
        round=review_round,
        household=household,
        facts={**home, "income_per_capita_month": income},
        members=members,
        income_per_capita_month=income,
    )
    assessment_classify(assessment)
    assessment.save()
    return assessment


def a_round(unit, year, status=RoundStatus.APPROVED):
    return ReviewRound.objects.create(
        unit=unit,
        year=year,
        review_date=dt.date(year, 11, 1),
        standard="vn-2022",
        status=status,
        decision_number="1/QĐ-UBND" if status == RoundStatus.APPROVED else "",
        decision_date=dt.date(year, 12, 20) if status == RoundStatus.APPROVED else None,
    )


@pytest.fixture
def units():
    u = build_small_province()
    rnd = a_round(u["A"], 2025)
    for income, home in (
        (1_200_000, POOR_HOME),
        (1_200_000, POOR_HOME),
        (1_400_000, GOOD_HOME),
        (1_900_000, GOOD_HOME),
        (2_600_000, GOOD_HOME),
    ):
        surveyed(rnd, u["A1"], income, home=home)
    assert sorted(rnd.assessments.values_list("poverty_class", flat=True)) == [
        "middle",
        "near_poor",
        "not_poor",
        "poor",
        "poor",
    ]
    round_snapshot_take(review_round=rnd)
    ResidentCount.objects.create(unit=u["A"], year=2025, households=100, persons=400)
    u["round_A"] = rnd
    return u


def officer(u, role=Role.PROVINCE_OFFICER, unit="P"):
    return UserFactory(role=role, unit=u[unit])


def cells(compare_row):
    return {c["key"]: c for c in compare_row.cells()}


def test_the_rounds_own_standard_gives_the_approved_counts(units):
    report = whatif_report(
        actor=officer(units), unit=units["A"], standard=whatif_standard("vn-2022")
    )
    assert report.year == 2025 and report.total.source == APPROVED
    c = cells(report.total)
    for key, households in (("poor", 2), ("near_poor", 1), ("middle", 1)):
        assert c[key]["approved"]["households"] == households
        assert c[key]["whatif"] == c[key]["approved"]
        assert c[key]["difference"] == {
            "households": 0,
            "persons": 0,
            "rate": 0,
            "persons_rate": 0,
        }
    assert c["not_poor"]["whatif"]["households"] == 1 and c["not_poor"]["approved"] is None
    assert c["poor"]["whatif"]["rate"] == 2 and c["poor"]["whatif"]["persons_rate"] == 1
    assert report.warnings == []


def test_poverty_standards_s0_raised_province_lines_make_more_households_poor_or_near_poor(units):
    raised = whatif_standard(
        "vn-2022", {"rural": {"poverty_line": 2_000_000, "middle_upper": 3_000_000}}
    )
    report = whatif_report(actor=officer(units), unit=units["A"], standard=raised)
    c = cells(report.total)
    assert report.raised
    # 1.9 m is now at or under the line with no deprivation: near-poor; 2.6 m is middle.
    assert c["near_poor"]["whatif"]["households"] == 2
    assert c["near_poor"]["difference"]["households"] == 1
    assert c["middle"]["whatif"]["households"] == 1
    assert c["not_poor"]["whatif"]["households"] == 0


def test_decree_351_2025_named_vn_2027_for_the_2025_review_is_shown_with_a_warning(units, client):
    client.force_login(officer(units))
    page = client.get(
        "/reports/what-if/",
        {"unit": units["A"].pk, "standard": "vn-2027"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    warning = page_text(page, within="whatif-warnings")
    assert "Chuẩn nghèo đa chiều giai đoạn 2027 - 2030" in warning and "01/01/2026" in warning
    assert "vn-20" not in page_text(page)
    table = page_text(page, within="whatif-table")
    assert "Hộ nghèo" in table and "Hộ cận nghèo" in table


def test_the_page_shows_approved_what_if_and_difference_in_vietnamese(units, client):
    client.force_login(officer(units))
    page = client.get(
        "/reports/what-if/",
        {
            "unit": units["A"].pk,
            "standard": "vn-2022",
            "rural_poverty_line": "2000000",
            "rural_middle_upper": "3000000",
        },
    )
    text = page_text(page, within="whatif-result")
    assert "Kết quả rà soát đã phê duyệt" in text
    assert "Giả định" in text and "Chênh lệch" in text
    assert "+1" in page_text(page, within="whatif-table")


def test_a_province_line_below_the_national_one_is_refused_beside_its_field(units, client):
    client.force_login(officer(units))
    page = client.get(
        "/reports/what-if/",
        {"unit": units["A"].pk, "standard": "vn-2022", "rural_poverty_line": "1000000"},
    )
    assert page.status_code == 200
    error = page_text(page, within="error-rural_poverty_line")
    assert "chỉ được nâng" in error and "1.500.000" in error
    assert "whatif-result" not in page.content.decode()


def test_province_view_has_one_row_per_commune(units, client, django_capture_on_commit_callbacks):
    rnd = a_round(units["B"], 2026, status=RoundStatus.SURVEY)
    surveyed(rnd, units["B1"], 1_000_000)
    report = whatif_report(
        actor=officer(units), unit=units["P"], standard=whatif_standard("vn-2022")
    )
    by_label = {r.label: r for r in report.rows}
    assert by_label["Xã A"].source == APPROVED
    assert by_label["Phường B"].source == IN_PROGRESS and by_label["Phường B"].approved is None
    assert cells(by_label["Phường B"])["near_poor"]["whatif"]["households"] == 1
    assert cells(report.total)["poor"]["whatif"]["households"] == 2
    client.force_login(officer(units))
    params = {"unit": units["P"].pk, "standard": "vn-2022"}
    form = client.get("/reports/what-if/", params)
    assert "whatif-start" in form.content.decode()  # a province runs as a background job
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/reports/what-if/", params)
    assert started.status_code == 302
    job = Job.objects.get(kind="reports.whatif")
    assert job.status == JobStatus.SUCCEEDED
    page = client.get(started["Location"])
    communes = page_text(page, within="whatif-communes")
    assert "Xã A" in communes and "Phường B" in communes and "vòng rà soát đang làm" in communes
    assert "Có 1 xã, phường chưa có kết quả rà soát năm 2025" in page_text(
        page, within="outside-approved"
    )
    assert "Đã phân loại lại 6 hộ" in page_text(page, within="whatif-result")


def test_a_province_job_in_progress_is_polled_and_belongs_to_its_owner(units, client):
    owner = officer(units)
    job = Job.objects.create(
        kind="reports.whatif", title="x", owner=owner, params={"unit_id": units["P"].pk}
    )
    client.force_login(owner)
    params = {"unit": units["P"].pk, "standard": "vn-2022", "job": job.pk}
    page = client.get("/reports/what-if/", params)
    assert "hx-trigger" in page.content.decode()
    assert "Đang chờ" in page_text(page, within="whatif-job") or job.get_status_display() in (
        page_text(page, within="whatif-job")
    )
    client.force_login(officer(units))
    assert client.get("/reports/what-if/", params).status_code == 404


def test_a_commune_with_no_round_and_no_households_says_so(units, client):
    report = whatif_report(
        actor=officer(units), unit=units["B"], standard=whatif_standard("vn-2022")
    )
    assert report.year is None and report.total.source == NO_ROUND
    assert report.households == 0
    assert cells(report.total)["poor"]["whatif"]["households"] == 0
    client.force_login(officer(units))
    page = client.get("/reports/what-if/", {"unit": units["B"].pk, "standard": "vn-2022"})
    assert "chưa có kết quả rà soát được phê duyệt" in page_text(page, within="no-approved-round")
    assert "Chênh lệch" not in page_text(page, within="whatif-table")


def test_commune_officer_runs_it_for_their_own_commune_only(units, client):
    client.force_login(officer(units, Role.COMMUNE_OFFICER, "A"))
    own = client.get("/reports/what-if/", {"unit": units["A"].pk, "standard": "vn-2022"})
    assert "Xã A" in page_text(own, within="whatif-result")
    other = client.get("/reports/what-if/", {"unit": units["B"].pk, "standard": "vn-2022"})
    assert "whatif-result" not in other.content.decode()
    assert "Phường B" not in page_text(other, within="whatif-form")
    province = client.get("/reports/what-if/", {"unit": units["P"].pk, "standard": "vn-2022"})
    assert "whatif-result" not in province.content.decode()


@pytest.mark.parametrize("role", [Role.PARTNER_OFFICER, Role.AUDITOR, Role.ENUMERATOR])
def test_roles_that_do_not_edit_records_are_refused(units, client, role):
    client.force_login(officer(units, role, "P" if role != Role.ENUMERATOR else "A"))
    assert_refused(
        client.get("/reports/what-if/", {"unit": units["A"].pk, "standard": "vn-2022"}), 403
    )


def test_the_dashboard_links_the_what_if_page_for_those_who_may_run_it(units, client):
    client.force_login(officer(units))
    page = client.get("/reports/", {"unit": units["P"].pk, "year": 2025})
    assert "/reports/what-if/" in page.content.decode()
    client.force_login(officer(units, Role.PARTNER_OFFICER))
    page = client.get("/reports/", {"unit": units["P"].pk, "year": 2025})
    assert "/reports/what-if/" not in page.content.decode()


def test_running_a_what_if_writes_nothing(units, client, django_capture_on_commit_callbacks):
    def state():
        return (
            Household.objects.count(),
            Member.objects.count(),
            Assessment.objects.count(),
            Assessment.history.count(),
            Household.history.count(),
            list(Assessment.objects.order_by("pk").values_list("poverty_class", "standard")),
        )

    before = state()
    client.force_login(officer(units))
    for unit in ("A", "P"):
        page = client.get(
            "/reports/what-if/",
            {"unit": units[unit].pk, "standard": "vn-2027", "rural_poverty_line": "2500000"},
        )
        assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/reports/what-if/",
            {"unit": units["P"].pk, "standard": "vn-2027", "rural_poverty_line": "2500000"},
        )
    assert client.get(started["Location"]).status_code == 200
    assert Job.objects.get().status == JobStatus.SUCCEEDED
    assert state() == before


def test_bad_facts_are_listed_with_the_household_and_field(units):
    broken = surveyed(units["round_A"], units["A2"], 1_000_000)
    Assessment.objects.filter(pk=broken.pk).update(facts={**GOOD_HOME})
    report = whatif_report(
        actor=officer(units), unit=units["A"], standard=whatif_standard("vn-2022")
    )
    assert report.unclassified == 1
    ((code, fld, message),) = report.errors
    assert code == broken.household.code and fld == "income_per_capita_month"
    with translation.override("vi"):
        assert cells(report.total)["unclassified"]["whatif"]["households"] == 1
