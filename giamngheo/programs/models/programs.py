"""Coordination programs (chương trình phối hợp) between agencies, with their content areas."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.accounts.models import Organisation
from giamngheo.geo.models import AdminUnit
from giamngheo.programs.files import SafeName, validate_pdf
from giamngheo.validators import validate_date_in_range


class ContentCategory(models.Model):
    """A maintained list (admins extend it) so that areas of different programs can be compared."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("content category")
        verbose_name_plural = _("content categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CoordinationProgram(models.Model):
    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(_("number / symbol"), max_length=80, blank=True)
    signed_on = models.DateField(_("signing date"), validators=[validate_date_in_range])
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="coordination_programs",
        help_text=_("The level that signed it; a former province's program stays with it."),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    coordination_method = models.TextField(_("method of coordination"), blank=True)
    signed_document = models.FileField(
        _("signed document (PDF)"),
        upload_to=SafeName("programs"),
        validators=[validate_pdf],
        blank=True,
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

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("coordination program")
        verbose_name_plural = _("coordination programs")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")), name="program_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=1945) & Q(end_year__lte=2100),
                name="program_years_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.pk])

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError(
                {"end_year": _("The last year cannot come before the first year.")}
            )

    @property
    def period_label(self) -> str:
        return f"{self.start_year}–{self.end_year}"

    def covers_year(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


class ProgramParty(models.Model):
    program = models.ForeignKey(
        CoordinationProgram,
        verbose_name=_("coordination program"),
        on_delete=models.CASCADE,
        related_name="parties",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="program_parties",
    )
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    signatory = models.CharField(_("signed by"), max_length=160, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program party")
        verbose_name_plural = _("program parties")
        ordering = ["program", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "organisation"], name="one_party_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class LegalBasis(models.Model):
    """A directive, resolution or national program that the program cites."""

    program = models.ForeignKey(
        CoordinationProgram,
        verbose_name=_("coordination program"),
        on_delete=models.CASCADE,
        related_name="legal_bases",
    )
    reference = models.CharField(_("number / symbol"), max_length=80)
    issued_on = models.DateField(
        _("date issued"), null=True, blank=True, validators=[validate_date_in_range]
    )
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["program", "position", "pk"]

    def __str__(self) -> str:
        return self.reference


class ContentArea(models.Model):
    program = models.ForeignKey(
        CoordinationProgram,
        verbose_name=_("coordination program"),
        on_delete=models.CASCADE,
        related_name="content_areas",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.TextField(_("content"), blank=True)
    category = models.ForeignKey(
        ContentCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="content_areas",
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("content area")
        verbose_name_plural = _("content areas")
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="unique_area_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="area_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title or _('(not yet named)')}"


class AnnualPlan(models.Model):
    program = models.ForeignKey(
        CoordinationProgram,
        verbose_name=_("coordination program"),
        on_delete=models.CASCADE,
        related_name="plans",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    document_number = models.CharField(_("number / symbol"), max_length=80, blank=True)
    issued_on = models.DateField(
        _("date issued"), null=True, blank=True, validators=[validate_date_in_range]
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["program", "year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="one_plan_per_program_year")
        ]

    def __str__(self) -> str:
        return self.title or f"{_('Plan')} {self.year}"

    def clean(self) -> None:
        program = getattr(self, "program", None)
        if program is not None and self.year and not program.covers_year(self.year):
            raise ValidationError(
                {
                    "year": _("The year lies outside the program period %(period)s.")
                    % {"period": program.period_label}
                }
            )
