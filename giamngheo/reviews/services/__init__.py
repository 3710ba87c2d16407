"""Every change to a review round goes through these functions (house style: `<entity>_<action>`)."""

from giamngheo.reviews.services.assessments import (
    assessment_answers_receive,
    assessment_classify,
    assessment_save_section,
    assessment_screen,
    previous_assessment,
)
from giamngheo.reviews.services.baselines import baseline_create, baseline_import
from giamngheo.reviews.services.changes import change_request_create
from giamngheo.reviews.services.classification import (
    assessments_classify,
    assessments_store,
    round_reclassify,
)
from giamngheo.reviews.services.complaints import (
    complaint_answer_section,
    complaint_receive,
    complaint_recheck,
)
from giamngheo.reviews.services.documents import (
    round_document,
    round_documents_generate,
    stored_document_read,
)
from giamngheo.reviews.services.outcomes import outcomes_compute
from giamngheo.reviews.services.residents import resident_count_set, resident_counts_import
from giamngheo.reviews.services.rounds import (
    attachment_add,
    round_advance,
    round_approve,
    round_create,
    round_list_households,
    round_record_meeting,
)
from giamngheo.reviews.services.snapshots import round_snapshot_take

__all__ = [
    "assessment_answers_receive",
    "assessment_classify",
    "assessment_save_section",
    "assessment_screen",
    "assessments_classify",
    "assessments_store",
    "attachment_add",
    "baseline_create",
    "baseline_import",
    "change_request_create",
    "complaint_answer_section",
    "complaint_receive",
    "complaint_recheck",
    "outcomes_compute",
    "previous_assessment",
    "resident_count_set",
    "resident_counts_import",
    "round_advance",
    "round_approve",
    "round_create",
    "round_list_households",
    "round_reclassify",
    "round_document",
    "round_documents_generate",
    "round_record_meeting",
    "round_snapshot_take",
    "stored_document_read",
]
