from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability, has_capability
from giamngheo.errors import attempt, show_on_form
from giamngheo.programs.forms import (
    ActivityForm,
    AreaForm,
    DocumentForm,
    PlanForm,
    ProgramForm,
    ReportForm,
)
from giamngheo.programs.permissions import can_edit_activity, can_edit_program
from giamngheo.programs.selectors import (
    activities_editable,
    activity_get,
    activity_list,
    program_get,
    program_list,
    program_progress,
)
from giamngheo.programs.services import (
    activity_create,
    activity_report,
    content_area_update,
    plan_create,
    program_attach_document,
    program_create,
)


@requires(Capability.READ_PROGRAMS)
def program_list_view(request: HttpRequest) -> HttpResponse:
    programs = program_list(actor=request.user)
    can_create = has_capability(request.user, Capability.EDIT_PROGRAMS)
    return render(
        request, "programs/program_list.html", {"programs": programs, "can_create": can_create}
    )


@requires(Capability.EDIT_PROGRAMS)
def program_create_view(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(request.POST or None, request.FILES or None, actor=request.user)
    if form.is_valid():
        try:
            program = program_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        except PermissionDenied:
            form.add_error("parties", _("Your organisation must be one of the parties."))
        else:
            messages.success(request, _("The coordination program was created."))
            return redirect(program)
    return render(request, "programs/program_form.html", {"form": form})


@requires(Capability.READ_PROGRAMS)
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = program_get(actor=request.user, pk=pk)
    context = {
        "program": program,
        "progress": program_progress(actor=request.user, program=program),
        "activities": activity_list(actor=request.user, program=program),
        "can_edit": can_edit_program(request.user, program),
        "editable": set(
            activities_editable(actor=request.user)
            .filter(content_area__program=program)
            .values_list("pk", flat=True)
        ),
        "plan_form": PlanForm(),
        "document_form": DocumentForm(),
    }
    return render(request, "programs/program_detail.html", context)


@requires(Capability.EDIT_PROGRAMS)
@require_POST
def plan_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = program_get(actor=request.user, pk=pk)
    form = PlanForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: plan_create(actor=request.user, program=program, **form.cleaned_data),
            _("The annual plan was added."),
        )
    else:
        messages.error(request, _("Check the year of the plan."))
    return redirect(program)


@requires(Capability.EDIT_PROGRAMS)
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    program = program_get(actor=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        attempt(
            request,
            lambda: program_attach_document(
                actor=request.user, program=program, document=form.cleaned_data["document"]
            ),
            _("The signed document was stored."),
        )
    else:
        messages.error(request, _("Choose a PDF file."))
    return redirect(program)


@requires(Capability.EDIT_PROGRAMS)
def area_edit(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    program = program_get(actor=request.user, pk=pk)
    if not can_edit_program(request.user, program):
        raise PermissionDenied
    area = get_object_or_404(program.content_areas, number=number)
    form = AreaForm(request.POST or None, initial={"title": area.title, "category": area.category})
    if form.is_valid():
        content_area_update(actor=request.user, area=area, **form.cleaned_data)
        return redirect(program)
    return render(
        request, "programs/area_form.html", {"program": program, "area": area, "form": form}
    )


@requires(Capability.EDIT_PROGRAMS)
def activity_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = program_get(actor=request.user, pk=pk)
    if not can_edit_program(request.user, program):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, actor=request.user, program=program)
    if form.is_valid():
        try:
            activity_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        except PermissionDenied:
            form.add_error(
                "responsible", _("You may plan only your own organisation's activities.")
            )
        else:
            messages.success(request, _("The activity was planned."))
            return redirect(program)
    return render(request, "programs/activity_form.html", {"program": program, "form": form})


@requires(Capability.EDIT_PROGRAMS)
def activity_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_get(actor=request.user, pk=pk)
    if not can_edit_activity(request.user, activity):
        raise PermissionDenied
    form = ReportForm(request.POST or None, request.FILES or None, activity=activity)
    if form.is_valid():
        upload = form.cleaned_data["evidence"]
        evidence = [(upload, form.cleaned_data["evidence_title"])] if upload else []
        try:
            activity_report(
                actor=request.user,
                activity=activity,
                status=form.cleaned_data["status"],
                result_summary=form.cleaned_data["result_summary"],
                achieved=form.achieved(),
                evidence=evidence,
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The results were reported."))
            return redirect(activity.program)
    return render(request, "programs/activity_report.html", {"activity": activity, "form": form})
