from django.urls import path

from giamngheo.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list_view, name="list"),
    path("new/", views.program_create_view, name="create"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/plans/", views.plan_create_view, name="plan_create"),
    path("<int:pk>/document/", views.document_upload, name="document_upload"),
    path("<int:pk>/document/file/", views.program_document, name="document"),
    path(
        "activities/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_file,
        name="evidence_file",
    ),
    path("<int:pk>/reviews/<int:review_pk>/report/", views.review_report, name="review_report"),
    path(
        "<int:pk>/conferences/<int:conference_pk>/minutes/",
        views.conference_minutes,
        name="conference_minutes",
    ),
    path("<int:pk>/areas/<int:number>/", views.area_edit, name="area_edit"),
    path("<int:pk>/activities/new/", views.activity_create_view, name="activity_create"),
    path("activities/<int:pk>/report/", views.activity_report_view, name="activity_report"),
    path("<int:pk>/reviews/new/", views.review_create_view, name="review_create"),
    path("<int:pk>/commendations/new/", views.commendation_create_view, name="commendation_create"),
    path("<int:pk>/conferences/new/", views.conference_create_view, name="conference_create"),
    path("inspections/", views.inspection_list_view, name="inspections"),
    path("inspections/new/", views.inspection_create_view, name="inspection_create"),
    path("inspections/<int:pk>/findings/", views.inspection_result_view, name="inspection_result"),
    path(
        "inspections/<int:pk>/recommendations/new/",
        views.recommendation_create_view,
        name="recommendation_create",
    ),
    path(
        "recommendations/<int:pk>/follow-up/",
        views.recommendation_follow_up_view,
        name="recommendation_follow_up",
    ),
]
