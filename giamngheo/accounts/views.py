from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from giamngheo.accounts.access import login_only
from giamngheo.accounts.forms import LoginForm
from giamngheo.accounts.selectors import home_summary


@login_only
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"summary": home_summary(actor=request.user)})


class LoginView(auth_views.LoginView):
    """Django's login with the shared throttle; a refused attempt answers 429 with Retry-After."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled.retry_after)
        return response
