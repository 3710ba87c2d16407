"""What a person is told (in the site, and by e-mail if they want it) and how they want to be told."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Kind(models.TextChoices):
    POSTING_ENDING = "posting_ending", _("Posting window ending")
    COMPLAINT_DUE = "complaint_due", _("Complaint answer due")
    STEP_OVERDUE = "step_overdue", _("Round step overdue")
    INSPECTION_OVERDUE = "inspection_overdue", _("Inspection overdue")
    JOB_FINISHED = "job_finished", _("Job finished")
    CITIZEN_REQUEST = "citizen_request", _("New citizen request")


# Without a preference row: e-mail for deadlines and citizens' requests, none for one's own jobs
# (their owner usually waits on the job's page; the bell still tells them).
EMAIL_BY_DEFAULT: dict[str, bool] = {kind: kind != Kind.JOB_FINISHED for kind in Kind.values}


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # What the notification is about, e.g. "posting-ending:round:12:2026-10-09": one per recipient,
    # so a reminder run twice (or by two processes at once) tells each person once.
    dedupe_key = models.CharField(_("reminder key"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="one_notification_per_recipient_and_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Whether `user` wants an e-mail for `kind`; without a row, EMAIL_BY_DEFAULT decides."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    email = models.BooleanField(_("send e-mail"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="one_preference_per_user_and_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
