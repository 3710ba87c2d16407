from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability
from giamngheo.reviews import selectors, services
from giamngheo.reviews.facts import SECTIONS
from giamngheo.reviews.forms import ComplaintForm, RecheckForm, section_form
from giamngheo.reviews.services.assessments import required_sections
from giamngheo.reviews.services.rounds import round_households_in_commune
from giamngheo.reviews.views.common import (
    attempt,
    form_errors,
    member_names,
    section_title,
    section_values,
)


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
    context = {"matches": matches, "query": query, "limit": selectors.MATCHES_SHOWN}
    return render(request, "reviews/_complaint_households.html", context)


@requires(Capability.READ_RECORDS)
def complaint_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-survey the household section by section, then decide (re-check or dismiss)."""
    complaint = selectors.complaint_get(actor=request.user, pk=pk)
    r = complaint.round
    assessment = r.assessments.filter(household=complaint.household).first()
    order = required_sections(assessment) if assessment else list(SECTIONS)
    section = request.GET.get("section", "general")
    if section not in order:
        section = "general"
    values = section_values(assessment, section) if assessment else {}
    data = request.POST if request.method == "POST" else None
    answers = section_form(section, data=data, review_date=r.review_date, values=values)
    form = RecheckForm(data)
    here = reverse("reviews:complaint_recheck", args=[complaint.pk])
    if request.method == "POST" and "save_section" in request.POST:
        if answers.is_valid():
            done = attempt(
                request,
                lambda: services.complaint_answer_section(
                    actor=request.user, complaint=complaint, section=section, data=answers.stored()
                ),
                _("Section saved."),
            )
            if done:
                nxt = order[min(order.index(section) + 1, len(order) - 1)]
                return redirect(f"{here}?section={nxt}")
        else:
            form_errors(request, answers)
    elif request.method == "POST":
        dismiss = form.is_valid() and form.cleaned_data["dismiss"]
        if form.is_valid() and (dismiss or answers.is_valid()):
            done = attempt(
                request,
                lambda: services.complaint_recheck(
                    actor=request.user,
                    complaint=complaint,
                    resolution=form.cleaned_data["resolution"],
                    changes=None if dismiss else {section: answers.stored()},
                    dismiss=dismiss,
                ),
                _("Re-check recorded; the result is posted again."),
            )
            if done:
                return redirect(r)
        else:
            form_errors(request, form)
            form_errors(request, answers)
    names = member_names(assessment) if assessment else {}
    done_sections = set(assessment.sections_done) if assessment else set()
    context = {
        "complaint": complaint,
        "round": r,
        "form": form,
        "answers": answers,
        "section": section,
        "sections": [
            (key, section_title(assessment, key, names), key in done_sections) for key in order
        ],
    }
    return render(request, "reviews/complaint_recheck.html", context)
