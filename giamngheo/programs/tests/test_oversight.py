import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from giamngheo.programs.models import AwardForm, Commendation, ConferenceKind, ReviewKind
from giamngheo.programs.selectors import inspection_list, recommendations_overdue
from giamngheo.programs.services import (
    commendation_award,
    conference_hold,
    inspection_plan,
    inspection_record,
    recommendation_add,
    recommendation_follow_up,
    review_hold,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(units, former_program, former_orgs, province_officer):
    inspection = inspection_plan(
        actor=province_officer,
        title="Kiểm tra hỗ trợ nhà ở tại xã FA",
        unit=units["FA"],
        planned_on=dt.date(2024, 9, 10),
        program=former_program,
        lead_organisation=former_orgs[1],
    )
    return inspection_record(
        actor=province_officer,
        inspection=inspection,
        conducted_on=dt.date(2024, 9, 12),
        findings="Hai hộ chưa hoàn thiện nhà",
    )


def test_overdue_recommendations_are_flagged(
    inspection, former_orgs, province_officer, other_province_officer
):
    late = recommendation_add(
        actor=province_officer,
        inspection=inspection,
        text="Hoàn thiện nhà cho hai hộ",
        responsible=former_orgs[0],
        deadline=dt.date(2024, 12, 31),
    )
    recommendation_add(
        actor=province_officer,
        inspection=inspection,
        text="Báo cáo kết quả",
        responsible=former_orgs[0],
        deadline=dt.date(2025, 3, 31),
    )
    today = dt.date(2025, 1, 15)
    assert list(recommendations_overdue(actor=province_officer, today=today)) == [late]
    assert late.is_overdue(today)
    assert not recommendations_overdue(actor=other_province_officer, today=today).exists()
    assert list(inspection_list(actor=province_officer)) == [inspection]


def test_responsible_partner_reports_follow_up_and_clears_the_flag(
    inspection, former_orgs, province_officer, department_officer, front_officer
):
    recommendation = recommendation_add(
        actor=province_officer,
        inspection=inspection,
        text="Hoàn thiện nhà",
        responsible=former_orgs[0],
        deadline=dt.date(2024, 12, 31),
    )
    with pytest.raises(PermissionDenied):
        recommendation_follow_up(
            actor=front_officer,
            recommendation=recommendation,
            status="done",
            follow_up="",
            resolved_on=dt.date(2025, 1, 2),
        )
    with pytest.raises(ValidationError):
        recommendation_follow_up(
            actor=department_officer, recommendation=recommendation, status="done", follow_up="Xong"
        )
    recommendation_follow_up(
        actor=department_officer,
        recommendation=recommendation,
        status="done",
        follow_up="Đã hoàn thiện",
        resolved_on=dt.date(2025, 1, 2),
    )
    assert not recommendations_overdue(actor=province_officer, today=dt.date(2025, 2, 1)).exists()


def test_recommendation_deadline_before_the_inspection_is_refused(
    inspection, former_orgs, province_officer
):
    with pytest.raises(ValidationError):
        recommendation_add(
            actor=province_officer,
            inspection=inspection,
            text="x",
            responsible=former_orgs[0],
            deadline=dt.date(2024, 1, 1),
        )


def test_reviews_commendations_and_conferences_are_recorded(
    former_program, former_orgs, province_officer
):
    review = review_hold(
        actor=province_officer,
        program=former_program,
        kind=ReviewKind.PRELIMINARY,
        held_on=dt.date(2024, 1, 20),
        period_label="2023",
    )
    commendation_award(
        actor=province_officer,
        program=former_program,
        review=review,
        decision_number="125/QĐ-SLĐTBXH",
        decided_on=dt.date(2024, 1, 20),
        award_form=AwardForm.CERTIFICATE,
        recipient_organisation=former_orgs[1],
    )
    commendation_award(
        actor=province_officer,
        program=former_program,
        decision_number="126/QĐ-SLĐTBXH",
        decided_on=dt.date(2024, 1, 20),
        award_form=AwardForm.LETTER_OF_PRAISE,
        recipient_person="Nguyễn Thị Lan",
    )
    conference_hold(
        actor=province_officer,
        program=former_program,
        kind=ConferenceKind.CONFERENCE,
        title="Hội nghị sơ kết",
        held_on=dt.date(2024, 1, 20),
        participant_count=120,
        minutes="Biên bản hội nghị",
    )
    assert former_program.commendations.count() == 2
    assert former_program.conferences.get().participant_count == 120
    assert review.commendations.count() == 1


def test_commendation_needs_a_recipient(former_program, province_officer):
    with pytest.raises(ValidationError):
        commendation_award(
            actor=province_officer,
            program=former_program,
            decision_number="1/QĐ",
            decided_on=dt.date(2024, 1, 1),
            award_form=AwardForm.CERTIFICATE,
            recipient_person="   ",
        )
    assert not Commendation.objects.exists()


def test_other_province_cannot_plan_inspections_here(units, other_province_officer):
    with pytest.raises(PermissionDenied):
        inspection_plan(
            actor=other_province_officer, title="x", unit=units["A"], planned_on=dt.date(2025, 8, 1)
        )
