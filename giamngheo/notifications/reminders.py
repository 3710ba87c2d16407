"""The daily reminders (`giamngheo remind`): each finds what is due today and notifies once.

Each reminder's key names the thing and the date it is about (a round's posting end, a complaint's
re-check date, a step's deadline): run twice, the second run finds every key taken and sends
nothing; a date that moves (a new deadline) is a new reminder.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from giamngheo.jobs.models import FINISHED_STATUSES, Job
from giamngheo.notifications.delivery import notify
from giamngheo.notifications.models import Kind, Notification
from giamngheo.notifications.recipients import unit_officers
from giamngheo.programs.models import Inspection
from giamngheo.reviews import legal
from giamngheo.reviews.models import Complaint, ReviewRound, RoundStatus
from giamngheo.reviews.workdays import add_working_days
from giamngheo.reviews.workflow import LOCKED

# The posting (Decision 24/2021/QĐ-TTg, Art. 4(3)) is reminded when it ends within this many
# working days, so the commune prepares the complaints step; a complaint when its re-check is due
# within this many working days (Art. 4(3): 7 working days from receipt).
POSTING_NOTICE_WORKING_DAYS = 1
COMPLAINT_NOTICE_WORKING_DAYS = 2
# A job that ended longer ago than this is not announced by the daily run (a first run after an
# upgrade does not dig up every past export).
JOB_LOOKBACK = dt.timedelta(days=7)


@dataclass
class Counts:
    """What one run did, by kind: notifications written (one per person) and things reminded."""

    notifications: dict[str, int] = field(default_factory=dict)
    subjects: dict[str, int] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)
    emails: int = 0

    def add(self, kind: str, created: list[Notification]) -> None:
        self.notifications[kind] = self.notifications.get(kind, 0) + len(created)
        self.ids += [n.pk for n in created]
        if created:
            self.subjects[kind] = self.subjects.get(kind, 0) + 1


def _date(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def posting_ending(today: dt.date, counts: Counts) -> None:
    """Rounds whose posting window ends today or on the next working day."""
    notice_until = add_working_days(today, POSTING_NOTICE_WORKING_DAYS)
    rounds = ReviewRound.objects.filter(
        status=RoundStatus.POSTING, posting_ends_on__gte=today, posting_ends_on__lte=notice_until
    ).select_related("unit")
    for r in rounds:
        created = notify(
            recipients=unit_officers(r.unit),
            kind=Kind.POSTING_ENDING,
            title=gettext("Posting ends on %(date)s: %(round)s")
            % {"date": _date(r.posting_ends_on), "round": r},
            body=gettext(
                "The public posting of the review results ends on %(date)s. Complaints received "
                "until then are re-checked; then the round moves to the complaints step."
            )
            % {"date": _date(r.posting_ends_on)},
            url=r.get_absolute_url(),
            dedupe_key=f"posting-ending:round:{r.pk}:{r.posting_ends_on}",
        )
        counts.add(Kind.POSTING_ENDING, created)


def complaints_due(today: dt.date, counts: Counts) -> None:
    """Complaints not yet re-checked whose legal re-check date is near (or already past)."""
    notice_until = add_working_days(today, COMPLAINT_NOTICE_WORKING_DAYS)
    complaints = (
        Complaint.objects.filter(status=Complaint.Status.RECEIVED, recheck_due__lte=notice_until)
        .exclude(round__status__in=LOCKED)
        .select_related("round__unit", "household")
    )
    for c in complaints:
        created = notify(
            recipients=unit_officers(c.round.unit),
            kind=Kind.COMPLAINT_DUE,
            title=gettext("Complaint to re-check by %(date)s: %(household)s")
            % {"date": _date(c.recheck_due), "household": c.household},
            body=gettext(
                "A complaint received on %(received)s must be re-checked within %(days)s working "
                "days, by %(date)s."
            )
            % {
                "received": _date(c.received_on),
                "days": legal.COMPLAINT_RECHECK.value,
                "date": _date(c.recheck_due),
            },
            url=reverse("reviews:complaint_recheck", args=[c.pk]),
            dedupe_key=f"complaint-due:{c.pk}:{c.recheck_due}",
        )
        counts.add(Kind.COMPLAINT_DUE, created)


def steps_overdue(today: dt.date, counts: Counts) -> None:
    """Rounds whose current step is past its deadline (`ReviewRound.step_deadline`)."""
    rounds = (
        ReviewRound.objects.filter(step_deadline__lt=today)
        .exclude(status__in=LOCKED)
        .select_related("unit")
    )
    for r in rounds:
        created = notify(
            recipients=unit_officers(r.unit),
            kind=Kind.STEP_OVERDUE,
            title=gettext("Step overdue since %(date)s: %(round)s")
            % {"date": _date(r.step_deadline), "round": r},
            body=gettext("The step “%(step)s” was due by %(date)s.")
            % {"step": r.get_status_display(), "date": _date(r.step_deadline)},
            url=r.get_absolute_url(),
            dedupe_key=f"step-overdue:round:{r.pk}:{r.status}:{r.step_deadline}",
        )
        counts.add(Kind.STEP_OVERDUE, created)


def inspections_overdue(today: dt.date, counts: Counts) -> None:
    """Inspections planned before today and not recorded as conducted."""
    inspections = Inspection.objects.filter(
        planned_on__lt=today, conducted_on__isnull=True
    ).select_related("unit", "created_by")
    for inspection in inspections:
        recipients = list(unit_officers(inspection.unit))
        if inspection.created_by is not None:
            recipients.append(inspection.created_by)
        created = notify(
            recipients=recipients,
            kind=Kind.INSPECTION_OVERDUE,
            title=gettext("Inspection overdue: %(title)s") % {"title": inspection.title},
            body=gettext(
                "The %(kind)s of %(unit)s was planned for %(date)s and is not recorded as done."
            )
            % {
                "kind": inspection.get_kind_display().lower(),
                "unit": inspection.unit,
                "date": _date(inspection.planned_on),
            },
            url=reverse("programs:inspection_result", args=[inspection.pk]),
            dedupe_key=f"inspection-overdue:{inspection.pk}:{inspection.planned_on}",
        )
        counts.add(Kind.INSPECTION_OVERDUE, created)


def job_notify(job: Job) -> list[Notification]:
    """Tell a finished job's owner how it ended (once: the key is the job)."""
    if job.owner is None or job.status not in FINISHED_STATUSES:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        return notify(
            recipients=[job.owner],
            kind=Kind.JOB_FINISHED,
            title=gettext("%(status)s: %(title)s")
            % {"status": job.get_status_display(), "title": job.title},
            body=(job.result or {}).get("summary", "") or "",
            url=job.get_absolute_url(),
            dedupe_key=f"job-finished:{job.pk}",
        )


def jobs_finished(today: dt.date, counts: Counts) -> None:
    """Jobs that ended in the last week and whose owner was not told at once."""
    since = timezone.now() - JOB_LOOKBACK
    jobs = Job.objects.filter(
        status__in=FINISHED_STATUSES, owner__isnull=False, finished_at__gte=since
    ).select_related("owner")
    for job in jobs:
        counts.add(Kind.JOB_FINISHED, job_notify(job))


REMINDERS: list[Callable[[dt.date, Counts], None]] = [
    posting_ending,
    complaints_due,
    steps_overdue,
    inspections_overdue,
    jobs_finished,
]


def reminders_run(*, today: dt.date | None = None) -> Counts:
    """Run every reminder for `today`; stored text is in the installation's language."""
    today = today or timezone.localdate()
    counts = Counts()
    with translation.override(settings.LANGUAGE_CODE):
        for reminder in REMINDERS:
            reminder(today, counts)
    # Outside a transaction (the command) the e-mails have gone by now.
    counts.emails = Notification.objects.filter(pk__in=counts.ids).exclude(emailed_at=None).count()
    return counts
