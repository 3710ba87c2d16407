"""Where each household moved in a round, and the lists a first year starts from."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.geo.models import AdminUnit
from giamngheo.households.models import Household
from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews.models.rounds import ReviewRound
from giamngheo.validators import validate_date_in_range


class Flow(models.TextChoices):
    """Movements between the start and the end of a round (report forms 2 and 3)."""

    STAYED_POOR = "stayed_poor", _("Still poor")
    STAYED_NEAR_POOR = "stayed_near_poor", _("Still near-poor")
    ESCAPED_TO_NEAR_POOR = "escaped_to_near_poor", _("Escaped poverty, now near-poor")
    ESCAPED_ABOVE_NEAR_POOR = "escaped_above_near_poor", _("Escaped poverty above near-poor")
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty", _("Escaped near-poverty")
    NEAR_POOR_TO_POOR = "near_poor_to_poor", _("Near-poor became poor")
    NEW_POOR = "new_poor", _("Newly poor")
    RELAPSED_POOR = "relapsed_poor", _("Poor again (relapsed)")
    NEW_NEAR_POOR = "new_near_poor", _("Newly near-poor")
    RELAPSED_NEAR_POOR = "relapsed_near_poor", _("Near-poor again (relapsed)")
    LEFT_LISTS = "left_lists", _("Left the lists (life event)")
    ENTERED_LISTS = "entered_lists", _("Entered the lists (life event)")


class Outcome(models.Model):
    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="outcomes"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="outcomes"
    )
    start_class = models.CharField(
        _("class at start"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    end_class = models.CharField(
        _("class at end"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    flow = models.CharField(_("movement"), max_length=24, choices=Flow.choices)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(fields=["round", "household"], name="one_outcome_per_round")
        ]
        indexes = [models.Index(fields=["round", "flow"], name="outcome_round_flow")]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_flow_display()}"


class Baseline(models.Model):
    """The lists recognised by the province's decision, for the first year in the system."""

    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="baselines"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"), validators=[validate_date_in_range])
    standard = models.CharField(_("standard"), max_length=40)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("baseline list")
        verbose_name_plural = _("baseline lists")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_baseline_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} ({self.decision_number})"


class BaselineEntry(models.Model):
    baseline = models.ForeignKey(
        Baseline, verbose_name=_("baseline list"), on_delete=models.CASCADE, related_name="entries"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    poverty_class = models.CharField(_("class"), max_length=12, choices=PovertyClass.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("baseline entry")
        verbose_name_plural = _("baseline entries")
        constraints = [
            models.UniqueConstraint(fields=["baseline", "household"], name="one_baseline_entry")
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.poverty_class}"
