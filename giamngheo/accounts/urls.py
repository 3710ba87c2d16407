from django.contrib.auth import views as auth_views
from django.urls import path

from giamngheo.accounts.access import public
from giamngheo.accounts.views import LoginView, password_change

urlpatterns = [
    path("login/", public(LoginView.as_view()), name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("password/", password_change, name="password_change"),
]
