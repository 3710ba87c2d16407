"""Requests a household files online, and the commune's confirmation that makes them count.

Which request the law offers depends on the day (Decision 24/2021/QĐ-TTg): from 1 September to
14 December the annual review's request (Form 01, Art. 3 and 4(1)), at other times the regular
review's (Form 04, Art. 5), and while a list covering the household is posted a complaint about
it (Art. 4(3)). A correction of personal data (Law 91/2025/QH15) may be asked for at any time.
An online filing is only "received": the household confirms it at the commune, and the
officer's confirmation opens the listing, change request or complaint the law provides for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can, scoped
from giamngheo.errors import Conflict, DomainError, NotAvailable
from giamngheo.households.models import Household
from giamngheo.notifications.models import Kind as NoticeKind
from giamngheo.notifications.services import notify_unit
from giamngheo.portal import services as codes
from giamngheo.portal.models import CitizenRequest
from giamngheo.reviews import legal, workflow
from giamngheo.reviews.models import (
    ChangeRequest,
    Complaint,
    ReviewRound,
    RoundStatus,
    RoundType,
)
from giamngheo.reviews.services.changes import change_request_create, commune_of
from giamngheo.reviews.services.complaints import complaint_receive
from giamngheo.reviews.services.rounds import round_households_in_commune, round_list_households

Kind = CitizenRequest.Kind
Status = CitizenRequest.Status

# From the lookup codes' alphabet (no 0/O, 1/I/L: read aloud and typed from paper):
# 31^10 ≈ 8 × 10^14 codes.
CODE_LENGTH = 10
TEXT_MAX = 2000
# A household that keeps filing without coming to the commune is not offered more.
OPEN_PER_HOUSEHOLD = 5
NEEDS_EVIDENCE = {Kind.REGULAR, Kind.CORRECTION}


# What the date allows ---------------------------------------------------------------------------
def in_annual_period(day: dt.date) -> bool:
    start, end = legal.periodic_window(day.year)
    return start <= day <= end


def posting_round(household: Household, day: dt.date) -> ReviewRound | None:
    """The round whose list covering the household's village is posted on `day`, if any."""
    commune = commune_of(household.unit)
    if commune is None:
        return None
    return (
        ReviewRound.objects.filter(
            unit=commune,
            status=RoundStatus.POSTING,
            posting_started_on__lte=day,
            posting_ends_on__gte=day,
        )
        .order_by("-posting_started_on")
        .first()
    )


def kinds_on(household: Household, day: dt.date) -> list[str]:
    """The kinds of request the household may file on `day`, in the order the form offers them."""
    kinds: list[str] = [Kind.REVIEW if in_annual_period(day) else Kind.REGULAR]
    if posting_round(household, day) is not None:
        kinds.append(Kind.COMPLAINT)
    kinds.append(Kind.CORRECTION)
    return kinds


# Filing -----------------------------------------------------------------------------------------
def new_tracking_code() -> str:
    return codes.random_code(CODE_LENGTH)


def normalise_code(text: str) -> str:
    """What a person types, as stored; cut short, since the box's text goes into an address."""
    return codes.normalise_code(text)[: CODE_LENGTH + 6]


def _announce(citizen_request: CitizenRequest) -> None:
    """The one place that tells the commune a new citizen request arrived: its officers and
    chairman, once per request, in the site and by e-mail as each chose.

    Called once for each filing, after it is committed. The text names the kind and the tracking
    code only: what the household wrote is read in the queue, behind the officer's login.
    """
    notify_unit(
        citizen_request.household.unit,
        NoticeKind.CITIZEN_REQUEST,
        title=_("New citizen request %(code)s: %(kind)s")
        % {"code": citizen_request.tracking_code, "kind": citizen_request.get_kind_display()},
        url=reverse("portal:request_detail", args=[citizen_request.pk]),
        dedupe_key=f"citizen-request:{citizen_request.pk}",
    )


def file_request(
    *,
    household: Household,
    kind: str,
    text: str,
    phone: str = "",
    today: dt.date | None = None,
) -> CitizenRequest:
    """File a request for a household that proved itself with its lookup code."""
    today = today or timezone.localdate()
    errors = []
    if kind not in kinds_on(household, today):
        errors.append(_("This kind of request cannot be filed today."))
    text = text.strip()
    if not text:
        errors.append(_("Write what you ask for."))
    elif len(text) > TEXT_MAX:
        errors.append(_("Write at most %(n)d characters.") % {"n": TEXT_MAX})
    phone = phone.strip()
    if phone and not (phone.lstrip("+").isdigit() and 8 <= len(phone) <= 15):
        errors.append(_("The phone number has 8 to 15 digits."))
    open_requests = CitizenRequest.objects.filter(household=household, status=Status.RECEIVED)
    if open_requests.count() >= OPEN_PER_HOUSEHOLD:
        errors.append(
            _("This household already has %(n)d requests waiting: confirm them at the commune.")
            % {"n": OPEN_PER_HOUSEHOLD}
        )
    if errors:
        raise DomainError(errors)
    review_round = posting_round(household, today) if kind == Kind.COMPLAINT else None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                created = CitizenRequest.objects.create(
                    tracking_code=new_tracking_code(),
                    household=household,
                    kind=kind,
                    text=text,
                    phone=phone,
                    filed_on=today,
                    review_year=today.year if kind == Kind.REVIEW else None,
                    review_round=review_round,
                )
            break
        except IntegrityError:  # a tracking code drawn twice: draw again
            continue
    else:  # pragma: no cover - 5 collisions in 8 × 10^14 codes
        raise Conflict(_("Please try again."))
    transaction.on_commit(lambda: _announce(created))
    return created


