from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability, can, unit_q
from giamngheo.api.selectors import submissions_waiting
from giamngheo.errors import attempt
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.households.services import citizen_id_search_record
from giamngheo.portal.requests import review_requests_list
from giamngheo.reviews import legal, selectors, services, workflow
from giamngheo.reviews.forms import (
    AdvanceForm,
    ApprovalForm,
    AttachmentForm,
    BaselineForm,
    ImportForm,
    MeetingForm,
    ResidentCountForm,
    RoundCreateForm,
)
from giamngheo.reviews.models import RoundStatus
from giamngheo.reviews.views.common import form_errors
from giamngheo.storage import file_response


def _editable_communes(actor):
    units = AdminUnit.objects.filter(unit_q(actor, unit_field=""), level=Level.COMMUNE)
    return units.filter(valid_to__isnull=True).order_by("code")


@requires(Capability.READ_RECORDS)
def round_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "year": request.GET.get("year", "")[:4] if request.GET.get("year", "").isdigit() else "",
        "status": request.GET.get("status")
        if request.GET.get("status") in RoundStatus.values
        else "",
        "overdue": request.GET.get("overdue") == "1",
    }
    rounds = selectors.round_list(actor=request.user, filters=filters)
    page = Paginator(rounds, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for r in page:
        r.overdue = workflow.is_overdue(r, today)
    context = {
        "page": page,
        "filters": filters,
        "statuses": RoundStatus.choices,
        "can_create": request.user.unit is not None
        and can(request.user, Capability.EDIT_RECORDS, request.user.unit),
    }
    return render(request, "reviews/round_list.html", context)


@requires(Capability.EDIT_RECORDS)
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundCreateForm(
        request.POST if request.method == "POST" else None, units=_editable_communes(request.user)
    )
    if request.method == "POST" and form.is_valid():
        created = attempt(
            request, lambda: services.round_create(actor=request.user, **form.cleaned_data)
        )
        if created:
            return redirect(created)
    context = {
        "form": form,
        "window_article": legal.PERIODIC_WINDOW_ARTICLE,
        "ad_hoc_days": legal.AD_HOC_DECISION.value,
    }
    return render(request, "reviews/round_form.html", context)


HOUSEHOLDS_PER_PAGE = 50


def household_filters(request: HttpRequest) -> dict[str, str]:
    """The round page's household search and filters, unknown values dropped."""
    village = request.GET.get("village", "")
    klass = request.GET.get("klass", "")
    state = request.GET.get("state", "")
    return {
        "q": request.GET.get("q", "").strip()[:100],
        "village": village if village.isdigit() else "",
        "klass": klass if klass in dict(selectors.CLASS_FILTERS) else "",
        "state": state if state in dict(selectors.STATE_FILTERS) else "",
    }


def _households(request: HttpRequest, r) -> dict:
    """The households table: one page of rows, and how many each filter value would show."""
    filters = household_filters(request)
    rows = selectors.assessment_rows(actor=request.user, review_round=r, filters=filters)
    page = Paginator(rows, HOUSEHOLDS_PER_PAGE).get_page(request.GET.get("page"))
    citizen_id_search_record(
        actor=request.user,
        query=filters["q"],
        households=(assessment.household for assessment in page),
        purpose="round search by citizen ID",
    )
    facets = selectors.assessment_facets(actor=request.user, review_round=r, filters=filters)
    villages = r.unit.subtree().filter(level=Level.VILLAGE).order_by("name")
    complained = set(r.complaints.values_list("household_id", flat=True))
    return {
        "round": r,
        "assessments": page,
        "complained": complained,
        "filters": filters,
        "village_options": [
            (str(v.pk), v.name, facets["village"].get(str(v.pk), 0)) for v in villages
        ],
        "class_options": [(k, label, facets["klass"][k]) for k, label in selectors.CLASS_FILTERS],
        "state_options": [(k, label, facets["state"][k]) for k, label in selectors.STATE_FILTERS],
    }


@requires(Capability.READ_RECORDS)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    if request.htmx and request.htmx.target == "round-households":
        return render(request, "reviews/_round_households.html", _households(request, r))
    overview = selectors.round_overview(actor=request.user, review_round=r)
    today = timezone.localdate()
    context = {
        **_households(request, r),
        **overview,
        "submissions_waiting": submissions_waiting(actor=request.user, review_round_id=r.pk),
        "legal": legal,
        "advance_form": AdvanceForm(),
        "meeting_form": MeetingForm(initial={"held_on": today}),
        "approval_form": ApprovalForm(initial={"decision_date": today}),
        "attachment_form": AttachmentForm(),
        "resident_form": ResidentCountForm.showing(overview["residents"]),
    }
    return render(request, "reviews/round_detail.html", context)


@requires(Capability.EDIT_RECORDS)
@require_POST
def round_advance(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    form = AdvanceForm(request.POST)
    if form.is_valid():
        target = form.cleaned_data["target"] or None
        attempt(
            request,
            lambda: services.round_advance(
                actor=request.user,
                review_round=r,
                target=target,
                reason=form.cleaned_data["reason"],
            ),
            _("The round moved to the next step."),
        )
    return redirect(r)


@requires(Capability.EDIT_RECORDS)
@require_POST
def round_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.round_record_meeting(
                actor=request.user, review_round=r, **form.cleaned_data
            ),
            _("Meeting result recorded."),
        )
    else:
        form_errors(request, form)
    return redirect(r)


@requires(Capability.APPROVE_ROUNDS)
@require_POST
def round_approve(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    form = ApprovalForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.round_approve(actor=request.user, review_round=r, **form.cleaned_data),
            _("The round is approved and locked."),
        )
    else:
        form_errors(request, form)
    return redirect(r)


@requires(Capability.EDIT_RECORDS)
@require_POST
def round_list_households(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)

    def list_all() -> int:
        # Art. 4(1): the households the commune manages, and those that asked for a review
        # online (portal), even one that has since left the lists.
        added = services.round_list_households(actor=request.user, review_round=r)
        return added + review_requests_list(actor=request.user, review_round=r)

    added = attempt(request, list_all)
    if added is not None:
        messages.success(request, _("%(n)d households listed.") % {"n": int(added)})
    return redirect(r)


@requires(Capability.EDIT_RECORDS)
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        attempt(
            request,
            lambda: services.attachment_add(
                actor=request.user, review_round=r, **form.cleaned_data
            ),
            _("File attached."),
        )
    else:
        form_errors(request, form)
    return redirect(r)


@requires(Capability.READ_RECORDS)
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    attachment = r.attachments.filter(pk=attachment_pk).first()
    if attachment is None or not attachment.file:
        raise Http404
    return file_response(attachment.file, filename=attachment.download_name)


@requires(Capability.READ_RECORDS)
def change_request_evidence(request: HttpRequest, pk: int, change_pk: int) -> FileResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    change = r.change_requests.filter(pk=change_pk).first()
    if change is None or not change.evidence:
        raise Http404
    name = change.evidence_name or change.evidence.name.rsplit("/", 1)[-1]
    return file_response(change.evidence, filename=name)


@requires(Capability.RECORD_BASELINES)
def baseline_import(request: HttpRequest) -> HttpResponse:
    """The first year's start-of-period lists, from the province's decision."""
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = BaselineForm(data, files, units=_editable_communes(request.user))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.pop("file")
        try:
            services.baseline_import(
                actor=request.user, name=upload.name, content=upload.read(), **form.cleaned_data
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, _("Baseline list recorded."))
            return redirect("reviews:round_list")
    return render(request, "reviews/baseline_form.html", {"form": form, "problems": problems})


@requires(Capability.EDIT_RECORDS)
@require_POST
def resident_count(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    form = ResidentCountForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.resident_count_set(
                actor=request.user, unit=r.unit, year=r.year, **form.cleaned_data
            ),
            _("Resident households recorded."),
        )
    else:
        form_errors(request, form)
    return redirect(r)


@requires(Capability.EDIT_RECORDS)
def resident_counts_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            n = services.resident_counts_import(
                actor=request.user, name=upload.name, content=upload.read()
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, _("%(n)d resident household counts recorded.") % {"n": n})
            return redirect("reviews:round_list")
    return render(request, "reviews/residents_import.html", {"form": form, "problems": problems})
