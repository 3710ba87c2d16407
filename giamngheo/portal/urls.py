from django.urls import path

from giamngheo.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("chuyen-muc/<slug:slug>/", views.category, name="category"),
    path("tin/<slug:slug>/", views.article, name="article"),
    path("thong-ke/", views.statistics, name="statistics"),
    path("thong-ke.csv", views.statistics_csv, name="statistics_csv"),
    path("niem-yet/", views.postings, name="postings"),
    path("niem-yet/<int:pk>/", views.posting, name="posting"),
]
