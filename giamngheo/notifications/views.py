from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts.access import login_only
from giamngheo.notifications import selectors, services

SHOWN = 200


@login_only
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.notification_list(actor=request.user)[:SHOWN]
    return render(request, "notifications/list.html", {"notifications": notifications})


@login_only
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and goes to what it is about."""
    notification = selectors.notification_get(actor=request.user, pk=pk)
    services.notification_open(actor=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_only
@require_POST
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=request.user)
    return redirect("notifications:list")


@login_only
def preferences(request: HttpRequest) -> HttpResponse:
    """Per kind, whether the user also wants an e-mail (the site always shows the notification)."""
    if request.method == "POST":
        chosen = set(request.POST.getlist("email"))
        services.preferences_save(
            actor=request.user,
            email_by_kind={
                p.kind: p.kind in chosen for p in selectors.preferences(actor=request.user)
            },
        )
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"preferences": selectors.preferences(actor=request.user)},
    )
