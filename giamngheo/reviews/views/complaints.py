from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from giamngheo.reviews import selectors, services
from giamngheo.reviews.facts import SECTIONS
from giamngheo.reviews.forms import ComplaintForm, RecheckForm, section_form
from giamngheo.reviews.services.rounds import round_households_in_commune
from giamngheo.reviews.views.common import attempt, form_errors


@login_required
def complaint_create(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    form = ComplaintForm(
        request.POST if request.method == "POST" else None,
        households=round_households_in_commune(r),
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


@login_required
def complaint_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-check one section of the household's answers (chosen on the page) and decide."""
    complaint = selectors.complaint_get(actor=request.user, pk=pk)
    r = complaint.round
    section = request.GET.get("section", "general")
    if section not in SECTIONS:
        section = "general"
    assessment = r.assessments.filter(household=complaint.household).first()
    values = assessment.facts if assessment else {}
    data = request.POST if request.method == "POST" else None
    answers = section_form(section, data=data, review_date=r.review_date, values=values)
    form = RecheckForm(data)
    if request.method == "POST":
        if form.is_valid() and (form.cleaned_data["dismiss"] or answers.is_valid()):
            dismiss = form.cleaned_data["dismiss"]
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
    context = {
        "complaint": complaint,
        "round": r,
        "form": form,
        "answers": answers,
        "section": section,
        "sections": [(key, title) for key, (title, _facts) in SECTIONS.items()],
    }
    return render(request, "reviews/complaint_recheck.html", context)
