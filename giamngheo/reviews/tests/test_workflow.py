import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews import services, workflow
from giamngheo.reviews.facts import contract_input
from giamngheo.reviews.models import Attachment, ReviewRound, RoundStatus, RoundType
from giamngheo.reviews.screening import MARKER_CODES
from giamngheo.reviews.tests.conftest import NOT_POOR, POOR, on_day, pdf_file
from giamngheo.reviews.tests.helpers import answer, run_round
from giamngheo.reviews.workdays import add_working_days, period_end
from giamngheo.standards import classify_household

pytestmark = pytest.mark.django_db


def _open(people, province, day=dt.date(2025, 10, 1)):
    with on_day(day):
        return services.round_create(
            actor=people["commune_a_officer"],
            unit=province["A"],
            round_type=RoundType.PERIODIC,
            review_date=day,
        )


def test_periodic_round_in_2025_uses_vn_2022_and_in_2026_uses_vn_2027(people, province):
    assert _open(people, province).standard == "vn-2022"
    assert _open(people, province, dt.date(2026, 10, 1)).standard == "vn-2027"


def test_ad_hoc_round_uses_the_standard_in_force_on_its_date(people, province):
    with on_day(dt.date(2026, 3, 16)):
        r = services.round_create(
            actor=people["commune_a_officer"],
            unit=province["A"],
            round_type=RoundType.AD_HOC,
            review_date=dt.date(2026, 3, 16),
        )
    assert r.standard == "vn-2022"
    assert workflow.round_deadline(r) == dt.date(2026, 3, 31)


def test_periodic_round_outside_september_to_mid_december_is_refused(people, province):
    with pytest.raises(ValidationError, match="01/09/2025"):
        _open(people, province, dt.date(2025, 12, 20))


