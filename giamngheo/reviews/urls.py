from django.urls import path

from giamngheo.reviews.views import (
    assessments,
    complaints,
    documents,
    imports,
    rounds,
    screening,
    submissions,
)

app_name = "reviews"
urlpatterns = [
    path("", rounds.round_list, name="round_list"),
    path("new/", rounds.round_create, name="round_create"),
    path("baselines/new/", rounds.baseline_import, name="baseline_import"),
    path("residents/import/", rounds.resident_counts_import, name="resident_counts_import"),
    path("submissions/", submissions.submission_list, name="submission_list"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission_detail"),
    path(
        "submissions/<int:pk>/files/<int:attachment_pk>/",
        submissions.submission_file,
        name="submission_file",
    ),
    path("submissions/<int:pk>/apply/", submissions.submission_apply, name="submission_apply"),
    path(
        "submissions/<int:pk>/dismiss/", submissions.submission_dismiss, name="submission_dismiss"
    ),
    path("member-changes/", submissions.member_change_list, name="member_change_list"),
    path(
        "member-changes/<int:pk>/confirm/",
        submissions.member_change_confirm,
        name="member_change_confirm",
    ),
    path(
        "member-changes/<int:pk>/reject/",
        submissions.member_change_reject,
        name="member_change_reject",
    ),
    path("<int:pk>/", rounds.round_detail, name="round_detail"),
    path("<int:pk>/advance/", rounds.round_advance, name="round_advance"),
    path("<int:pk>/meeting/", rounds.round_meeting, name="round_meeting"),
    path("<int:pk>/residents/", rounds.resident_count, name="resident_count"),
    path("<int:pk>/approve/", rounds.round_approve, name="round_approve"),
    path("<int:pk>/list-households/", rounds.round_list_households, name="round_list_households"),
    path("<int:pk>/attachments/", rounds.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        rounds.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/change-requests/<int:change_pk>/evidence/",
        rounds.change_request_evidence,
        name="change_request_evidence",
    ),
    path("<int:pk>/complaints/new/", complaints.complaint_create, name="complaint_create"),
    path(
        "<int:pk>/complaints/households/",
        complaints.complaint_households,
        name="complaint_households",
    ),
    path("complaints/<int:pk>/recheck/", complaints.complaint_recheck, name="complaint_recheck"),
    path("<int:pk>/posting.pdf", documents.posting_pdf, name="posting_pdf"),
    path("<int:pk>/posting.xlsx", documents.posting_xlsx, name="posting_xlsx"),
    path("<int:pk>/decision.pdf", documents.decision_pdf, name="decision_pdf"),
    path("<int:pk>/certificates.pdf", documents.certificates_pdf, name="certificates_pdf"),
    path("<int:pk>/screening/", screening.screening_villages, name="screening_villages"),
    path(
        "<int:pk>/screening/<int:village_pk>/",
        screening.screening_village,
        name="screening_village",
    ),
    path("<int:pk>/import/", imports.import_answers, name="import_answers"),
    path("<int:pk>/import/template.xlsx", imports.import_template, name="import_template"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path(
        "assessments/<int:pk>/screening/",
        assessments.assessment_screening,
        name="assessment_screening",
    ),
    path(
        "assessments/<int:pk>/<str:section>/",
        assessments.assessment_section,
        name="assessment_section",
    ),
    path(
        "households/<int:pk>/classification/",
        assessments.household_classification,
        name="household_classification",
    ),
    path(
        "households/<int:pk>/change-request/",
        assessments.change_request_create,
        name="change_request_create",
    ),
]
