"""What the parties actually do under each content area, and what came of it."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.geo.models import AdminUnit
from giamngheo.geo.selectors import unit_successors
from giamngheo.programs.files import SafeName, validate_evidence
from giamngheo.programs.models.programs import (
    AnnualPlan,
    ContentArea,
    CoordinationProgram,
    ProgramParty,
)
from giamngheo.validators import validate_date_in_range


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    content_area = models.ForeignKey(
        ContentArea,
        verbose_name=_("content area"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    plan = models.ForeignKey(
        AnnualPlan,
        verbose_name=_("annual plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    title = models.CharField(_("activity"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    responsible = models.ForeignKey(
        ProgramParty,
        verbose_name=_("responsible party"),
        on_delete=models.PROTECT,
        related_name="led_activities",
    )
    cooperating = models.ManyToManyField(
        ProgramParty,
        verbose_name=_("cooperating parties"),
        related_name="cooperating_activities",
        blank=True,
    )
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="program_activities",
    )
    planned_start = models.DateField(_("planned start"), validators=[validate_date_in_range])
    planned_end = models.DateField(_("planned end"), validators=[validate_date_in_range])
    budget = models.PositiveBigIntegerField(_("budget (VND)"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    result_summary = models.TextField(_("reported results"), blank=True)
    reported_on = models.DateField(
        _("reported on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["content_area", "planned_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="activity_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def program(self) -> CoordinationProgram:
        return self.content_area.program

    def clean(self) -> None:
        errors: dict[str, list] = {}
        area = getattr(self, "content_area", None)
        program = area.program if area is not None else None
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors.setdefault("planned_end", []).append(
                _("The planned end cannot come before the planned start.")
            )
        if program is not None:
            for field in ("planned_start", "planned_end"):
                value: dt.date | None = getattr(self, field)
                if value and not program.covers_year(value.year):
                    errors.setdefault(field, []).append(
                        _("The date lies outside the program period %(period)s.")
                        % {"period": program.period_label}
                    )
            responsible = getattr(self, "responsible", None)
            if responsible is not None and responsible.program_id != program.pk:
                errors.setdefault("responsible", []).append(
                    _("The responsible organisation is not a party of this program.")
                )
            plan = getattr(self, "plan", None)
            if plan is not None and plan.program_id != program.pk:
                errors.setdefault("plan", []).append(_("The plan belongs to another program."))
            unit = getattr(self, "unit", None)
            if unit is not None and not _within_program_territory(unit, program.unit):
                errors.setdefault("unit", []).append(
                    _("The unit lies outside the unit of the program.")
                )
        if errors:
            raise ValidationError(errors)


def _within_program_territory(unit: AdminUnit, program_unit: AdminUnit) -> bool:
    """The program's unit, or the units that took it over (a 2025 activity of a former province)."""
    if program_unit.contains(unit):
        return True
    return any(edge.unit.contains(unit) for edge in unit_successors(program_unit))


class Indicator(models.Model):
    """A target such as "households supported with housing: 120" and how far it got."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=200)
    measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    target = models.PositiveIntegerField(_("target"))
    achieved = models.PositiveIntegerField(_("achieved"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["activity", "pk"]
        constraints = [models.CheckConstraint(condition=Q(target__gt=0), name="target_positive")]

    def __str__(self) -> str:
        return f"{self.name}: {self.achieved}/{self.target}"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.achieved / self.target)) if self.target else 0


class Evidence(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        _("file"), upload_to=SafeName("programs/evidence"), validators=[validate_evidence]
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["activity", "uploaded_at"]

    def __str__(self) -> str:
        return self.title or self.file.name
