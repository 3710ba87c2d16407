"""Each reminder fires in its situation, for the officers who answer for it, and only once."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.running import job_kind, job_run
from giamngheo.notifications.models import Kind, Notification, NotificationPreference
from giamngheo.notifications.reminders import reminders_run
from giamngheo.notifications.tests.conftest import FRIDAY, make_round
from giamngheo.programs.models import Inspection
from giamngheo.reviews.models import Complaint, PublicHoliday, RoundStatus
from giamngheo.reviews.tests.conftest import make_household
from giamngheo.reviews.workdays import add_working_days


def _told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_posting_window_ending_next_working_day_reminds_the_commune_decision_24_2021_art_4_3(
    people, province
):
    # Posted for 3 working days (Art. 4(3)); on Friday the posting that ends on Monday is due.
    ending = make_round(province["A"], RoundStatus.POSTING, posting_ends_on=dt.date(2026, 10, 12))
    make_round(province["B"], RoundStatus.POSTING, posting_ends_on=dt.date(2026, 10, 13))

    counts = reminders_run(today=FRIDAY)

    assert _told(Kind.POSTING_ENDING) == {"officer_a", "chairman_a"}
    assert counts.subjects[Kind.POSTING_ENDING] == 1
    assert Notification.objects.get(recipient__username="officer_a").url == (
        ending.get_absolute_url()
    )


def test_posting_window_end_counts_working_days_over_a_holiday_decision_24_2021_art_4_3(
    people, province
):
    PublicHoliday.objects.create(date=dt.date(2026, 10, 12), name="Nghỉ bù (thử)")
    make_round(province["B"], RoundStatus.POSTING, posting_ends_on=dt.date(2026, 10, 13))

    reminders_run(today=dt.date(2026, 10, 8))  # Thursday: two working days before
    assert not _told(Kind.POSTING_ENDING)

    reminders_run(today=FRIDAY)  # Monday is a holiday: Tuesday is the next working day
    assert _told(Kind.POSTING_ENDING) == {"officer_b"}


def test_complaint_near_its_recheck_date_reminds_the_commune_decision_24_2021_art_4_3(
    people, province
):
    review_round = make_round(province["A"], RoundStatus.COMPLAINTS)
    household = make_household(province["A1"], "31-11001-000001")
    near = add_working_days(FRIDAY, 2)
    later = add_working_days(FRIDAY, 3)
    for due, status in ((near, Complaint.Status.RECEIVED), (later, Complaint.Status.RECEIVED)):
        Complaint.objects.create(
            round=review_round,
            household=household,
            received_on=FRIDAY - dt.timedelta(days=7),
            complainant="Nguyễn Văn An",
            content="Xin xem lại",
            recheck_due=due,
            status=status,
        )
    Complaint.objects.create(
        round=review_round,
        household=household,
        received_on=FRIDAY - dt.timedelta(days=9),
        complainant="Nguyễn Văn An",
        content="Đã xử lý",
        recheck_due=FRIDAY,
        status=Complaint.Status.RECHECKED,
    )

    counts = reminders_run(today=FRIDAY)

    assert counts.subjects[Kind.COMPLAINT_DUE] == 1
    assert _told(Kind.COMPLAINT_DUE) == {"officer_a", "chairman_a"}
    assert f"{near:%d/%m/%Y}" in Notification.objects.filter(kind=Kind.COMPLAINT_DUE).first().title


def test_round_step_past_its_deadline_reminds_the_commune_decision_24_2021_art_4(people, province):
    make_round(province["A"], RoundStatus.SURVEY, step_deadline=FRIDAY - dt.timedelta(days=1))
    make_round(province["B"], RoundStatus.SURVEY, step_deadline=FRIDAY)  # due today: not late

    reminders_run(today=FRIDAY)

    assert _told(Kind.STEP_OVERDUE) == {"officer_a", "chairman_a"}


def test_an_approved_round_is_never_overdue(people, province):
    make_round(province["A"], RoundStatus.APPROVED, step_deadline=FRIDAY - dt.timedelta(days=30))
    reminders_run(today=FRIDAY)
    assert not Notification.objects.exists()


def test_inspection_not_done_by_its_date_reminds_the_unit_and_its_planner(people, province):
    planner = people["province_officer"]
    Inspection.objects.create(
        title="Kiểm tra A",
        unit=province["A"],
        planned_on=FRIDAY - dt.timedelta(days=2),
        created_by=planner,
    )
    Inspection.objects.create(
        title="Kiểm tra B (đã làm)",
        unit=province["B"],
        planned_on=FRIDAY - dt.timedelta(days=5),
        conducted_on=FRIDAY - dt.timedelta(days=4),
        created_by=planner,
    )
    Inspection.objects.create(
        title="Kiểm tra B (sắp tới)",
        unit=province["B"],
        planned_on=FRIDAY + dt.timedelta(days=3),
        created_by=planner,
    )

    reminders_run(today=FRIDAY)

    assert _told(Kind.INSPECTION_OVERDUE) == {"officer_a", "chairman_a", "province"}


def test_province_level_inspection_goes_to_the_province_staff(people, province):
    Inspection.objects.create(
        title="Kiểm tra tỉnh", unit=province["P"], planned_on=FRIDAY - dt.timedelta(days=2)
    )
    reminders_run(today=FRIDAY)
    assert _told(Kind.INSPECTION_OVERDUE) == {"province"}


@job_kind("notifications-test-ok")
def _ok_job(reporter, params):
    return {"summary": "Xong."}


@job_kind("notifications-test-broken")
def _broken_job(reporter, params):
    raise RuntimeError("hỏng")


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("notifications-test-ok", JobStatus.SUCCEEDED),
        ("notifications-test-broken", JobStatus.FAILED),
    ],
)
def test_job_owner_is_told_when_the_worker_ends_the_job(people, kind, status):
    owner = people["commune_a_officer"]
    job = Job.objects.create(kind=kind, title="Nhập danh sách hộ", owner=owner)

    job_run(job.pk)

    notification = Notification.objects.get(kind=Kind.JOB_FINISHED)
    assert notification.recipient == owner
    assert notification.url == job.get_absolute_url()
    assert str(JobStatus(status).label) in notification.title
    reminders_run()  # the daily run finds the job already announced
    assert Notification.objects.filter(kind=Kind.JOB_FINISHED).count() == 1


def test_daily_run_tells_the_owner_of_a_job_ended_without_the_worker(people):
    from django.utils import timezone

    Job.objects.create(
        kind="gone",
        title="Xuất báo cáo",
        owner=people["province_officer"],
        status=JobStatus.ABANDONED,
        finished_at=timezone.now(),
    )
    Job.objects.create(
        kind="gone", title="Đang chạy", owner=people["province_officer"], status=JobStatus.RUNNING
    )

    reminders_run()

    assert _told(Kind.JOB_FINISHED) == {"province"}


@pytest.fixture
def every_situation(people, province):
    make_round(province["A"], RoundStatus.POSTING, posting_ends_on=dt.date(2026, 10, 12))
    make_round(province["B"], RoundStatus.SURVEY, step_deadline=FRIDAY - dt.timedelta(days=1))
    Inspection.objects.create(
        title="Kiểm tra A",
        unit=province["A"],
        planned_on=FRIDAY - dt.timedelta(days=2),
        created_by=people["province_officer"],
    )


def test_remind_run_twice_sends_each_reminder_once(
    every_situation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", "--date", FRIDAY.isoformat(), stdout=io.StringIO())
    notifications, emails = Notification.objects.count(), len(mail.outbox)
    # posting: officer and chairman of A; step: officer of B; inspection: A's two and the planner
    assert notifications == 6
    assert emails == 6
    assert sorted(m.to[0] for m in mail.outbox).count("officer_a@example.gov.vn") == 2

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", "--date", FRIDAY.isoformat(), stdout=out)

    assert Notification.objects.count() == notifications
    assert len(mail.outbox) == emails
    assert "0 notification(s) written" in out.getvalue()


def test_email_off_for_a_kind_keeps_the_notification_but_sends_no_email(
    every_situation, people, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=people["commune_a_officer"], kind=Kind.POSTING_ENDING, email=False
    )
    people["commune_a_chairman"].email = ""
    people["commune_a_chairman"].save()

    with django_capture_on_commit_callbacks(execute=True):
        reminders_run(today=FRIDAY)

    assert _told(Kind.POSTING_ENDING) == {"officer_a", "chairman_a"}
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert not [s for to, s in sent if to.startswith("officer_a") and "Posting" in s]
    assert [s for to, s in sent if to.startswith("officer_a") and "Inspection" in s]
    assert not [to for to, _s in sent if to.startswith("chairman_a")]
    emailed = Notification.objects.exclude(emailed_at=None)
    assert not emailed.filter(recipient=people["commune_a_chairman"]).exists()


def test_email_carries_the_full_link_to_the_page(
    every_situation, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://giamngheo.example.gov.vn"
    with django_capture_on_commit_callbacks(execute=True):
        reminders_run(today=FRIDAY)
    posting = next(m for m in mail.outbox if "Posting" in m.subject)
    round_url = Notification.objects.filter(kind=Kind.POSTING_ENDING).first().url
    assert f"https://giamngheo.example.gov.vn{round_url}" in posting.body


def test_a_mail_server_that_refuses_leaves_the_notifications_in_the_site(
    every_situation, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "giamngheo.notifications.tests.test_reminders.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        reminders_run(today=FRIDAY)
    assert Notification.objects.count() == 6
    assert not Notification.objects.exclude(emailed_at=None).exists()


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_a_notification_that_fails_never_fails_the_job(people, monkeypatch):
    def broken(job):
        raise RuntimeError("notifications down")

    monkeypatch.setattr("giamngheo.notifications.services.job_notify", broken)
    job = Job.objects.create(
        kind="notifications-test-ok", title="Nhập", owner=people["commune_a_officer"]
    )

    job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert not Notification.objects.exists()
