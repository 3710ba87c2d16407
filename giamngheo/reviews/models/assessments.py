"""What a round found for each household: form A, form B and the classification."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.households.models import Household
from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews.models.rounds import ReviewRound


class Assessment(models.Model):
    """A household as it was on the round's review date, and how the standard classified it.

    `facts` holds the classifier contract's household fields (household-facts.md) and `members`
    its member list; the registry's Member ids are the contract's `member_id`s.
    """

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="assessments"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    screening = models.JSONField(_("form A answers"), default=dict, blank=True)
    screened_out = models.BooleanField(
        _("screened out by form A"),
        default=False,
        help_text=_("Four or more form A markers: not poor, no form B needed."),
    )
    # Who recorded form A for this household, and when: nothing counts as screened unseen.
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("form A recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    screened_at = models.DateTimeField(_("form A recorded at"), null=True, blank=True)
    facts = models.JSONField(_("household facts"), default=dict, blank=True)
    members = models.JSONField(_("member facts"), default=list, blank=True)
    income_per_capita_month = models.PositiveBigIntegerField(
        _("income per person per month"), null=True, blank=True
    )
    b1_score = models.IntegerField(_("form B1 score"), null=True, blank=True)
    # The classification, stored with the engine version that produced it.
    poverty_class = models.CharField(
        _("class"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    standard = models.CharField(_("standard"), max_length=40, blank=True)
    deprived = models.JSONField(_("deprived indicators"), default=list, blank=True)
    deprivation_count = models.PositiveSmallIntegerField(_("number of deprivations"), default=0)
    deprived_members = models.JSONField(
        _("members causing each deprivation"), default=dict, blank=True
    )
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=20, blank=True)
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=12, default="web")
    sections_done = models.JSONField(_("form sections completed"), default=list, blank=True)
    classification_error = models.JSONField(
        _("why it could not be classified"), default=dict, blank=True
    )
    instance_id = models.CharField(max_length=80, blank=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "household"], name="one_assessment_per_round_household"
            )
        ]
        indexes = [models.Index(fields=["round", "poverty_class"], name="assessment_round_class")]

    def __str__(self) -> str:
        return f"{self.household} · {self.round}"
