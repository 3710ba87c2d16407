from django.urls import path

from giamngheo.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list_view, name="list"),
    path("new/", views.program_create_view, name="create"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/plans/", views.plan_create_view, name="plan_create"),
    path("<int:pk>/document/", views.document_upload, name="document_upload"),
    path("<int:pk>/areas/<int:number>/", views.area_edit, name="area_edit"),
    path("<int:pk>/activities/new/", views.activity_create_view, name="activity_create"),
    path("activities/<int:pk>/report/", views.activity_report_view, name="activity_report"),
    path("inspections/", views.inspection_list_view, name="inspections"),
    path(
        "recommendations/<int:pk>/follow-up/",
        views.recommendation_follow_up_view,
        name="recommendation_follow_up",
    ),
]
