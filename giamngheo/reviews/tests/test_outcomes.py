import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from giamngheo.households.models import LifeEvent, ResidentCount
from giamngheo.households.services.events import life_event_record
from giamngheo.households.vocab import LifeEventKind
from giamngheo.reviews import services
from giamngheo.reviews.models import Baseline, Flow
from giamngheo.reviews.selectors import flow_counts, flow_identity
from giamngheo.reviews.tests.conftest import NEAR_POOR, NOT_POOR, POOR, make_household
from giamngheo.reviews.tests.helpers import run_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def six(province):
    return [
        make_household(province["A1" if i % 2 else "A2"], f"31-11001-10000{i}") for i in range(1, 7)
    ]


def _flows(r):
    return {o.household.code[-1]: o.flow for o in r.outcomes.select_related("household")}


def test_flows_over_two_approved_years_detect_relapse_and_satisfy_the_identity(
    people, province, six
):
    officer, chairman = people["commune_a_officer"], people["commune_a_chairman"]
    h1, h2, h3, h4, h5, h6 = six
    services.baseline_create(
        actor=people["province_officer"],
        unit=province["A"],
        year=2023,
        decision_number="3208/QĐ-UBND",
        decision_date=dt.date(2023, 12, 20),
        entries=[
            (h1.code, "nghèo"),
            (h2.code, "poor"),
            (h3.code, "cận nghèo"),
            (h4.code, "near_poor"),
        ],
    )
    LifeEvent.objects.create(household=h4, kind=LifeEventKind.MOVED_AWAY, date=dt.date(2024, 5, 1))

    r2024 = run_round(
        officer,
        chairman,
        province["A"],
        2024,
        {h1: NOT_POOR, h2: POOR, h3: POOR, h5: POOR, h6: NEAR_POOR},
    )
    assert _flows(r2024) == {
        "1": Flow.ESCAPED_ABOVE_NEAR_POOR,
        "2": Flow.STAYED_POOR,
        "3": Flow.NEAR_POOR_TO_POOR,
        "4": Flow.LEFT_LISTS,
        "5": Flow.NEW_POOR,
        "6": Flow.NEW_NEAR_POOR,
    }
    identity = flow_identity(r2024)
    assert identity["poor"]["start"] == 2 and identity["poor"]["end"] == 3
    assert identity["near_poor"]["start"] == 2 and identity["near_poor"]["end"] == 1
    assert identity["poor"]["holds"] and identity["near_poor"]["holds"]

    r2025 = run_round(officer, chairman, province["A"], 2025, {h1: POOR, h2: NEAR_POOR})
    flows = _flows(r2025)
    assert flows["1"] == Flow.RELAPSED_POOR  # escaped in 2024, poor again, same standard
    assert flows["2"] == Flow.ESCAPED_TO_NEAR_POOR
    assert flows["3"] == Flow.STAYED_POOR  # not reviewed: keeps its class
    identity = flow_identity(r2025)
    assert identity["poor"] == {
        "start": 3,
        "escaped_to_near_poor": 1,
        "escaped_above_near_poor": 0,
        "other_out": 0,
        "from_other_list": 0,
        "relapsed": 1,
        "new": 0,
        "other_in": 0,
        "end": 3,
        "holds": True,
    }
    assert identity["near_poor"]["holds"]

    counts = flow_counts(actor=officer, review_round=r2025)
    assert counts[Flow.RELAPSED_POOR] == 1 and counts[Flow.NEW_POOR] == 0
    assert (
        flow_counts(actor=people["commune_b_officer"], review_round=r2025)[Flow.RELAPSED_POOR] == 0
    )
    assert (
        flow_counts(actor=people["province_officer"], unit=province["P"], year=2024)[Flow.NEW_POOR]
        == 1
    )


def test_a_household_that_moved_away_is_counted_out_once_and_not_listed_the_next_year(
    people, province, six
):
    """Moved away in 2024 and taken off the lists by the 2024 round, h2 does not come back on
    the 2025 start list: 2025 starts where 2024 ended, and "other out" counts it once."""
    officer, chairman = people["commune_a_officer"], people["commune_a_chairman"]
    h1, h2 = six[:2]
    services.baseline_create(
        actor=people["province_officer"],
        unit=province["A"],
        year=2023,
        decision_number="3208/QĐ-UBND",
        decision_date=dt.date(2023, 12, 20),
        entries=[(h1.code, "poor"), (h2.code, "poor")],
    )
    life_event_record(
        actor=officer,
        household=h2,
        kind=LifeEventKind.MOVED_AWAY,
        date=dt.date(2024, 5, 1),
        reason="Chuyển đi nơi khác",
    )
    r2024 = run_round(officer, chairman, province["A"], 2024, {h1: POOR})
    assert _flows(r2024) == {"1": Flow.STAYED_POOR, "2": Flow.LEFT_LISTS}
    r2025 = run_round(officer, chairman, province["A"], 2025, {h1: POOR})
    assert _flows(r2025) == {"1": Flow.STAYED_POOR}
    before, after = flow_identity(r2024)["poor"], flow_identity(r2025)["poor"]
    assert (before["start"], before["other_out"], before["end"]) == (2, 1, 1)
    assert (after["start"], after["other_out"], after["end"]) == (1, 0, 1)


