"""Annual targets assigned to a unit, against which reports show what was achieved."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.geo.models import AdminUnit
from giamngheo.law import cited_message


class TargetMeasure(models.TextChoices):
    """What a target is set on. Reductions are in percentage points ("chỉ tiêu giao 1,5%")."""

    POOR_RATE_REDUCTION = "poor_rate_reduction", _("Reduction of the poverty rate (points)")
    NEAR_POOR_RATE_REDUCTION = (
        "near_poor_rate_reduction",
        _("Reduction of the near-poverty rate (points)"),
    )
    MINORITY_POOR_RATE_REDUCTION = (
        "minority_poor_rate_reduction",
        _("Reduction of the poverty rate among ethnic-minority households (points)"),
    )
    POOR_RATE_AT_MOST = "poor_rate_at_most", _("Poverty rate at the end of the year at most (%)")

    @property
    def is_reduction(self) -> bool:
        return self != TargetMeasure.POOR_RATE_AT_MOST


class Target(models.Model):
    """One assigned figure, e.g. Decision 90/QĐ-TTg: the rate falls 1–1.5 points a year."""

    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    measure = models.CharField(
        _("measure"),
        max_length=32,
        choices=TargetMeasure.choices,
        default=TargetMeasure.POOR_RATE_REDUCTION,
    )
    value = models.DecimalField(
        _("target value"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Percentage points for a reduction, percent for a ceiling."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-year", "unit__code", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "measure"], name="one_target_per_unit_year_measure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year} · {self.get_measure_display()}: {self.value}"

    def is_met(self, achieved: Decimal | None) -> bool | None:
        """Achieved is a reduction in points, or the end-of-year rate for a ceiling."""
        if achieved is None:
            return None
        if TargetMeasure(self.measure).is_reduction:
            return achieved >= self.value
        return achieved <= self.value


class ProvinceSettings(models.Model):
    """How a province's documents are headed and signed, and which ethnic groups Form 9 lists."""

    unit = models.OneToOneField(
        AdminUnit,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="report_settings",
    )
    parent_body = models.CharField(
        _("parent body"),
        max_length=120,
        blank=True,
        help_text=_(
            "First line of the issuing-body block, e.g. ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG."
        ),
    )
    issuing_body = models.CharField(
        _("issuing body"),
        max_length=120,
        blank=True,
        help_text=cited_message(
            _("e.g. SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG (%(law)s, box 2)."),
            law="Decree 30/2020/NĐ-CP, Annex I",
        ),
    )
    symbol = models.CharField(_("document symbol"), max_length=40, default="BC-UBND")
    place_name = models.CharField(_("place name on documents"), max_length=60, blank=True)
    signer_authority = models.CharField(
        _("signing authority line"), max_length=60, default="TM. ỦY BAN NHÂN DÂN"
    )
    signer_title = models.CharField(_("signer's title"), max_length=60, default="CHỦ TỊCH")
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    ethnic_columns = models.JSONField(
        _("ethnic groups shown in form 9"),
        default=list,
        blank=True,
        help_text=_('Statistics office codes, e.g. ["02", "06"]; others are counted as Other.'),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report settings of a province")
        verbose_name_plural = _("report settings of provinces")

    def __str__(self) -> str:
        return str(self.unit)


class FactsExport(models.Model):
    """One export of classifier facts for the national what-if (`giamngheo export_parquet`).

    The facts are pseudonymous, not anonymous: with the key and the registry a household can be
    found again, so every export stays accountable (Personal Data Protection Law, Law
    91/2025/QH15): who, when, which provinces, how many households and members, where to.
    A log, never edited.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    provinces = models.JSONField(_("provinces"), default=list)
    households = models.PositiveBigIntegerField(_("households"))
    members = models.PositiveBigIntegerField(_("members"))
    key_id = models.CharField(_("pseudonym key fingerprint"), max_length=16)
    destination = models.CharField(_("written to"), max_length=500)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("facts export")
        verbose_name_plural = _("facts exports")
        ordering = ["-exported_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.exported_at:%d/%m/%Y %H:%M} · {', '.join(self.provinces)}"
