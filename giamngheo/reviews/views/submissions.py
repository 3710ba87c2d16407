"""The commune's queue of field submissions kept for review, and the staff decisions on them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability, can
from giamngheo.api import selectors, services
from giamngheo.api.models import MemberChangeState, ReviewState
from giamngheo.api.openrosa.parsing import SubmissionError, parse
from giamngheo.errors import attempt
from giamngheo.reviews import screening
from giamngheo.reviews.forms import (
    MemberChangeConfirmForm,
    MemberChangeRejectForm,
    SubmissionDismissForm,
    SubmissionReviewForm,
)
from giamngheo.reviews.views.common import form_errors
from giamngheo.storage import file_response


@requires(Capability.EDIT_RECORDS)
def submission_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    round_id = request.GET.get("round", "")
    filters = {
        "state": state if state in ReviewState.values else ReviewState.NEEDS_REVIEW,
        "round": int(round_id) if round_id.isdigit() else None,
    }
    submissions = selectors.submission_list(actor=request.user, filters=filters)
    context = {
        "page": Paginator(submissions, 50).get_page(request.GET.get("page")),
        "filters": filters,
        "states": ReviewState.choices,
    }
    return render(request, "reviews/submission_list.html", context)


@requires(Capability.EDIT_RECORDS)
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_get(actor=request.user, pk=pk)
    try:
        parsed = parse(submission.xml.encode("utf-8"))
    except SubmissionError:
        parsed = None
    labels = {m.code: m.label for m in screening.MARKERS}
    context = {
        "submission": submission,
        "parsed": parsed,
        "markers": [labels.get(code, code) for code in parsed.markers]
        if parsed and parsed.markers is not None
        else None,
        "attachments": submission.attachments.all(),
        "history": submission.history.select_related("history_user")[:20],
        "can_apply": can(request.user, Capability.COLLECT_ANSWERS, submission.commune),
        "apply_form": SubmissionReviewForm(),
        "dismiss_form": SubmissionDismissForm(),
        **_member_change_forms(),
        "member_changes": submission.member_changes.select_related("member", "reviewer"),
    }
    return render(request, "reviews/submission_detail.html", context)


@requires(Capability.EDIT_RECORDS)
def submission_file(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A photo or file sent with the submission, for the staff who review the commune's."""
    submission = selectors.submission_get(actor=request.user, pk=pk)
    attachment = submission.attachments.filter(pk=attachment_pk).first()
    if attachment is None or not attachment.file:
        raise Http404
    return file_response(attachment.file, filename=attachment.name)


@require_POST
@requires(Capability.COLLECT_ANSWERS)
def submission_apply(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_get(actor=request.user, pk=pk)
    form = SubmissionReviewForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(reverse("reviews:submission_detail", args=[pk]))
    done = attempt(
        request,
        lambda: services.submission_apply(
            actor=request.user, submission=submission, note=form.cleaned_data["note"]
        ),
    )
    if done and done.state == ReviewState.NEEDS_REVIEW:
        messages.error(
            request,
            _("Still not applied: %(reason)s") % {"reason": done.problem_detail},
        )
    elif done:
        messages.success(request, _("The answers were applied to the assessment."))
    return redirect(reverse("reviews:submission_detail", args=[pk]))


@require_POST
@requires(Capability.EDIT_RECORDS)
def submission_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_get(actor=request.user, pk=pk)
    form = SubmissionDismissForm(request.POST)
    if form.is_valid() and attempt(
        request,
        lambda: services.submission_dismiss(
            actor=request.user, submission=submission, note=form.cleaned_data["note"]
        ),
        success=_("The submission was dismissed; it is kept with your reason."),
    ):
        return redirect(reverse("reviews:submission_list"))
    form_errors(request, form)
    return redirect(reverse("reviews:submission_detail", args=[pk]))


def _member_change_forms() -> dict:
    return {
        "confirm_form": MemberChangeConfirmForm(),
        "reject_form": MemberChangeRejectForm(),
    }


def _back(request: HttpRequest, change) -> HttpResponse:
    """Back to the page the decision was made on: the queue or the submission."""
    if request.POST.get("next") == "queue":
        return redirect(reverse("reviews:member_change_list"))
    return redirect(reverse("reviews:submission_detail", args=[change.submission_id]))


@requires(Capability.EDIT_RECORDS)
def member_change_list(request: HttpRequest) -> HttpResponse:
    """Births, deaths and moves the field reported, waiting for the officer's confirmation."""
    state = request.GET.get("state", "")
    state = state if state in MemberChangeState.values else MemberChangeState.PENDING
    changes = selectors.member_change_list(actor=request.user, state=state)
    context = {
        "page": Paginator(changes, 50).get_page(request.GET.get("page")),
        "state": state,
        "states": MemberChangeState.choices,
        **_member_change_forms(),
    }
    return render(request, "reviews/member_change_list.html", context)


@require_POST
@requires(Capability.EDIT_RECORDS)
def member_change_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.member_change_get(actor=request.user, pk=pk)
    form = MemberChangeConfirmForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.member_change_confirm(
                actor=request.user, change=change, note=form.cleaned_data["note"]
            ),
            success=_("Confirmed: the registry and the household's life events were updated."),
        )
    else:
        form_errors(request, form)
    return _back(request, change)


@require_POST
@requires(Capability.EDIT_RECORDS)
def member_change_reject(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.member_change_get(actor=request.user, pk=pk)
    form = MemberChangeRejectForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.member_change_reject(
                actor=request.user, change=change, reason=form.cleaned_data["reason"]
            ),
            success=_("Rejected; the registry was not changed."),
        )
    else:
        form_errors(request, form)
    return _back(request, change)
