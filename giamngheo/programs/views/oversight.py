"""Pages for inspections and supervision, reviews, commendations and conferences."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability, can, has_capability
from giamngheo.errors import attempt, show_on_form
from giamngheo.programs.forms import (
    CommendationForm,
    ConferenceForm,
    FollowUpForm,
    InspectionForm,
    InspectionResultForm,
    RecommendationForm,
    ReviewForm,
)
from giamngheo.programs.models import CoordinationProgram, Inspection
from giamngheo.programs.permissions import can_edit_program, can_follow_up
from giamngheo.programs.selectors import (
    inspection_get,
    inspection_list,
    program_get,
    program_list,
    recommendation_get,
)
from giamngheo.programs.services import (
    commendation_award,
    conference_hold,
    inspection_plan,
    inspection_record,
    recommendation_add,
    recommendation_follow_up,
    review_hold,
)


def _can_edit_inspection(actor, inspection: Inspection) -> bool:
    return can(
        actor,
        Capability.EDIT_PROGRAMS,
        inspection.unit,
        organisation_id=inspection.lead_organisation_id,
    )


@requires(Capability.READ_PROGRAMS)
def inspection_list_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    inspections = list(inspection_list(actor=request.user))
    overdue = 0
    for inspection in inspections:
        inspection.editable = _can_edit_inspection(request.user, inspection)
        for recommendation in inspection.recommendations.all():
            overdue += recommendation.is_overdue(today)
            if can_follow_up(request.user, recommendation):
                recommendation.form = FollowUpForm(
                    initial={"status": recommendation.status, "follow_up": recommendation.follow_up}
                )
    context = {
        "inspections": inspections,
        "today": today,
        "overdue": overdue,
        "can_plan": has_capability(request.user, Capability.EDIT_PROGRAMS),
    }
    return render(request, "programs/inspection_list.html", context)


def _form_page(request: HttpRequest, form: Form, title: str, back: str, **context) -> HttpResponse:
    return render(
        request,
        "programs/record_form.html",
        {"form": form, "title": title, "back": back, **context},
    )


@requires(Capability.EDIT_PROGRAMS)
def inspection_create_view(request: HttpRequest) -> HttpResponse:
    programs = program_list(actor=request.user)
    form = InspectionForm(request.POST or None, actor=request.user, programs=programs)
    if form.is_valid():
        try:
            inspection_plan(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        except PermissionDenied:
            form.add_error(
                "lead_organisation", _("Your organisation must lead the inspections it plans.")
            )
        else:
            messages.success(request, _("The inspection was planned."))
            return redirect("programs:inspections")
    return _form_page(request, form, _("Plan an inspection"), "programs:inspections")


@requires(Capability.EDIT_PROGRAMS)
def inspection_result_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = inspection_get(actor=request.user, pk=pk)
    if not _can_edit_inspection(request.user, inspection):
        raise PermissionDenied
    form = InspectionResultForm(
        request.POST or None,
        initial={"conducted_on": inspection.conducted_on, "findings": inspection.findings},
    )
    if form.is_valid():
        inspection_record(actor=request.user, inspection=inspection, **form.cleaned_data)
        messages.success(request, _("The findings were recorded."))
        return redirect("programs:inspections")
    return _form_page(request, form, inspection.title, "programs:inspections")


@requires(Capability.EDIT_PROGRAMS)
def recommendation_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = inspection_get(actor=request.user, pk=pk)
    if not _can_edit_inspection(request.user, inspection):
        raise PermissionDenied
    form = RecommendationForm(request.POST or None, actor=request.user)
    if form.is_valid():
        try:
            recommendation_add(actor=request.user, inspection=inspection, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The recommendation was added."))
            return redirect("programs:inspections")
    return _form_page(request, form, inspection.title, "programs:inspections")


@requires(Capability.EDIT_PROGRAMS)
@require_POST
def recommendation_follow_up_view(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = recommendation_get(actor=request.user, pk=pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: recommendation_follow_up(
                actor=request.user, recommendation=recommendation, **form.cleaned_data
            ),
            _("The follow-up was recorded."),
        )
    else:
        messages.error(request, _("Check the follow-up status and date."))
    return redirect("programs:inspections")


def _editable_program(request: HttpRequest, pk: int) -> CoordinationProgram:
    program = program_get(actor=request.user, pk=pk)
    if not can_edit_program(request.user, program):
        raise PermissionDenied
    return program


@requires(Capability.EDIT_PROGRAMS)
def review_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = _editable_program(request, pk)
    form = ReviewForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            review_hold(actor=request.user, program=program, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            return redirect(program)
    return _form_page(request, form, _("Preliminary or final review"), "", program=program)


@requires(Capability.EDIT_PROGRAMS)
def commendation_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = _editable_program(request, pk)
    form = CommendationForm(request.POST or None, actor=request.user)
    if form.is_valid():
        try:
            commendation_award(actor=request.user, program=program, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            return redirect(program)
    return _form_page(request, form, _("Commendation"), "", program=program)


@requires(Capability.EDIT_PROGRAMS)
def conference_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = _editable_program(request, pk)
    form = ConferenceForm(request.POST or None)
    if form.is_valid():
        conference_hold(actor=request.user, program=program, **form.cleaned_data)
        return redirect(program)
    return _form_page(request, form, _("Conference or seminar"), "", program=program)
