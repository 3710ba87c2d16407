"""What each registry household received, from which source."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.accounts.models import Organisation
from giamngheo.law import cited_message
from giamngheo.support.models.funds import LedgerEntry
from giamngheo.validators import validate_date_in_range


class SupportKind(models.TextChoices):
    HOUSING_NEW = "housing_new", _("House built")
    HOUSING_REPAIR = "housing_repair", _("House repaired")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance card")
    PREFERENTIAL_CREDIT = "credit", _("Preferential credit")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
    JOB_PLACEMENT = "job_placement", _("Job placement")
    SCHOLARSHIP = "scholarship", _("Scholarship")
    LIVESTOCK_SEED = "livestock_seed", _("Livestock or seed")
    TET_GIFT = "tet_gift", _("Tết gift")
    CLEAN_WATER = "clean_water", _("Clean water or latrine")
    CASH = "cash", _("Cash allowance")
    OTHER = "other", _("Other support")


HOUSING_KINDS = (SupportKind.HOUSING_NEW, SupportKind.HOUSING_REPAIR)


class SupportSource(models.TextChoices):
    FUND = "fund", _("Fund (ledger entry)")
    BUDGET = "budget", _("State budget line")
    ACTIVITY = "activity", _("Program activity")
    SPONSOR = "sponsor", _("Sponsor")
    OTHER = "other", _("Other source")


class SupportRecord(models.Model):
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="support_records",
    )
    kind = models.CharField(_("kind of support"), max_length=20, choices=SupportKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    value = models.PositiveBigIntegerField(_("value (VND)"))
    given_on = models.DateField(_("date"), validators=[validate_date_in_range])
    source = models.CharField(_("source"), max_length=10, choices=SupportSource.choices)
    ledger_entry = models.ForeignKey(
        LedgerEntry,
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_records",
    )
    budget_line = models.CharField(
        _("budget line"),
        max_length=200,
        blank=True,
        help_text=cited_message(
            _("e.g. NTP project 5 (housing), %(law)s"), law="Decision 90/QĐ-TTg"
        ),
    )
    activity = models.ForeignKey(
        "programs.Activity",
        verbose_name=_("program activity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_records",
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support record")
        verbose_name_plural = _("support records")
        ordering = ["household", "given_on", "pk"]
        indexes = [models.Index(fields=["kind", "given_on"], name="support_kind_date")]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="support_value_positive"),
            models.CheckConstraint(
                condition=~Q(source="fund") | Q(ledger_entry__isnull=False),
                name="fund_support_has_entry",
            ),
            models.CheckConstraint(
                condition=~Q(source="activity") | Q(activity__isnull=False),
                name="activity_support_has_activity",
            ),
            models.CheckConstraint(
                condition=~Q(source="budget") | ~Q(budget_line=""),
                name="budget_support_has_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_kind_display()} · {self.given_on:%d/%m/%Y}"

    def clean(self) -> None:
        required = {
            SupportSource.FUND: ("ledger_entry_id", _("Choose the ledger entry it was paid from.")),
            SupportSource.ACTIVITY: ("activity_id", _("Choose the program activity.")),
            SupportSource.BUDGET: ("budget_line", _("Name the budget line.")),
        }
        if self.source in required:
            attribute, message = required[self.source]
            if not getattr(self, attribute):
                field = attribute.removesuffix("_id")
                raise ValidationError({field: message})
