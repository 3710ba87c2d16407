from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability
from giamngheo.errors import attempt
from giamngheo.households.services import citizen_id_search_record
from giamngheo.reviews import selectors, services
from giamngheo.reviews.forms import ComplaintForm, RecheckForm, section_form
from giamngheo.reviews.services.rounds import round_households_in_commune
from giamngheo.reviews.views.common import form_errors, submit


@requires(Capability.EDIT_RECORDS)
def complaint_create(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    data = request.POST if request.method == "POST" else None
    form = ComplaintForm(
        data,
        households=round_households_in_commune(r),
        search_url=reverse("reviews:complaint_households", args=[r.pk]),
    )
    if request.method == "POST":
        if form.is_valid():
            done = attempt(
                request,
                lambda: services.complaint_receive(
                    actor=request.user, review_round=r, **form.cleaned_data
                ),
                _("Complaint recorded."),
            )
            if done:
                return redirect(r)
        else:
            form_errors(request, form)
    return render(request, "reviews/complaint_form.html", {"round": r, "form": form})


@requires(Capability.EDIT_RECORDS)
def complaint_households(request: HttpRequest, pk: int) -> HttpResponse:
    """The complaint form's household search: at most 20 matches to choose from."""
    r = selectors.round_get(actor=request.user, pk=pk)
    query = (request.GET.get("household_search") or request.GET.get("q") or "").strip()[:100]
    matches = selectors.complaint_household_matches(actor=request.user, review_round=r, query=query)
    citizen_id_search_record(
        actor=request.user,
        query=query,
        households=matches,
        purpose="complaint search by citizen ID",
    )
    context = {"matches": matches, "query": query, "limit": selectors.MATCHES_SHOWN}
    return render(request, "reviews/_complaint_households.html", context)


@requires(Capability.READ_RECORDS)
def complaint_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-survey the household section by section, then decide (re-check or dismiss)."""
    page = selectors.recheck_page(actor=request.user, pk=pk, section=request.GET.get("section", ""))
    complaint, data = page.complaint, request.POST if request.method == "POST" else None
    answers = section_form(
        page.section, data=data, review_date=complaint.round.review_date, values=page.values
    )
    form = RecheckForm(data, section=page.section, answers=answers)
    if data is not None and "save_section" in data:
        if submit(
            request,
            answers,
            lambda: services.complaint_answer_section(
                actor=request.user, complaint=complaint, section=page.section, data=answers.stored()
            ),
            _("Section saved."),
        ):
            return redirect(f"{request.path}?section={page.next_section}")
    elif data is not None and submit(
        request,
        form,
        lambda: services.complaint_recheck(
            actor=request.user, complaint=complaint, **form.decision()
        ),
        _("Re-check recorded; the result is posted again."),
    ):
        return redirect(complaint.round)
    context = {**page.context(), "form": form, "answers": answers}
    return render(request, "reviews/complaint_recheck.html", context)
