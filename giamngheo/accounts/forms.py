from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import ngettext

from giamngheo.accounts import throttle


def throttle_message(verdict: throttle.Verdict) -> str:
    """What a refused person reads: why, and how long to wait."""
    if verdict.reason == "account":
        return ngettext(
            "Too many failed logins for this account. Wait %(seconds)d second and try again.",
            "Too many failed logins for this account. Wait %(seconds)d seconds and try again.",
            verdict.retry_after,
        ) % {"seconds": verdict.retry_after}
    minutes = max(1, -(-verdict.retry_after // 60))
    if verdict.reason == "address":
        return ngettext(
            "Too many failed logins from your network. Try again in %(minutes)d minute.",
            "Too many failed logins from your network. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    return ngettext(
        "Too many failed logins for this account from your address. Try again in "
        "%(minutes)d minute, or ask your unit's administrator to reset the password.",
        "Too many failed logins for this account from your address. Try again in "
        "%(minutes)d minutes, or ask your unit's administrator to reset the password.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledLoginMixin:
    """Refuses a throttled attempt before the password is checked; counts each wrong one."""

    throttled: throttle.Verdict | None = None

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        verdict = throttle.check(self.request, username)
        if not verdict.allowed:
            self.throttled = verdict
            raise forms.ValidationError(throttle_message(verdict), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if self.get_user() is None:  # a wrong password, not an inactive or non-staff account
                throttle.failed(self.request, username)
            raise error
        if self.get_user() is not None:
            throttle.succeeded(self.request, username)
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
