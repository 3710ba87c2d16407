from django.contrib.auth import views as auth_views
from django.urls import path

from giamngheo.accounts import user_views
from giamngheo.accounts.access import public
from giamngheo.accounts.views import LoginView, password_change

urlpatterns = [
    path("login/", public(LoginView.as_view()), name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("password/", password_change, name="password_change"),
    path("users/", user_views.user_list, name="user_list"),
    path("users/new/", user_views.user_create, name="user_create"),
    path("users/import/", user_views.onboarding_upload, name="user_import"),
    path("users/import/template.xlsx", user_views.onboarding_template, name="user_import_template"),
    path(
        "users/import/passwords.xlsx",
        user_views.onboarding_passwords,
        name="user_import_passwords",
    ),
    path("users/<int:pk>/", user_views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", user_views.user_edit, name="user_edit"),
    path("users/<int:pk>/deactivate/", user_views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/password/", user_views.user_password_reset, name="user_password_reset"),
]
