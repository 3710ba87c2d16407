from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from giamngheo.accounts.access import login_only
from giamngheo.accounts.forms import LoginForm
from giamngheo.accounts.selectors import home_summary
from giamngheo.households.selectors import household_list


@login_only
def home(request: HttpRequest) -> HttpResponse:
    # The "appears here as it is set up" note is for an empty territory only.
    context = {
        "summary": home_summary(actor=request.user),
        "has_households": household_list(actor=request.user).exists(),
    }
    return render(request, "accounts/home.html", context)


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
