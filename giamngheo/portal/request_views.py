"""Citizen requests: filed online by a household that proved itself with its code, tracked by a
code with no login, confirmed or refused by the commune's officers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from giamngheo.accounts import throttle
from giamngheo.accounts.access import public, requires
from giamngheo.accounts.scoping import Capability
from giamngheo.errors import attempt, show_on_form
from giamngheo.portal import requests as citizen_requests
from giamngheo.portal.access import current
from giamngheo.portal.models import CitizenRequest
from giamngheo.portal.request_forms import ConfirmForm, RejectForm, RequestForm
from giamngheo.reviews import legal

# Tracking codes are guessed from one address at most as fast as passwords are.
STATUS_SCOPE = "citizen_request_status"


def lookup_url() -> str:
    """The lookup page, where a household proves itself before it may file."""
    return reverse("portal:home") + "tra-cuu/"


@public
@never_cache
def request_new(request: HttpRequest) -> HttpResponse:
    access = current(request)
    if access is None or not access.with_code:
        return redirect(lookup_url())
    household, today = access.household, timezone.localdate()
    kinds = citizen_requests.kinds_on(household, today)
    asked = request.GET.get("kind", "")
    initial = {"kind": asked if asked in kinds else kinds[0]}
    form = RequestForm(request.POST or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = citizen_requests.file_request(
                household=household, today=today, **form.cleaned_data
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            url = reverse("portal:request_status", args=[created.tracking_code])
            return redirect(f"{url}?new=1")
    context = {
        "form": form,
        "commune": household.unit.commune(),
        "in_annual_period": citizen_requests.in_annual_period(today),
        "window": legal.periodic_window(today.year),
        "posting": citizen_requests.posting_round(household, today),
        "legal": legal,
    }
    return render(request, "portal/request_new.html", context)


@public
def request_find(request: HttpRequest) -> HttpResponse:
    """The box where a tracking code is typed; the status page itself answers."""
    code = citizen_requests.normalise_code(request.GET.get("code", ""))
    if code:
        return redirect("portal:request_status", code=code)
    return render(request, "portal/request_find.html", {})


@public
@never_cache
def request_status(request: HttpRequest, code: str) -> HttpResponse:
    verdict = throttle.check(request, scope=STATUS_SCOPE)
    if not verdict.allowed:
        response = render(request, "portal/request_find.html", {"throttled": True}, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    found = citizen_requests.request_by_code(code)
    if found is None:
        throttle.failed(request, scope=STATUS_SCOPE)
        raise Http404
    stage = citizen_requests.stage_of(found)
    context = {
        "item": found,
        "stage": stage,
        "stages": _stages(stage),
        "deadlines": citizen_requests.deadlines(found),
        "commune": found.household.unit.commune(),
        "new": request.GET.get("new") == "1",
    }
    return render(request, "portal/request_status.html", context)


def _stages(stage: str) -> list[dict]:
    labels = {
        citizen_requests.Stage.RECEIVED: _("Received"),
        citizen_requests.Stage.CONFIRMED: _("Confirmed at the commune"),
        citizen_requests.Stage.REVIEWING: _("Being reviewed"),
        citizen_requests.Stage.DECIDED: _("Decided"),
    }
    order = citizen_requests.STAGES
    reached = order.index(stage) if stage in order else 0
    return [
        {"label": labels[s], "done": i <= reached, "current": i == reached and stage in order}
        for i, s in enumerate(order)
    ]


@requires(Capability.EDIT_RECORDS)
def request_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", CitizenRequest.Status.RECEIVED)
    rows = citizen_requests.request_queue(actor=request.user, status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for item in page:
        item.stage = citizen_requests.stage_of(item)
    context = {"page": page, "status": status, "statuses": CitizenRequest.Status.choices}
    return render(request, "portal/request_queue.html", context)


@requires(Capability.EDIT_RECORDS)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = citizen_requests.request_get(actor=request.user, pk=pk)
    confirm_form = ConfirmForm(
        request.POST if "confirm" in request.POST else None, request.FILES or None
    )
    reject_form = RejectForm(request.POST if "reject" in request.POST else None)
    if "confirm" in request.POST and confirm_form.is_valid():
        done = attempt(
            request,
            lambda: citizen_requests.request_confirm(
                actor=request.user, citizen_request=item, **confirm_form.cleaned_data
            ),
            _("The request is confirmed."),
        )
        if done:
            return redirect("portal:request_detail", pk=item.pk)
    elif "reject" in request.POST and reject_form.is_valid():
        try:
            citizen_requests.request_reject(
                actor=request.user, citizen_request=item, **reject_form.cleaned_data
            )
        except ValidationError as exc:
            show_on_form(reject_form, exc)
        else:
            messages.success(request, _("The request is marked as not accepted."))
            return redirect("portal:request_detail", pk=item.pk)
    context = {
        "item": item,
        "stage": citizen_requests.stage_of(item),
        "deadlines": citizen_requests.deadlines(item),
        "needs_evidence": item.kind in citizen_requests.NEEDS_EVIDENCE,
        "confirm_form": confirm_form,
        "reject_form": reject_form,
    }
    return render(request, "portal/request_detail.html", context)