def test_steps_cannot_be_skipped(people, province, households_a):
    r = _open(people, province)
    officer = people["commune_a_officer"]
    with on_day(dt.date(2025, 10, 1)):
        with pytest.raises(ValidationError, match="List the households"):
            services.round_advance(actor=officer, review_round=r)
        with pytest.raises(ValidationError, match="cannot be skipped"):
            services.round_advance(actor=officer, review_round=r, target=RoundStatus.SURVEY)
        services.round_list_households(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
        with pytest.raises(ValidationError, match="no form A screening"):
            services.round_advance(actor=officer, review_round=r)
        with pytest.raises(ValidationError, match="cannot be skipped"):
            services.round_advance(actor=officer, review_round=r, target=RoundStatus.APPROVED)
    assert [t.to_status for t in r.transitions.all()] == ["listing", "screening"]
    assert r.transitions.last().actor == officer


def test_four_form_a_markers_screen_a_household_out(people, province, households_a):
    r = _open(people, province)
    officer = people["commune_a_officer"]
    with on_day(dt.date(2025, 10, 1)):
        services.round_list_households(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
        a, b, c = r.assessments.order_by("household__code")
        services.assessment_screen(actor=officer, assessment=a, markers=list(MARKER_CODES[:4]))
        services.assessment_screen(actor=officer, assessment=b, markers=list(MARKER_CODES[:3]))
    assert a.screened_out and a.poverty_class == PovertyClass.NOT_POOR
    assert not b.screened_out and b.poverty_class == ""


def test_survey_answers_are_classified_by_the_engine_and_stored_with_its_version(
    people, province, households_a
):
    r = _open(people, province)
    officer = people["commune_a_officer"]
    with on_day(dt.date(2025, 10, 1)):
        services.round_list_households(actor=officer, review_round=r, households=households_a[:1])
        services.round_advance(actor=officer, review_round=r)
        a = r.assessments.get()
        services.assessment_screen(actor=officer, assessment=a, markers=[])
        services.round_advance(actor=officer, review_round=r)
        answer(officer, a, POOR)
    a.refresh_from_db()
    assert a.poverty_class == PovertyClass.POOR
    assert a.standard == "vn-2022" and a.engine_version
    assert {"housing_quality", "hygienic_latrine", "domestic_water"} <= set(a.deprived)
    assert a.explanation[-1]["code"] == "class_rule"
    assert a.members[0]["member_id"] == str(households_a[0].members.get().pk)


def test_round_refuses_its_standard_once_not_in_force_on_its_date_selection_rule_spec_0(
    people, province, households_a
):
    """poverty-standards.md §0: a round applies the standard in force for its date; the
    engine's "named standard wins" (household-facts.md) is for classify, not for a round."""
    r = _open(people, province)
    officer = people["commune_a_officer"]
    with on_day(dt.date(2025, 10, 1)):
        services.round_list_households(actor=officer, review_round=r, households=households_a[:1])
        services.round_advance(actor=officer, review_round=r)
        a = r.assessments.get()
        services.assessment_screen(actor=officer, assessment=a, markers=[])
        services.round_advance(actor=officer, review_round=r)
        # The date moved after opening (the admin can edit it): vn-2022 ends 2026-12-31.
        ReviewRound.objects.filter(pk=r.pk).update(review_date=dt.date(2026, 10, 1))
        a.round.refresh_from_db()
        answer(officer, a, POOR)
    a.refresh_from_db()
    assert a.poverty_class == ""
    assert a.classification_error == {
        "table": "households",
        "row": 1,
        "field": "standard",
        "message": "standard vn-2022 is valid 2022-01-01..2026-12-31, not on 2027-01-01",
    }
    # The engine alone would classify the same facts under the named standard, with a warning.
    line = classify_household(contract_input(a))
    assert line["standard"] == "vn-2022" and line["warnings"][0]["code"] == "standard_not_in_force"


def test_meeting_with_less_than_half_agreeing_must_be_redone(people, province, households_a):
    r = run_round(
        people["commune_a_officer"],
        people["commune_a_chairman"],
        province["A"],
        2025,
        {households_a[0]: POOR},
        approve=False,
    )
    assert r.status == RoundStatus.APPROVAL
    # A second round, stopped at the meeting.
    with on_day(dt.date(2025, 10, 2)):
        r2 = services.round_create(
            actor=people["commune_a_officer"],
            unit=province["A"],
            round_type=RoundType.AD_HOC,
            review_date=dt.date(2025, 10, 2),
        )
        officer = people["commune_a_officer"]
        services.round_list_households(actor=officer, review_round=r2, households=households_a[1:2])
        services.round_advance(actor=officer, review_round=r2)
        a = r2.assessments.get()
        services.assessment_screen(actor=officer, assessment=a, markers=[])
        services.round_advance(actor=officer, review_round=r2)
        answer(officer, a, NOT_POOR)
        services.round_advance(actor=officer, review_round=r2)
        services.round_record_meeting(
            actor=officer, review_round=r2, held_on=dt.date(2025, 10, 2), attendees=20, agreed=9
        )
        with pytest.raises(ValidationError) as err:
            services.round_advance(actor=officer, review_round=r2)
        messages = " ".join(err.value.messages)
        assert "minutes" in messages and "redone" in messages
        services.attachment_add(
            actor=officer, review_round=r2, kind=Attachment.Kind.MEETING_MINUTES, file=pdf_file()
        )
    with on_day(dt.date(2025, 10, 2), hour=10):
        services.round_advance(
            actor=officer, review_round=r2, target=RoundStatus.SURVEY, reason="Dưới 50% đồng ý"
        )
        r2.refresh_from_db()
        assert r2.status == RoundStatus.SURVEY and r2.meeting_attendees is None
        services.round_advance(actor=officer, review_round=r2)
        services.round_record_meeting(
            actor=officer, review_round=r2, held_on=dt.date(2025, 10, 2), attendees=20, agreed=10
        )
    with on_day(dt.date(2025, 10, 3)), pytest.raises(ValidationError, match="minutes"):
        services.round_advance(actor=officer, review_round=r2)  # the first minutes do not count
    assert r2.transitions.filter(to_status=RoundStatus.SURVEY, reason="Dưới 50% đồng ý").exists()


def test_posting_lasts_three_working_days_and_skips_weekends_and_holidays(
    people, province, households_a
):
    from giamngheo.reviews.models import PublicHoliday

    # Posted Thursday 28/8/2025: Thu, Fri, (weekend), (1/9 and 2/9 holidays), Wed 3/9.
    # 1 and 2 September 2025 are seeded holidays.
    assert (
        PublicHoliday.objects.filter(date__in=[dt.date(2025, 9, 1), dt.date(2025, 9, 2)]).count()
        == 2
    )
    assert period_end(dt.date(2025, 8, 28), 3) == dt.date(2025, 9, 3)
    assert add_working_days(dt.date(2025, 10, 3), 7) == dt.date(2025, 10, 14)
    PublicHoliday.objects.create(date=dt.date(2025, 10, 6), name="Nghỉ bù")
    assert add_working_days(dt.date(2025, 10, 3), 7) == dt.date(2025, 10, 15)


def test_posting_cannot_end_early(people, province, households_a):
    officer = people["commune_a_officer"]
    r = run_round(
        officer,
        people["commune_a_chairman"],
        province["A"],
        2025,
        {households_a[0]: POOR},
        approve=False,
    )
    assert r.posting_started_on == dt.date(2025, 10, 1)
    assert r.posting_ends_on == dt.date(2025, 10, 3)
    transitions = list(r.transitions.values_list("to_status", flat=True))
    assert transitions[-2:] == ["complaints", "approval"]


def test_only_the_commune_chairman_approves_and_an_approved_round_is_locked(
    people, province, households_a
):
    officer, chairman = people["commune_a_officer"], people["commune_a_chairman"]
    r = run_round(officer, chairman, province["A"], 2025, {households_a[0]: POOR}, approve=False)
    day = r.posting_ends_on + dt.timedelta(days=1)
    with on_day(day):
        for intruder in (officer, people["commune_b_chairman"], people["province_officer"]):
            with pytest.raises(PermissionDenied):
                services.round_approve(
                    actor=intruder, review_round=r, decision_number="1/QĐ", decision_date=day
                )
        with pytest.raises(ValidationError, match="decision number"):
            services.round_approve(
                actor=chairman, review_round=r, decision_number=" ", decision_date=day
            )
        services.round_approve(
            actor=chairman, review_round=r, decision_number="12/QĐ-UBND", decision_date=day
        )
        r.refresh_from_db()
        assert r.is_locked and r.approved_by == chairman and r.decision_number == "12/QĐ-UBND"
        a = r.assessments.get()
        with pytest.raises(ValidationError, match="locked"):
            services.assessment_save_section(
                actor=officer, assessment=a, section="general", data={"income_per_capita_month": 1}
            )


def test_commune_officer_cannot_act_on_another_communes_round(people, province, households_a):
    r = _open(people, province)
    with pytest.raises(PermissionDenied):
        services.round_list_households(actor=people["commune_b_officer"], review_round=r)
    with pytest.raises(PermissionDenied):
        services.round_create(
            actor=people["commune_b_officer"],
            unit=province["A"],
            round_type=RoundType.PERIODIC,
            review_date=dt.date(2025, 10, 2),
        )


def test_overdue_rounds_are_flagged(people, province, households_a):
    from giamngheo.reviews.selectors import overdue_rounds

    r = _open(people, province)
    assert not overdue_rounds(actor=people["commune_a_officer"], today=dt.date(2025, 12, 14))
    assert list(overdue_rounds(actor=people["commune_a_officer"], today=dt.date(2025, 12, 15))) == [
        r
    ]
    assert not overdue_rounds(actor=people["commune_b_officer"], today=dt.date(2025, 12, 15))
