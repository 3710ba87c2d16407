"""The review round as an explicit state machine (Decision 24/2021/QĐ-TTg, Arts. 3–5).

Steps follow `RoundStatus` in order and none can be skipped. The only way back is from the
village meeting to the survey: when fewer than half of the attendees agree, the review and the
meeting are redone (Art. 4(2)). Each step's preconditions are listed as plain-language blockers
so that the page can say why the next step is not yet open.
"""

import datetime as dt

from django.utils.translation import gettext as _

from giamngheo.households.models import ResidentCount
from giamngheo.law import cited
from giamngheo.reviews import legal
from giamngheo.reviews.flows import exempt_household_ids, flow_identity
from giamngheo.reviews.models import (
    Attachment,
    Complaint,
    ReviewRound,
    RoundStatus,
    RoundType,
)

S = RoundStatus
ORDER: list[str] = [
    S.LISTING,
    S.SCREENING,
    S.SURVEY,
    S.MEETING,
    S.POSTING,
    S.COMPLAINTS,
    S.APPROVAL,
    S.APPROVED,
    S.REPORTED,
]
FORWARD: dict[str, str] = {a: b for a, b in zip(ORDER, ORDER[1:], strict=False)}
BACKWARD: dict[str, str] = {S.MEETING: S.SURVEY}
# Approval has its own service: it needs the chairman, a decision number and a date.
NEEDS_APPROVAL_SERVICE = {S.APPROVED}
LOCKED = {S.APPROVED, S.REPORTED}
# Answers may be entered or changed only in these steps; later, only a complaint's re-check.
SCREENING_OPEN = {S.SCREENING, S.SURVEY}
SURVEY_OPEN = {S.SURVEY}
LISTING_OPEN = {S.LISTING, S.SCREENING, S.SURVEY}


def allowed_targets(status: str) -> list[str]:
    targets = [FORWARD[status]] if status in FORWARD else []
    if status in BACKWARD:
        targets.append(BACKWARD[status])
    return targets


def _label(status: str) -> str:
    return str(dict(S.choices).get(status, status))


def round_deadline(review_round: ReviewRound) -> dt.date:
    """Last day for the chairman's decision: 14 December, or 15 days after an ad-hoc start."""
    if review_round.round_type == RoundType.AD_HOC:
        return review_round.review_date + dt.timedelta(days=legal.AD_HOC_DECISION.value)
    return legal.periodic_window(review_round.year)[1]


def step_deadline(review_round: ReviewRound, status: str) -> dt.date | None:
    if status in LOCKED:
        return None
    # The posting's end is a minimum, not a deadline: it is shown on its own.
    end = round_deadline(review_round)
    if status == S.COMPLAINTS:
        dues = [
            d
            for d in review_round.complaints.filter(status=Complaint.Status.RECEIVED).values_list(
                "recheck_due", flat=True
            )
            if d
        ]
        if dues:
            return min([*dues, end])
    return end


def blockers(review_round: ReviewRound, target: str, today: dt.date) -> list[str]:
    """Why `review_round` cannot move to `target` today; empty when it can."""
    status = review_round.status
    if target not in allowed_targets(status):
        return [
            _("A round in step “%(step)s” cannot move to “%(target)s”: steps cannot be skipped.")
            % {"step": _label(status), "target": _label(target)}
        ]
    if target == BACKWARD.get(status):
        return []
    check = _CHECKS.get(status)
    return check(review_round, today) if check else []


def _listing_done(r: ReviewRound, today: dt.date) -> list[str]:
    if not r.assessments.exists():
        return [_("List the households to review first.")]
    return []


def _screening_done(r: ReviewRound, today: dt.date) -> list[str]:
    # Households exempt from form A (screening.FORM_A_EXEMPT_CLASSES) go straight to form B.
    missing = (
        r.assessments.filter(screening={}).exclude(household_id__in=exempt_household_ids(r)).count()
    )
    if missing:
        return [
            _("%(n)d listed households have no form A screening yet.") % {"n": missing},
        ]
    return []


def _survey_done(r: ReviewRound, today: dt.date) -> list[str]:
    missing = r.assessments.filter(screened_out=False, poverty_class="").count()
    if missing:
        return [
            _("%(n)d households are neither screened out nor classified from form B.")
            % {"n": missing}
        ]
    return []


def _meeting_done(r: ReviewRound, today: dt.date) -> list[str]:
    out = []
    minutes = r.attachments.filter(kind=Attachment.Kind.MEETING_MINUTES)
    if r.step_started_at:
        # A redone meeting needs its own minutes.
        minutes = minutes.filter(uploaded_at__gte=r.step_started_at)
    if not minutes.exists():
        out.append(_("Upload the village meeting minutes."))
    if not r.meeting_attendees:
        out.append(_("Record the number of attendees and how many agreed."))
    elif (r.meeting_agreed or 0) < legal.MEETING_MIN_AGREEMENT * r.meeting_attendees:
        out.append(
            _(
                "Fewer than half of the attendees agreed: the review and the meeting must be "
                "redone (%(article)s)."
            )
            % {"article": cited(legal.MEETING_ARTICLE)}
        )
    return out


def _posting_done(r: ReviewRound, today: dt.date) -> list[str]:
    if r.posting_ends_on is None or today <= r.posting_ends_on:
        return [
            _("The public posting lasts %(n)d working days, until %(date)s (%(article)s).")
            % {
                "n": legal.POSTING.value,
                "date": f"{r.posting_ends_on:%d/%m/%Y}" if r.posting_ends_on else "…",
                "article": cited(legal.POSTING.article),
            }
        ]
    return []


def _complaints_done(r: ReviewRound, today: dt.date) -> list[str]:
    out = []
    pending = r.complaints.filter(status=Complaint.Status.RECEIVED).count()
    if pending:
        out.append(_("%(n)d complaints are still to be re-checked.") % {"n": pending})
    last = (
        r.complaints.exclude(reposting_ends_on=None)
        .order_by("-reposting_ends_on")
        .values_list("reposting_ends_on", flat=True)
        .first()
    )
    if last and today <= last:
        out.append(
            _("Re-checked results stay posted until %(date)s (%(article)s).")
            % {"date": f"{last:%d/%m/%Y}", "article": cited(legal.REPOSTING.article)}
        )
    return out


def _approval_pending(r: ReviewRound, today: dt.date) -> list[str]:
    return [
        _("Only the commune chairman's decision, with its number and date, approves a round.")
        + f" ({cited(legal.APPROVAL_ARTICLE)})"
    ]


def _ready_to_report(r: ReviewRound, today: dt.date) -> list[str]:
    """Forms 2/3 must add up and the rates need the commune's resident households (§5)."""
    out = []
    if not ResidentCount.objects.filter(unit=r.unit, year=r.year).exists():
        out.append(
            _("Record the commune's resident households for %(year)d before reporting.")
            % {"year": r.year}
        )
    identity = flow_identity(r)
    if not (identity["poor"]["holds"] and identity["near_poor"]["holds"]):
        out.append(_("The start and end counts do not add up: check the lists."))
    return out


_CHECKS = {
    S.LISTING: _listing_done,
    S.SCREENING: _screening_done,
    S.SURVEY: _survey_done,
    S.MEETING: _meeting_done,
    S.POSTING: _posting_done,
    S.COMPLAINTS: _complaints_done,
    S.APPROVAL: _approval_pending,
    S.APPROVED: _ready_to_report,
}


def is_overdue(review_round: ReviewRound, today: dt.date) -> bool:
    if review_round.status in LOCKED:
        return False
    return bool(review_round.step_deadline and today > review_round.step_deadline)
