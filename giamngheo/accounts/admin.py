"""Accounts in the Django admin, under the same grant table as the staff pages.

Every save and every deletion goes through `accounts.services` (a deletion closes the account,
so what its owner did stays attributed to them); the list holds only the accounts the reader
manages, and the role and unit choices only what they may give.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.password_validation import validate_password
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts import selectors, services
from giamngheo.accounts.models import Organisation, User
from giamngheo.accounts.scoping import (
    can_grant,
    can_manage_user,
    can_manage_users,
    is_administrator,
)
from giamngheo.errors import DomainError
from giamngheo.geo.models import AdminUnit, q_within
from giamngheo.history import REASON_MAX


class UserAdminForm(forms.ModelForm):
    """The account's fields, a reason for the history, and on the add page its first password."""

    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=_("Its owner must change it at the first login."),
    )
    password2 = forms.CharField(
        label=_("Password confirmation"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=REASON_MAX, required=False
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "unit", "organisation"]

    actor: User

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        adding = self.instance.pk is None
        if adding:
            if not data.get("password1"):
                self.add_error("password1", _("Give the account a first password."))
            elif data.get("password1") != data.get("password2"):
                self.add_error("password2", _("The two passwords differ."))
            else:
                try:
                    validate_password(data["password1"], self.instance)
                except forms.ValidationError as exc:
                    self.add_error("password1", exc)
        elif not (data.get("reason") or "").strip() and self.changed_data:
            self.add_error("reason", _("Say why the account is changed."))
        role, unit = data.get("role"), data.get("unit")
        if role and not can_grant(self.actor, role, unit):
            roles = dict(selectors.grantable_roles(self.actor))
            self.add_error(
                "unit" if role in roles else "role",
                gettext("You may not give the role “%(role)s” in %(unit)s.")
                % {"role": roles.get(role, role), "unit": unit or "—"},
            )
        return data


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    list_display = ["username", "first_name", "last_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]
    actions = ["close_accounts"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return selectors.user_list(actor=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and can_manage_users(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or can_manage_user(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = ["username", "first_name", "last_name", "email", "role", "unit", "organisation"]
        if is_administrator(request.user):
            fields.append("is_staff")
        fields += ["password1", "password2"] if obj is None else ["is_active", "reason"]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A closed account is reopened by the administrator; closing goes through the action.
        return ["username", "is_active"] if obj is not None else []

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "role":
            kwargs["choices"] = [("", "---------"), *selectors.grantable_roles(request.user)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        actor = request.user
        if db_field.name == "unit":
            units = AdminUnit.objects.current()
            if not is_administrator(actor):
                units = units.filter(q_within(actor.unit)) if actor.unit else units.none()
            kwargs["queryset"] = units
        elif db_field.name == "organisation":
            kwargs["queryset"] = selectors.organisations_for(actor)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password1"],
                role=data["role"],
                unit=data.get("unit"),
                organisation=data.get("organisation"),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
                reason=data.get("reason", ""),
            )
            if data.get("is_staff") and is_administrator(request.user):
                services.user_update(
                    actor=request.user,
                    user=created,
                    data={"is_staff": True},
                    reason=gettext("admin site opened"),
                )
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        current = User.objects.get(pk=obj.pk)
        changes = {f: data[f] for f in form.changed_data if f in services.EDITABLE}
        if changes:
            services.user_update(
                actor=request.user, user=current, data=changes, reason=data["reason"]
            )
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        services.user_deactivate(
            actor=request.user, user=obj, reason=gettext("closed in the admin site")
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            self.delete_model(request, user)

    @admin.action(description=_("Close the selected accounts"))
    def close_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        closed = 0
        for user in queryset.filter(is_active=True):
            try:
                services.user_deactivate(
                    actor=request.user, user=user, reason=gettext("closed in the admin site")
                )
            except DomainError as exc:
                self.message_user(request, f"{user}: {exc.text}", messages.ERROR)
            else:
                closed += 1
        self.message_user(
            request,
            ngettext("%(n)d account closed.", "%(n)d accounts closed.", closed) % {"n": closed},
            messages.SUCCESS,
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]