def test_escape_under_an_earlier_standard_is_not_a_relapse(people, province, six):
    officer, chairman = people["commune_a_officer"], people["commune_a_chairman"]
    h1 = six[0]
    first = run_round(officer, chairman, province["A"], 2024, {h1: POOR})
    assert _flows(first) == {"1": Flow.NEW_POOR}  # no baseline: nobody was on the lists
    run_round(officer, chairman, province["A"], 2025, {h1: NOT_POOR})
    r2026 = run_round(officer, chairman, province["A"], 2026, {h1: POOR})
    assert r2026.standard == "vn-2027"
    assert _flows(r2026) == {"1": Flow.NEW_POOR}


def test_baseline_import_reports_every_bad_row_at_once(people, province, six):
    with pytest.raises(ValidationError) as err:
        services.baseline_create(
            actor=people["province_officer"],
            unit=province["A"],
            year=2023,
            decision_number="1/QĐ",
            decision_date=dt.date(2023, 12, 20),
            entries=[("31-99999-000000", "nghèo"), (six[0].code, "giàu")],
        )
    assert len(err.value.messages) == 2
    assert "Row 2" in err.value.messages[0] and "Row 3" in err.value.messages[1]


def test_baseline_is_imported_from_a_file_through_the_page(client, people, province, six):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from giamngheo.reviews.models import Baseline

    client.force_login(people["province_officer"])
    csv = f"household_code,class\n{six[0].code},nghèo\n\n{six[1].code},cận nghèo\n31-0,giàu\n"
    data = {
        "unit": province["A"].pk,
        "year": 2024,
        "decision_number": "3208/QĐ-UBND",
        "decision_date": "2024-12-20",
    }
    page = client.post(
        reverse("reviews:baseline_import"),
        {**data, "file": SimpleUploadedFile("ds.csv", csv.encode())},
    ).content.decode()
    assert "Row 5" in page and "Row 4" not in page
    assert not Baseline.objects.exists()
    csv = f"household_code,class\n{six[0].code},nghèo\n{six[1].code},cận nghèo\n"
    response = client.post(
        reverse("reviews:baseline_import"),
        {**data, "file": SimpleUploadedFile("ds.csv", csv.encode())},
    )
    assert response.status_code == 302
    baseline = Baseline.objects.get()
    assert baseline.standard == "vn-2022"
    assert dict(baseline.entries.values_list("household__code", "poverty_class")) == {
        six[0].code: "poor",
        six[1].code: "near_poor",
    }
    client.force_login(people["commune_a_officer"])
    page = client.post(
        reverse("reviews:baseline_import"),
        {**data, "year": 2023, "file": SimpleUploadedFile("ds.csv", csv.encode())},
    )
    assert page.status_code == 403 and Baseline.objects.count() == 1  # the province's list


def test_commune_officer_cannot_record_the_provinces_baseline_list(people, province, six):
    """The start-of-period lists are those the province's decision recognised, not the commune's."""
    entries = [(six[0].code, "nghèo")]
    with pytest.raises(PermissionDenied):
        services.baseline_create(
            actor=people["commune_a_officer"],
            unit=province["A"],
            year=2023,
            decision_number="1/QĐ",
            decision_date=dt.date(2023, 12, 20),
            entries=entries,
        )
    assert not Baseline.objects.exists()


def test_round_page_rates_follow_the_one_rule_of_every_published_rate(
    client, people, province, six
):
    """report-forms.md §5.2: 3 poor of 800 residents is 0,375 % published as 0,38 (half up);
    a resident count of 0 gives no rate (a dash), never a division error or 0 %."""
    officer, chairman = people["commune_a_officer"], people["commune_a_chairman"]
    h1, h2, h3, *_ = six
    r = run_round(officer, chairman, province["A"], 2024, {h1: POOR, h2: POOR, h3: POOR})
    residents = ResidentCount.objects.create(unit=province["A"], year=2024, households=800)
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    html = client.get(r.get_absolute_url()).content.decode()
    assert residents.household_rate(3) == Decimal("0.38")
    assert "Poverty rate: 0.38%" in html and "near-poverty rate: 0.00%" in html
    ResidentCount.objects.filter(pk=residents.pk).update(households=0)
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Poverty rate: —; near-poverty rate: —." in html
