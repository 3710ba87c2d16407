from giamngheo.programs.services.activities import IndicatorSpec, activity_create, activity_report
from giamngheo.programs.services.oversight import (
    commendation_award,
    conference_hold,
    inspection_plan,
    inspection_record,
    recommendation_add,
    recommendation_follow_up,
    review_hold,
)
from giamngheo.programs.services.programs import (
    AreaSpec,
    LegalBasisSpec,
    PartySpec,
    content_area_add,
    content_area_update,
    plan_create,
    program_attach_document,
    program_create,
)

__all__ = [
    "AreaSpec",
    "IndicatorSpec",
    "LegalBasisSpec",
    "PartySpec",
    "activity_create",
    "activity_report",
    "commendation_award",
    "conference_hold",
    "content_area_add",
    "content_area_update",
    "inspection_plan",
    "inspection_record",
    "plan_create",
    "program_attach_document",
    "program_create",
    "recommendation_add",
    "recommendation_follow_up",
    "review_hold",
]
