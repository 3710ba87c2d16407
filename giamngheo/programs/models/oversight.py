"""Inspection and supervision, reviews of a program, commendations, conferences."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.accounts.models import Organisation
from giamngheo.geo.models import AdminUnit
from giamngheo.programs.files import SafeName, validate_pdf
from giamngheo.programs.models.activities import Activity
from giamngheo.programs.models.programs import CoordinationProgram
from giamngheo.validators import validate_date_in_range


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    SUPERVISION = "supervision", _("Supervision")


class Inspection(models.Model):
    """A planned or conducted inspection (kiểm tra) or supervision (giám sát) of a unit or activity."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=InspectionKind.choices, default=InspectionKind.INSPECTION
    )
    title = models.CharField(_("title"), max_length=300)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("inspected unit"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    program = models.ForeignKey(
        CoordinationProgram,
        verbose_name=_("coordination program"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inspections",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspections",
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    planned_on = models.DateField(_("planned date"), validators=[validate_date_in_range])
    conducted_on = models.DateField(
        _("conducted on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    findings = models.TextField(_("findings"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-planned_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_conducted(self) -> bool:
        return self.conducted_on is not None

    def clean(self) -> None:
        if (
            self.activity_id
            and self.program_id
            and self.activity.content_area.program_id != self.program_id
        ):
            raise ValidationError({"activity": _("The activity belongs to another program.")})


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("Being addressed")
    DONE = "done", _("Done")


class Recommendation(models.Model):
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    text = models.TextField(_("recommendation"))
    responsible = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"), validators=[validate_date_in_range])
    status = models.CharField(
        _("follow-up status"),
        max_length=12,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
    )
    follow_up = models.TextField(_("follow-up"), blank=True)
    resolved_on = models.DateField(
        _("resolved on"), null=True, blank=True, validators=[validate_date_in_range]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(resolved_on__isnull=False),
                name="done_recommendation_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != RecommendationStatus.DONE and self.deadline < today


class ReviewKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary review (sơ kết)")
    FINAL = "final", _("Final review (tổng kết)")


class ProgramReview(models.Model):
    program = models.ForeignKey(
        CoordinationProgram,
        verbose_name=_("coordination program"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReviewKind.choices)
    held_on = models.DateField(_("date"), validators=[validate_date_in_range])
    period_label = models.CharField(_("period reviewed"), max_length=60, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    report = models.FileField(
        _("report (PDF)"),
        upload_to=SafeName("programs/reviews"),
        validators=[validate_pdf],
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program review")
        verbose_name_plural = _("program reviews")
        ordering = ["program", "held_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d/%m/%Y}"


class AwardForm(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate of merit")
    EMULATION_FLAG = "emulation_flag", _("Emulation flag")
    LETTER_OF_PRAISE = "letter_of_praise", _("Letter of praise")
    MEDAL = "medal", _("Medal")
    OTHER = "other", _("Other")


class Commendation(models.Model):
    """Khen thưởng: to an organisation or to a named person, never neither."""

    program = models.ForeignKey(
        CoordinationProgram,
        verbose_name=_("coordination program"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commendations",
    )
    review = models.ForeignKey(
        ProgramReview,
        verbose_name=_("program review"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commendations",
    )
    decision_number = models.CharField(_("decision number"), max_length=80)
    decided_on = models.DateField(_("decision date"), validators=[validate_date_in_range])
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    award_form = models.CharField(_("form of award"), max_length=20, choices=AwardForm.choices)
    recipient_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation awarded"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_person = models.CharField(_("person awarded"), max_length=160, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_organisation__isnull=False) | ~Q(recipient_person=""),
                name="commendation_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} · {self.recipient_organisation or self.recipient_person}"

    def clean(self) -> None:
        if not self.recipient_organisation_id and not self.recipient_person.strip():
            raise ValidationError(_("Name the organisation or the person awarded."))


class ConferenceKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    SEMINAR = "seminar", _("Seminar / workshop")


class Conference(models.Model):
    program = models.ForeignKey(
        CoordinationProgram,
        verbose_name=_("coordination program"),
        on_delete=models.CASCADE,
        related_name="conferences",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ConferenceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("date"), validators=[validate_date_in_range])
    location = models.CharField(_("location"), max_length=200, blank=True)
    participant_count = models.PositiveIntegerField(_("number of participants"), default=0)
    participants = models.TextField(_("participants"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_file = models.FileField(
        _("minutes (PDF)"),
        upload_to=SafeName("programs/minutes"),
        validators=[validate_pdf],
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conference or seminar")
        verbose_name_plural = _("conferences and seminars")
        ordering = ["program", "held_on"]

    def __str__(self) -> str:
        return self.title
