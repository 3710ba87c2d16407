"""Tra cứu: a household checks its own result without a login, and the commune issues its code.

What the page shows depends on what the citizen proved (``portal.access``): the head's ID and
date of birth open what the public posting published; the lookup code adds the deprivations,
their explanation and the household's personal data (Law 91/2025/QH15). Every miss reads the same.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from giamngheo import law
from giamngheo.accounts import throttle
from giamngheo.accounts.access import public, requires
from giamngheo.accounts.scoping import Capability
from giamngheo.households.models import Household, Member
from giamngheo.households.selectors import household_get
from giamngheo.households.services import records
from giamngheo.portal import access, challenge, services
from giamngheo.portal.forms import LookupForm
from giamngheo.portal.models import Category, LookupAttempt
from giamngheo.reviews.display import classification
from giamngheo.reviews.models import SnapshotEntry

Result = LookupAttempt.Result

# What the registry holds about a member, in the order the household form asks it: the name heads
# each member's table, and ID numbers never reach a public page.
MEMBER_FIELDS = tuple(f for f in records.MEMBER_FIELDS if f not in {"full_name", "citizen_id"})
HOUSEHOLD_FIELDS = (
    "unit",
    "address",
    "area",
    "head_ethnicity",
    "phone",
    "has_merit_person",
    "social_protection",
    "no_working_capacity",
)


def _page(request: HttpRequest, template: str, status: int = 200, **context) -> HttpResponse:
    response = render(
        request, template, {"categories": Category.objects.all(), **context}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response


def _throttled(request: HttpRequest, verdict: throttle.Verdict) -> HttpResponse:
    text = ngettext(
        "Too many lookups. Wait %(seconds)d second and try again.",
        "Too many lookups. Wait %(seconds)d seconds and try again.",
        verdict.retry_after,
    ) % {"seconds": verdict.retry_after}
    response = _page(request, "portal/lookup.html", 429, form=LookupForm(), error=text)
    response["Retry-After"] = str(verdict.retry_after)
    return response


@public
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    address = throttle.client_address(request)
    form = LookupForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        citizen_id, code = data["citizen_id"], services.normalise_code(data["code"])
        subject = services.id_digest(citizen_id)

        def log(result: str) -> None:
            services.lookup_log(
                address=address, citizen_id=citizen_id, with_code=bool(code), result=result
            )

        verdict = throttle.check(request, subject, scope=services.THROTTLE_SCOPE)
        if not verdict.allowed:
            log(Result.THROTTLED)
            return _throttled(request, verdict)
        if challenge.needed(address) and not challenge.passed(
            request.POST.get("challenge_token", ""), request.POST.get("challenge_answer", "")
        ):
            log(Result.CHALLENGE_FAILED)
            error = _("Answer the question below before looking up again.")
        elif match := services.lookup_match(
            citizen_id=citizen_id, date_of_birth=data["date_of_birth"], code=code
        ):
            if match.with_code:
                # Only the second factor clears the pair's failures: the ID and birth date
                # alone, often known to others, must not reset a count of guessed codes.
                throttle.succeeded(request, subject, scope=services.THROTTLE_SCOPE)
            access.grant(
                request,
                match.household,
                with_code=match.with_code,
                code_version=match.code_version,
            )
            log(Result.SHOWN_WITH_CODE if match.with_code else Result.SHOWN)
            return redirect("portal:lookup_result")
        else:
            throttle.failed(request, subject, scope=services.THROTTLE_SCOPE)
            challenge.failed(address)
            log(Result.NO_MATCH)
            error = _(
                "No published result matches these details. Check the citizen ID number, the "
                "date of birth and the code, if you typed one. If they are right, the household "
                "may have no approved result yet: ask the commune's officer."
            )
        form = LookupForm()  # what was typed is never sent back
    question = challenge.new() if challenge.needed(address) else None
    return _page(request, "portal/lookup.html", form=form, error=error, challenge=question)


def _explained(entry: SnapshotEntry) -> dict[str, Any]:
    """The staff pages' explanation, read from what the round froze for the household."""
    assessment = entry.assessment
    assessment.explanation = entry.explanation
    assessment.poverty_class = entry.poverty_class
    return classification(assessment)


@public
def lookup_result(request: HttpRequest) -> HttpResponse:
    granted = access.current(request)
    if granted is None:
        return redirect("portal:lookup")
    entry = services.latest_entry(granted.household)
    context: dict[str, Any] = {"granted": granted, "entry": entry}
    if entry is not None:
        review_round = entry.snapshot.round
        context.update(
            round=review_round,
            standard_name=law.standard_named(review_round.standard),
            class_label=entry.get_poverty_class_display() or _("Not poor"),
        )
        if granted.with_code:
            context["classification"] = _explained(entry)
    return _page(request, "portal/lookup_result.html", **context)


def _field_rows(obj: Household | Member, names: tuple[str, ...]) -> list[tuple[str, Any]]:
    rows = []
    for name in names:
        field = obj._meta.get_field(name)
        value: Any = getattr(obj, name)
        if getattr(field, "choices", None):
            value = getattr(obj, f"get_{name}_display")()
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        elif hasattr(value, "strftime"):
            value = value.strftime("%d/%m/%Y")
        rows.append((str(field.verbose_name), value if value not in (None, "") else "—"))
    return rows


@public
def lookup_personal_data(request: HttpRequest) -> HttpResponse:
    """What the registry holds about the household's members (Law 91/2025/QH15, the data
    subject's right to know and to ask for a correction); read-only, never the ID numbers."""
    granted = access.current(request)
    if granted is None or not granted.with_code:
        return redirect("portal:lookup")
    household = granted.household
    members = [
        {
            "name": m.full_name,
            "has_id": bool(m.citizen_id),
            "rows": _field_rows(m, MEMBER_FIELDS),
        }
        for m in household.members.order_by("member_no")
    ]
    return _page(
        request,
        "portal/lookup_personal_data.html",
        household=household,
        household_rows=_field_rows(household, HOUSEHOLD_FIELDS),
        members=members,
    )


@public
@require_POST
def lookup_end(request: HttpRequest) -> HttpResponse:
    access.revoke(request)
    return redirect("portal:lookup")


@requires(Capability.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def lookup_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The household's lookup code: issue or re-issue it and print the slip (shown only now)."""
    household = household_get(actor=request.user, pk=pk, capability=Capability.EDIT_RECORDS)
    if request.method == "POST":
        code, plain = services.lookup_code_issue(actor=request.user, household=household)
        context = {
            "household": household,
            "code": code,
            "plain": services.format_code(plain),
            "lookup_url": request.build_absolute_uri(reverse("portal:lookup")),
        }
        response = render(request, "portal/lookup_slip.html", context)
        response["Cache-Control"] = "no-store"
        return response
    codes = household.lookup_codes.select_related("issued_by")
    return render(request, "portal/lookup_code.html", {"household": household, "codes": codes})
