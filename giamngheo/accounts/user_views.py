"""The staff pages where the people who run the system open, change and close accounts.

Who may manage which account is the grant table (`accounts.scoping.MANAGED_ROLES`); the pages
list only those accounts and offer only those roles, and every write goes through
`accounts.services`, which checks the table again. A temporary password is shown once, on the
answer to the request that set it, and never stored in clear.
"""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from giamngheo.accounts import onboarding, onboarding_files, sealing, selectors, services
from giamngheo.accounts.access import requires
from giamngheo.accounts.forms import DeactivateForm, OnboardingForm, UserFilterForm, UserForm
from giamngheo.accounts.scoping import Capability
from giamngheo.errors import DomainError, attempt, show_on_form

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The sealed passwords workbook of the last onboarding, until its one download.
SEALED = "onboarding_passwords"


@requires(Capability.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None, actor=request.user)
    users = selectors.user_list(actor=request.user, filters=form.filters())
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "accounts/user_list.html", context)


@requires(Capability.MANAGE_USERS)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        password = services.temporary_password()
        try:
            user = services.user_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                password=password,
                reason=form.cleaned_data["reason"],
                **form.account_data(),
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            return _password_page(request, user, password, opened=True)
    return render(request, "accounts/user_form.html", {"form": form})


@requires(Capability.MANAGE_USERS)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    context = {
        "account": user,
        "history": selectors.user_history(user=user),
        "deactivate_form": DeactivateForm(),
    }
    return render(request, "accounts/user_detail.html", context)


@requires(Capability.MANAGE_USERS)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    form = UserForm(request.POST or None, actor=request.user, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                actor=request.user,
                user=user,
                data=form.account_data(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("The account has been changed."))
            return redirect("user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": user})


@requires(Capability.MANAGE_USERS)
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    form = DeactivateForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(
        request,
        lambda: services.user_deactivate(actor=request.user, user=user, reason=reason),
        _("The account has been closed."),
    )
    return redirect("user_detail", pk=user.pk)


@requires(Capability.MANAGE_USERS)
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    password = services.temporary_password()
    services.password_set(actor=request.user, user=user, password=password)
    return _password_page(request, user, password, opened=False)


def _password_page(request: HttpRequest, user, password: str, *, opened: bool) -> HttpResponse:
    response = render(
        request,
        "accounts/user_password.html",
        {"account": user, "password": password, "opened": opened},
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Capability.MANAGE_USERS)
def onboarding_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        onboarding_files.template_workbook(actor=request.user), content_type=XLSX
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nguoi-dung.xlsx"'
    return response


@requires(Capability.MANAGE_USERS)
def onboarding_upload(request: HttpRequest) -> HttpResponse:
    form = OnboardingForm(request.POST or None, request.FILES or None)
    errors: list[onboarding.RowProblem] = []
    failed = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = onboarding.users_onboard(
                actor=request.user,
                name=upload.name,
                source=upload,
                reason=form.cleaned_data["reason"],
            )
        except onboarding.OnboardingInvalid as exc:
            errors, failed = exc.errors, exc.text
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            sealed, key = sealing.seal(
                onboarding_files.passwords_workbook(result.users, result.passwords)
            )
            request.session[SEALED] = base64.b64encode(sealed).decode()
            messages.success(
                request,
                ngettext("%(n)d account opened.", "%(n)d accounts opened.", len(result.users))
                % {"n": len(result.users)},
            )
            response = render(
                request, "accounts/onboarding_done.html", {"users": result.users, "key": key}
            )
            response["Cache-Control"] = "no-store"
            return response
    context = {
        "form": form,
        "errors": errors,
        "error_count": len(errors),
        "failed": failed,
    }
    return render(request, "accounts/onboarding.html", context)


@requires(Capability.MANAGE_USERS)
@require_POST
def onboarding_passwords(request: HttpRequest) -> HttpResponse:
    """The passwords workbook, once: the sealed copy leaves the session as it is opened."""
    sealed = request.session.pop(SEALED, None)
    data = sealing.unseal(base64.b64decode(sealed), request.POST.get("key", "")) if sealed else None
    if data is None:
        raise DomainError(
            _(
                "The passwords have already been downloaded, or belong to another upload. "
                "Reset the password of an account whose password is lost."
            ),
            status=410,
        )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mat-khau-tam-thoi.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
