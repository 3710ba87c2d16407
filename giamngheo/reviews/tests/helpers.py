"""Walk a round through the services (the page-level walk is in test_full_round)."""

import datetime as dt

from giamngheo.reviews import services
from giamngheo.reviews.facts import member_section
from giamngheo.reviews.models import Attachment, RoundType
from giamngheo.reviews.tests.conftest import ADULT, on_day, pdf_file


def answer(actor, assessment, answers: dict) -> None:
    for section, data in answers.items():
        services.assessment_save_section(
            actor=actor, assessment=assessment, section=section, data=data
        )
    for member in assessment.members:
        data = dict(ADULT, relation=member["relation"], date_of_birth=member["date_of_birth"])
        services.assessment_save_section(
            actor=actor,
            assessment=assessment,
            section=member_section(member["member_id"]),
            data=data,
        )


def run_round(officer, chairman, unit, year: int, answers: dict, approve: bool = True):
    """answers: household → section answers, or a list of form A markers to screen it out."""
    start = dt.date(year, 10, 1)
    with on_day(start):
        r = services.round_create(
            actor=officer, unit=unit, round_type=RoundType.PERIODIC, review_date=start
        )
        services.round_list_households(actor=officer, review_round=r, households=list(answers))
        services.round_advance(actor=officer, review_round=r)
        for a in r.assessments.all():
            given = answers[a.household]
            services.assessment_screen(
                actor=officer, assessment=a, markers=given if isinstance(given, list) else []
            )
        services.round_advance(actor=officer, review_round=r)
        for a in r.assessments.all():
            given = answers[a.household]
            if isinstance(given, dict):
                answer(officer, a, given)
        services.round_advance(actor=officer, review_round=r)
        r.refresh_from_db()
        services.attachment_add(
            actor=officer, review_round=r, kind=Attachment.Kind.MEETING_MINUTES, file=pdf_file()
        )
        services.round_record_meeting(
            actor=officer, review_round=r, held_on=start, attendees=30, agreed=25
        )
        services.round_advance(actor=officer, review_round=r)
    r.refresh_from_db()
    after = r.posting_ends_on + dt.timedelta(days=1)
    with on_day(after):
        services.round_advance(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
        if approve:
            services.round_approve(
                actor=chairman,
                review_round=r,
                decision_number=f"{year}/QĐ-UBND",
                decision_date=after,
            )
    r.refresh_from_db()
    return r