# Where a request stands -------------------------------------------------------------------------
class Stage:
    RECEIVED = "received"
    CONFIRMED = "confirmed"
    REVIEWING = "reviewing"
    DECIDED = "decided"
    REJECTED = "rejected"


STAGES = [Stage.RECEIVED, Stage.CONFIRMED, Stage.REVIEWING, Stage.DECIDED]


def stage_of(citizen_request: CitizenRequest) -> str:
    """Where the request stands, read from what its confirmation opened."""
    if citizen_request.status == Status.REJECTED:
        return Stage.REJECTED
    if citizen_request.status == Status.RECEIVED:
        return Stage.RECEIVED
    complaint, change = citizen_request.complaint, citizen_request.change_request
    if complaint is not None:
        return Stage.REVIEWING if complaint.status == Complaint.Status.RECEIVED else Stage.DECIDED
    if change is not None:
        if change.status != ChangeRequest.Status.OPEN or (
            change.ad_hoc_round is not None and change.ad_hoc_round.is_locked
        ):
            return Stage.DECIDED
        return Stage.REVIEWING
    review_round = citizen_request.review_round
    if citizen_request.kind == Kind.REVIEW and review_round is not None:
        return Stage.DECIDED if review_round.is_locked else Stage.REVIEWING
    return Stage.CONFIRMED


@dataclass(frozen=True)
class Deadline:
    text: str
    day: dt.date | None
    article: str


def deadlines(citizen_request: CitizenRequest) -> list[Deadline]:
    """The legal deadlines the household may hold the commune to, as far as they are known."""
    r, out = citizen_request, []
    if r.kind == Kind.REVIEW:
        year = r.review_round.year if r.review_round else r.review_year or r.filed_on.year
        out.append(
            Deadline(
                _("The annual review ends with the chairman's decision by"),
                legal.periodic_window(year)[1],
                legal.PERIODIC_WINDOW_ARTICLE,
            )
        )
    elif r.kind == Kind.REGULAR:
        if r.decision_due:
            start = r.decision_due - dt.timedelta(days=legal.AD_HOC_DECISION.value)
            out.append(
                Deadline(
                    _("The monthly regular review that takes it up starts on"),
                    start,
                    legal.REGULAR_REVIEW_ARTICLE,
                )
            )
            out.append(
                Deadline(
                    _("The chairman decides within %(n)d days of that start, by")
                    % {"n": legal.AD_HOC_DECISION.value},
                    r.decision_due,
                    legal.AD_HOC_DECISION.article,
                )
            )
        else:
            out.append(
                Deadline(
                    _(
                        "Once confirmed, it joins the regular review that starts on the 15th of "
                        "the month, and the chairman decides within %(n)d days of that start."
                    )
                    % {"n": legal.AD_HOC_DECISION.value},
                    None,
                    legal.AD_HOC_DECISION.article,
                )
            )
    elif r.kind == Kind.COMPLAINT:
        if r.decision_due:
            out.append(
                Deadline(
                    _("The complaint is re-checked within %(n)d working days of receipt, by")
                    % {"n": legal.COMPLAINT_RECHECK.value},
                    r.decision_due,
                    legal.COMPLAINT_RECHECK.article,
                )
            )
        elif r.review_round is not None and r.review_round.posting_ends_on:
            out.append(
                Deadline(
                    _("Complaints are raised while the list is posted, which ends on"),
                    r.review_round.posting_ends_on,
                    legal.POSTING.article,
                )
            )
    return out


# The commune's side -----------------------------------------------------------------------------
def request_queue(*, actor: User, status: str = "") -> QuerySet[CitizenRequest]:
    """Requests of households in the actor's territory, newest first."""
    queryset = scoped(
        CitizenRequest.objects.select_related("household__unit"),
        actor,
        Capability.EDIT_RECORDS,
        unit_field="household__unit",
    )
    if status in Status.values:
        queryset = queryset.filter(status=status)
    return queryset


