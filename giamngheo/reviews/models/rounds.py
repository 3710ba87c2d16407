"""Review rounds (Decision 24/2021/QĐ-TTg), their steps, and the days that do not count."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.geo.models import AdminUnit
from giamngheo.validators import validate_date_in_range


class RoundType(models.TextChoices):
    PERIODIC = "periodic", _("Periodic (annual)")
    AD_HOC = "ad_hoc", _("Ad-hoc (on application)")


class RoundStatus(models.TextChoices):
    """The steps of Art. 4, Decision 24/2021/QĐ-TTg, in order; none can be skipped."""

    LISTING = "listing", _("Listing households to review")
    SCREENING = "screening", _("Screening (form A)")
    SURVEY = "survey", _("Household survey (form B)")
    MEETING = "meeting", _("Village meeting")
    POSTING = "posting", _("Public posting")
    COMPLAINTS = "complaints", _("Complaints and re-check")
    APPROVAL = "approval", _("Awaiting the chairman's decision")
    APPROVED = "approved", _("Approved")
    REPORTED = "reported", _("Reported to the province")


class ReviewRound(models.Model):
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="review_rounds"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    round_type = models.CharField(
        _("round type"), max_length=8, choices=RoundType.choices, default=RoundType.PERIODIC
    )
    review_date = models.DateField(_("review date"), validators=[validate_date_in_range])
    standard = models.CharField(_("poverty standard"), max_length=40)
    status = models.CharField(
        _("step"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.LISTING
    )
    step_started_at = models.DateTimeField(_("step started at"), null=True, blank=True)
    step_deadline = models.DateField(
        _("step deadline"), null=True, blank=True, validators=[validate_date_in_range]
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(
        _("decision date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The village meeting's result (Decision 24/2021/QĐ-TTg, Art. 4(2)): at least half agree.
    meeting_held_on = models.DateField(
        _("meeting held on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    meeting_attendees = models.PositiveIntegerField(_("meeting attendees"), null=True, blank=True)
    meeting_agreed = models.PositiveIntegerField(_("attendees who agreed"), null=True, blank=True)
    posting_started_on = models.DateField(
        _("posting started on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    posting_ends_on = models.DateField(
        _("posting ends on"), null=True, blank=True, validators=[validate_date_in_range]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-year", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=models.Q(round_type="periodic"),
                name="one_periodic_round_per_commune_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year} · {self.get_round_type_display()}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:round_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status in (RoundStatus.APPROVED, RoundStatus.REPORTED)


class RoundTransition(models.Model):
    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=RoundStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=RoundStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("round step")
        verbose_name_plural = _("round steps")
        ordering = ["round", "at"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class PublicHoliday(models.Model):
    """Days off that do not count as working days (Labour Code 2019, Art. 112; set yearly)."""

    date = models.DateField(_("date"), unique=True, validators=[validate_date_in_range])
    name = models.CharField(_("name"), max_length=120)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
