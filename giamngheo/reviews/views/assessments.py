from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability, can
from giamngheo.api import selectors as api_selectors
from giamngheo.errors import attempt
from giamngheo.reviews import legal, screening, selectors, services, workflow
from giamngheo.reviews.display import classification_context, section_list
from giamngheo.reviews.forms import ChangeRequestForm, ScreeningForm, section_form
from giamngheo.reviews.services.assessments import required_sections
from giamngheo.reviews.views.common import form_errors, submit


def _source_label(source: str) -> str:
    labels = {
        "web": _("web form"),
        "import": _("workbook import"),
        "odk": _("ODK Collect"),
        "complaint": _("complaint re-check"),
    }
    return str(labels.get(source, source))


@requires(Capability.READ_RECORDS)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(actor=request.user, pk=pk)
    sections = section_list(a, required_sections(a))
    context = {
        "assessment": a,
        "round": a.round,
        "sections": sections,
        "next_section": next((key for key, _t, done in sections if not done), sections[0][0]),
        "can_screen": can(request.user, Capability.COLLECT_ANSWERS, a.household.unit)
        and a.round.status in workflow.SCREENING_OPEN,
        "can_survey": can(request.user, Capability.COLLECT_ANSWERS, a.household.unit)
        and a.round.status in workflow.SURVEY_OPEN
        and not a.screened_out,
        "source_label": _source_label(a.source),
        "submissions": api_selectors.assessment_submissions(actor=request.user, assessment=a),
        "can_review_submissions": can(request.user, Capability.EDIT_RECORDS, a.round.unit),
        **classification_context(a, request),
    }
    return render(request, "reviews/assessment_detail.html", context)


@requires(Capability.READ_RECORDS)
def assessment_screening(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(actor=request.user, pk=pk)
    form = ScreeningForm(
        request.POST if request.method == "POST" else None,
        initial={"markers": a.screening.get("markers", [])},
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: services.assessment_screen(
                actor=request.user, assessment=a, markers=form.cleaned_data["markers"]
            ),
            _("Form A saved."),
        )
        if done:
            return redirect("reviews:assessment_detail", a.pk)
    previous = services.previous_assessment(a)
    context = {
        "assessment": a,
        "form": form,
        "stop_at": screening.STOP_AT,
        "source": screening.SOURCE,
        "last_year": previous.screening.get("markers", []) if previous else None,
    }
    return render(request, "reviews/screening_form.html", context)


@requires(Capability.READ_RECORDS)
def assessment_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    page = selectors.section_page(actor=request.user, pk=pk, section=section)
    a, data = page.assessment, request.POST if request.method == "POST" else None
    form = section_form(section, data=data, review_date=a.round.review_date, values=page.values)
    if data is not None and request.htmx and request.GET.get("validate"):
        return render(request, "reviews/_field_errors.html", {"errors": form.touched_errors()})
    if data is not None and submit(
        request,
        form,
        lambda: services.assessment_save_section(
            actor=request.user, assessment=a, section=section, data=form.stored()
        ),
    ):
        if page.next_section:
            return redirect("reviews:assessment_section", a.pk, page.next_section)
        return redirect("reviews:assessment_detail", a.pk)
    return render(request, "reviews/section_form.html", {**page.context(), "form": form})


@requires(Capability.READ_RECORDS)
def household_classification(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(actor=request.user, pk=pk)
    history = selectors.household_classifications(actor=request.user, household=household)
    context = {"household": household, "history": history}
    return render(request, "reviews/household_classification.html", context)


@requires(Capability.EDIT_RECORDS)
def change_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(actor=request.user, pk=pk)
    form = ChangeRequestForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        if form.is_valid():
            created = attempt(
                request,
                lambda: services.change_request_create(
                    actor=request.user,
                    household=household,
                    reason=form.cleaned_data["reason"],
                    evidence=form.cleaned_data["evidence"],
                ),
                _("Change request recorded; the household joins an ad-hoc review."),
            )
            if created:
                return redirect(created.ad_hoc_round)
        else:
            form_errors(request, form)
    context = {"form": form, "household": household, "article": legal.AD_HOC_DECISION.article}
    return render(request, "reviews/change_request_form.html", context)
