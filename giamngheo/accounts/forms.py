from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from giamngheo.accounts import selectors, throttle
from giamngheo.accounts.models import Organisation, User
from giamngheo.accounts.scoping import is_administrator
from giamngheo.geo.models import AdminUnit
from giamngheo.history import REASON_MAX


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


def _reason(required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change"),
        max_length=REASON_MAX,
        required=required,
        help_text=_(
            "Kept in the audit history, e.g. the meeting minutes or the request it follows."
        ),
    )


class UserForm(forms.Form):
    """An account's name, role, unit and organisation; the roles offered are those the actor may
    give, and the unit is written as its official code (the province has thousands of units)."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and . @ + - _ only."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=300)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"))
    unit = forms.CharField(
        label=_("Unit code"),
        max_length=32,
        required=False,
        help_text=_("Today's official code of the province, commune or village (e.g. 11001)."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Required for a partner organisation officer."),
    )
    is_staff = forms.BooleanField(label=_("May open the admin site"), required=False)
    reason = _reason(required=False)

    def __init__(self, *args: Any, actor: User, user: User | None = None, **kwargs: Any) -> None:
        if user is not None:
            kwargs.setdefault(
                "initial",
                {
                    "username": user.username,
                    "full_name": user.get_full_name(),
                    "email": user.email,
                    "role": user.role,
                    "unit": user.unit.code if user.unit else "",
                    "organisation": user.organisation,
                    "is_staff": user.is_staff,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—"), *selectors.grantable_roles(actor)]
        self.fields["organisation"].queryset = selectors.organisations_for(actor)
        if user is not None:
            self.fields["username"].disabled = True
            self.fields["reason"].required = True
        if not is_administrator(actor):
            del self.fields["is_staff"]

    def clean_unit(self) -> AdminUnit | None:
        code = self.cleaned_data["unit"].strip()
        if not code:
            return None
        unit = selectors.unit_by_code(code)
        if unit is None:
            raise forms.ValidationError(
                _("No unit of today has the code %(code)s; check it on the units pages."),
                params={"code": code},
            )
        return unit

    def account_data(self) -> dict[str, Any]:
        """The fields as `user_create` / `user_update` take them."""
        data = self.cleaned_data
        first, _sep, last = " ".join(data["full_name"].split()).rpartition(" ")
        values = {
            "first_name": first or last,
            "last_name": last if first else "",
            "email": data["email"],
            "role": data["role"],
            "unit": data["unit"],
            "organisation": data["organisation"],
        }
        if "is_staff" in self.fields:
            values["is_staff"] = data["is_staff"]
        return values


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or username"), required=False, max_length=100)
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=32)
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Closed"))],
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All roles")), *selectors.grantable_roles(actor)]

    def filters(self) -> dict[str, Any]:
        """What `selectors.user_list` filters by; an unknown unit code matches no one."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        unit = None
        if data["unit"].strip():
            unit = selectors.unit_by_code(data["unit"]) or AdminUnit(path="/none/")
        active = {"1": True, "0": False}.get(data["active"])
        return {"q": data["q"], "unit": unit, "role": data["role"], "active": active}


class DeactivateForm(forms.Form):
    reason = _reason(required=True)


class OnboardingForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx) or CSV file"),
        help_text=_("The template filled in, one account per row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    reason = _reason(required=False)
