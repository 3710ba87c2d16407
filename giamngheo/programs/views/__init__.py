from giamngheo.programs.views.files import (
    conference_minutes,
    evidence_file,
    program_document,
    review_report,
)
from giamngheo.programs.views.oversight import (
    commendation_create_view,
    conference_create_view,
    inspection_create_view,
    inspection_list_view,
    inspection_result_view,
    recommendation_create_view,
    recommendation_follow_up_view,
    review_create_view,
)
from giamngheo.programs.views.programs import (
    activity_create_view,
    activity_report_view,
    area_edit,
    document_upload,
    plan_create_view,
    program_create_view,
    program_detail,
    program_list_view,
)

__all__ = [
    "review_report",
    "program_document",
    "evidence_file",
    "conference_minutes",
    "activity_create_view",
    "activity_report_view",
    "area_edit",
    "commendation_create_view",
    "conference_create_view",
    "document_upload",
    "inspection_create_view",
    "inspection_list_view",
    "inspection_result_view",
    "plan_create_view",
    "program_create_view",
    "program_detail",
    "program_list_view",
    "recommendation_create_view",
    "recommendation_follow_up_view",
    "review_create_view",
]