def request_get(*, actor: User, pk: int) -> CitizenRequest:
    found = request_queue(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotAvailable(_("There is no such request in your unit."), status=404)
    return found


def request_by_code(code: str) -> CitizenRequest | None:
    """The public tracking page's lookup: the code alone, nothing else."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return (
        CitizenRequest.objects.select_related(
            "household__unit", "review_round", "complaint", "change_request__ad_hoc_round"
        )
        .filter(tracking_code=code)
        .first()
    )


def _locked(actor: User, citizen_request: CitizenRequest) -> CitizenRequest:
    if not can(actor, Capability.EDIT_RECORDS, citizen_request.household.unit):
        raise PermissionDenied(_("This is outside your unit or your role."))
    locked = CitizenRequest.objects.select_for_update().get(pk=citizen_request.pk)
    if locked.status != Status.RECEIVED:
        raise Conflict(_("This request has already been dealt with."))
    return locked


def _reason(citizen_request: CitizenRequest) -> str:
    return _("%(kind)s, filed online on %(date)s (tracking code %(code)s): %(text)s") % {
        "kind": citizen_request.get_kind_display(),
        "date": f"{citizen_request.filed_on:%d/%m/%Y}",
        "code": citizen_request.tracking_code,
        "text": citizen_request.text,
    }


def _open_annual_round(household: Household, year: int) -> ReviewRound | None:
    commune = commune_of(household.unit)
    return (
        ReviewRound.objects.filter(
            unit=commune,
            round_type=RoundType.PERIODIC,
            year__gte=year,
            status__in=workflow.LISTING_OPEN,
        )
        .order_by("year")
        .first()
    )


@transaction.atomic
def request_confirm(
    *, actor: User, citizen_request: CitizenRequest, evidence=None
) -> CitizenRequest:
    """The household came to the commune: record who confirmed it and open what its kind opens.

    Form 01 is listed in the commune's open annual round, or waits for its listing; Form 04 and a
    correction become a change request (an ad-hoc review); a complaint is received with the date
    it was filed, which lies in the posting.
    """
    r = _locked(actor, citizen_request)
    household = r.household
    today = timezone.localdate()
    if r.kind == Kind.REVIEW:
        year = r.review_year or r.filed_on.year
        review_round = _open_annual_round(household, year)
        if review_round is not None:
            round_list_households(actor=actor, review_round=review_round, households=[household])
            r.review_round = review_round
        elif ReviewRound.objects.filter(
            unit=commune_of(household.unit), round_type=RoundType.PERIODIC, year=year
        ).exists():
            # This year's listing is over (Art. 4(1) is its first step): the next one takes it.
            year += 1
            r.review_year = year
        r.decision_due = legal.periodic_window(review_round.year if review_round else year)[1]
    elif r.kind in NEEDS_EVIDENCE:
        r.change_request = change_request_create(
            actor=actor,
            household=household,
            reason=_reason(r),
            evidence=evidence,
            changes={"citizen_request": r.tracking_code, "kind": r.kind},
        )
        if r.kind == Kind.REGULAR:
            r.decision_due = legal.regular_review_deadline(today)
    elif r.kind == Kind.COMPLAINT:
        if r.review_round is None:
            raise DomainError(_("The posted list this complaint is about is no longer known."))
        r.complaint = complaint_receive(
            actor=actor,
            review_round=r.review_round,
            household=household,
            received_on=r.filed_on,
            complainant=household.head_name or household.code,
            content=_reason(r),
        )
        r.decision_due = r.complaint.recheck_due
    r.status = Status.CONFIRMED
    r.handled_by = actor
    r.handled_at = timezone.now()
    r._change_reason = _("Confirmed by the household at the commune")  # type: ignore[attr-defined]
    r.save()
    return r


@transaction.atomic
def request_reject(*, actor: User, citizen_request: CitizenRequest, reason: str) -> CitizenRequest:
    """Not accepted (the household never came, or it is not its to ask): with the reason it reads."""
    r = _locked(actor, citizen_request)
    if not reason.strip():
        raise DomainError(_("Give the reason the household will read."), field="reason")
    r.status = Status.REJECTED
    r.rejection_reason = reason.strip()
    r.handled_by = actor
    r.handled_at = timezone.now()
    r.save()
    return r


def review_requests_list(*, actor: User, review_round: ReviewRound) -> int:
    """List in an annual round the households whose confirmed Form 01 waits for a listing; the
    number newly listed.

    Art. 4(1) lists the households the commune manages and those that asked for a review; the
    round's own listing takes the first, this the second (also a household that left the lists).
    """
    if review_round.round_type != RoundType.PERIODIC:
        return 0
    waiting = list(
        CitizenRequest.objects.filter(
            kind=Kind.REVIEW,
            status=Status.CONFIRMED,
            review_round=None,
            review_year__lte=review_round.year,
            household__in=round_households_in_commune(review_round),
        ).select_related("household")
    )
    if not waiting:
        return 0
    households = list({r.household_id: r.household for r in waiting}.values())
    added = round_list_households(actor=actor, review_round=review_round, households=households)
    for r in waiting:
        r.review_round = review_round
        r.decision_due = legal.periodic_window(review_round.year)[1]
        r.save(update_fields=["review_round", "decision_due"])
    return added
