from django.urls import path

from giamngheo.portal import lookup, request_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("chuyen-muc/<slug:slug>/", views.category, name="category"),
    path("tin/<slug:slug>/", views.article, name="article"),
    path("thong-ke/", views.statistics, name="statistics"),
    path("thong-ke.csv", views.statistics_csv, name="statistics_csv"),
    path("niem-yet/", views.postings, name="postings"),
    path("niem-yet/<int:pk>/", views.posting, name="posting"),
    path("tra-cuu/", lookup.lookup, name="lookup"),
    path("tra-cuu/ket-qua/", lookup.lookup_result, name="lookup_result"),
    path("tra-cuu/du-lieu/", lookup.lookup_personal_data, name="lookup_personal_data"),
    path("tra-cuu/thoat/", lookup.lookup_end, name="lookup_end"),
    path("ma-tra-cuu/<int:pk>/", lookup.lookup_code, name="lookup_code"),
    # Citizen requests: filed after the lookup, tracked by code; the commune's queue.
    path("tra-cuu/de-nghi/", request_views.request_new, name="request_new"),
    path("tra-cuu/ho-so/", request_views.request_find, name="request_find"),
    path("tra-cuu/ho-so/<str:code>/", request_views.request_status, name="request_status"),
    path("can-bo/de-nghi/", request_views.request_queue, name="request_queue"),
    path("can-bo/de-nghi/<int:pk>/", request_views.request_detail, name="request_detail"),
]
