from django.urls import path

from giamngheo.support import views

app_name = "support"
urlpatterns = [
    path("funds/", views.fund_list_view, name="fund_list"),
    path("funds/<int:pk>/", views.fund_detail, name="fund_detail"),
    path("funds/<int:pk>/receive/", views.contribution_create, name="contribution_create"),
    path("funds/<int:pk>/disburse/", views.disbursement_create_view, name="disbursement_create"),
    path("funds/<int:pk>/campaigns/new/", views.campaign_create_view, name="campaign_create"),
    path("funds/<int:pk>/pledges/new/", views.pledge_create_view, name="pledge_create"),
    path("households/", views.support_list_view, name="support_list"),
    path(
        "households/<int:household_pk>/record/",
        views.support_record_create_view,
        name="support_record_create",
    ),
    path("models/", views.model_list_view, name="model_list"),
    path("models/<int:pk>/", views.model_detail, name="model_detail"),
]
