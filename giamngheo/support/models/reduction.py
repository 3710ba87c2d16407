"""Poverty-reduction models (mô hình giảm nghèo): livelihood projects with participating households."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.accounts.models import Organisation
from giamngheo.geo.models import AdminUnit
from giamngheo.validators import validate_date_in_range


class ReductionModel(models.Model):
    name = models.CharField(_("name"), max_length=300)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("administrative unit"), on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(_("location"), max_length=255, blank=True)
    starts_on = models.DateField(_("starts on"), validators=[validate_date_in_range])
    ends_on = models.DateField(_("ends on"), validators=[validate_date_in_range])
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reduction_models",
    )
    activity = models.ForeignKey(
        "programs.Activity",
        verbose_name=_("program activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reduction_models",
    )
    description = models.TextField(_("description"), blank=True)
    households = models.ManyToManyField(
        "households.Household",
        verbose_name=_("participating households"),
        through="ModelParticipant",
        related_name="reduction_models",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("poverty-reduction model")
        verbose_name_plural = _("poverty-reduction models")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="model_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("support:model_detail", args=[self.pk])

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot come before the start.")})


class FundingSource(models.TextChoices):
    CENTRAL_BUDGET = "central_budget", _("Central budget")
    LOCAL_BUDGET = "local_budget", _("Local budget")
    FUND = "fund", _('Fund "For the Poor"')
    POLICY_CREDIT = "policy_credit", _("Policy credit (Social Policy Bank)")
    ENTERPRISE = "enterprise", _("Enterprises")
    PEOPLE = "people", _("Participants' own contribution")
    OTHER = "other", _("Other source")


class ModelFunding(models.Model):
    model = models.ForeignKey(
        ReductionModel,
        verbose_name=_("poverty-reduction model"),
        on_delete=models.CASCADE,
        related_name="funding",
    )
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line of a model")
        verbose_name_plural = _("budget of the model")
        ordering = ["model", "source"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="model_funding_positive"),
            models.UniqueConstraint(fields=["model", "source"], name="one_line_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount:,}"


class ModelParticipant(models.Model):
    model = models.ForeignKey(
        ReductionModel,
        verbose_name=_("poverty-reduction model"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    joined_on = models.DateField(
        _("joined on"), null=True, blank=True, validators=[validate_date_in_range]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participating household")
        verbose_name_plural = _("participating households")
        constraints = [
            models.UniqueConstraint(fields=["model", "household"], name="one_participation")
        ]

    def __str__(self) -> str:
        return str(self.household)
