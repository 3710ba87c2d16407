"""Form A village by village: one table, one save per village (services.screening)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability, can
from giamngheo.reviews import selectors, workflow
from giamngheo.reviews.forms import VillageScreeningForm
from giamngheo.reviews.services import screening as village_service
from giamngheo.reviews.views.common import submit


def _villages(request: HttpRequest, r) -> list[dict]:
    progress = village_service.village_progress(r)
    return [e for e in progress if can(request.user, Capability.COLLECT_ANSWERS, e["village"])]


@requires(Capability.COLLECT_ANSWERS)
def screening_villages(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    villages = _villages(request, r)
    context = {
        "round": r,
        "villages": villages,
        "total": village_service.round_progress(villages),
        "open": r.status in workflow.SCREENING_OPEN,
    }
    return render(request, "reviews/screening_villages.html", context)


@requires(Capability.COLLECT_ANSWERS)
def screening_village(request: HttpRequest, pk: int, village_pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    village = selectors.screening_village_get(actor=request.user, review_round=r, pk=village_pk)
    todo_only = request.GET.get("todo") == "1"
    form = VillageScreeningForm(request.POST if request.method == "POST" else None, review_round=r)
    result = form.is_bound and submit(
        request,
        form,
        lambda: village_service.village_screen(
            actor=request.user, review_round=r, village=village, **form.cleaned_data
        ),
    )
    if result:
        saved = _(
            "Form A saved: %(changed)d households with new markers, %(confirmed)d "
            "confirmed unchanged."
        )
        messages.success(request, saved % result)
        url = reverse("reviews:screening_village", args=[r.pk, village.pk])
        return redirect(url + ("?todo=1" if todo_only else ""))
    posted = request.POST if form.is_bound and r.status in workflow.SCREENING_OPEN else None
    pick_all = request.GET.get("pick") == "all"
    sheet = village_service.village_sheet(
        r, village, posted=posted, todo_only=todo_only, pick_all=pick_all
    )
    context = {"round": r, "village": village, "todo_only": todo_only, **sheet}
    return render(request, "reviews/screening_village.html", context)
