from django.urls import path

from giamngheo.accounts import views

urlpatterns = [
    path("", views.home, name="home"),
]
