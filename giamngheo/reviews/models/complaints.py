"""Complaints during a round, and change requests after its approval."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.households.models import Household
from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews.models.rounds import ReviewRound
from giamngheo.storage import RandomName
from giamngheo.validators import validate_date_in_range


class Complaint(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        RECHECKED = "rechecked", _("Re-checked")
        DISMISSED = "dismissed", _("Dismissed")

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="complaints"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("received on"), validators=[validate_date_in_range])
    complainant = models.CharField(_("complainant"), max_length=120)
    content = models.TextField(_("content"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    recheck_due = models.DateField(
        _("re-check due"), null=True, blank=True, validators=[validate_date_in_range]
    )
    resolution = models.TextField(_("resolution"), blank=True)
    class_before = models.CharField(
        _("class before"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    class_after = models.CharField(
        _("class after"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reposting_ends_on = models.DateField(
        _("re-posting ends on"), null=True, blank=True, validators=[validate_date_in_range]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["round", "received_on"]

    def __str__(self) -> str:
        return f"{self.household} · {self.received_on:%d/%m/%Y}"


class ChangeRequest(models.Model):
    """After approval, data changes only through a recorded request with reason and evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        APPLIED = "applied", _("Applied through an ad-hoc review")
        REJECTED = "rejected", _("Rejected")

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    evidence = models.FileField(
        _("evidence"), upload_to=RandomName("reviews/change-requests"), blank=True
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    changes = models.JSONField(_("requested changes"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    ad_hoc_round = models.ForeignKey(
        ReviewRound,
        verbose_name=_("ad-hoc review"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_requests",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")

    def __str__(self) -> str:
        return f"{self.household} · {self.requested_at:%d/%m/%Y}"
