from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from giamngheo.accounts.access import login_only
from giamngheo.accounts.forms import LoginForm
from giamngheo.accounts.selectors import home_summary
from giamngheo.accounts.services import password_set
from giamngheo.households.selectors import household_list


@login_only
def home(request: HttpRequest) -> HttpResponse:
    # The "appears here as it is set up" note is for an empty territory only.
    context = {
        "summary": home_summary(actor=request.user),
        "has_households": household_list(actor=request.user).exists(),
    }
    return render(request, "accounts/home.html", context)


@login_only
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password; the first login after an account is opened or reset ends here."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = password_set(
            actor=request.user, user=request.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    forced = request.user.must_change_password
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})


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
