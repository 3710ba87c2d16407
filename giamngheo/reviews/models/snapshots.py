"""An approved round frozen as its documents print it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.households.models import Household
from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews.models.assessments import Assessment
from giamngheo.reviews.models.outcomes import Flow
from giamngheo.reviews.models.rounds import ReviewRound


class RoundSnapshot(models.Model):
    """What an approved round's documents print, frozen when the chairman signs (Mẫu 02).

    Decision 24/2021/QĐ-TTg changes an approved list only by a new decision, which is a round of
    its own; so the registry may move on while the round's documents keep what was approved.
    """

    class Source(models.TextChoices):
        APPROVAL = "approval", _("Taken at approval")
        MIGRATION = "migration", _("Taken from the data as of the upgrade, not at approval")
        SEEDED = "seeded", _("Taken from generated demonstration data")

    round = models.OneToOneField(
        ReviewRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="snapshot"
    )
    taken_at = models.DateTimeField(_("taken at"))
    taken_from = models.CharField(_("taken from"), max_length=10, choices=Source.choices)
    note = models.TextField(_("note"), blank=True)
    commune_code = models.CharField(_("commune code"), max_length=16)
    commune_name = models.CharField(_("commune"), max_length=120)

    class Meta:
        verbose_name = _("approved round snapshot")
        verbose_name_plural = _("approved round snapshots")

    def __str__(self) -> str:
        return f"{self.round} · {self.get_taken_from_display()}"


class SnapshotEntry(models.Model):
    """One household of an approved round as its documents print it (no ID numbers, no income)."""

    snapshot = models.ForeignKey(
        RoundSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="entries"
    )
    # Reports of an approved round group by the frozen attributes through `assessment.frozen`.
    assessment = models.OneToOneField(
        Assessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="frozen"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    household_code = models.CharField(_("household code"), max_length=32)
    head_name = models.CharField(_("head of household"), max_length=120)
    village_id = models.IntegerField(_("village id"))
    village = models.CharField(_("village / residential group"), max_length=120)
    address = models.CharField(_("address"), max_length=255, blank=True)
    area = models.CharField(_("area"), max_length=8, blank=True)
    head_ethnicity = models.CharField(_("ethnicity of the head"), max_length=2, blank=True)
    has_merit_person = models.BooleanField(_("has a person with meritorious services"))
    social_protection = models.BooleanField(_("social protection beneficiary"))
    no_working_capacity = models.BooleanField(_("no member able to work"))
    causes = models.JSONField(_("causes of poverty"), default=list)
    members = models.JSONField(_("members (name, relation)"), default=list)
    member_count = models.PositiveSmallIntegerField(_("number of members"))
    poverty_class = models.CharField(
        _("class"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    start_class = models.CharField(
        _("class at start"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    flow = models.CharField(_("movement"), max_length=24, choices=Flow.choices, blank=True)
    class_printed = models.CharField(_("class as printed"), max_length=40, blank=True)
    category_printed = models.CharField(_("category as printed"), max_length=60, blank=True)
    escape_printed = models.CharField(_("escape as printed"), max_length=60, blank=True)
    deprived = models.JSONField(_("deprived indicators"), default=list)
    deprivation_count = models.PositiveSmallIntegerField(_("number of deprivations"), default=0)
    explanation = models.JSONField(_("explanation"), default=list)
    # Form 11 counts the assessed members under 16 on the review date, as the assessment recorded
    # them; counted once here so later changes to members never alter an approved year.
    children = models.PositiveSmallIntegerField(_("children under 16"), default=0)
    children_malnourished = models.PositiveSmallIntegerField(
        _("children stunted or underweight"), default=0
    )
    children_uninsured = models.PositiveSmallIntegerField(
        _("children without health insurance"), default=0
    )
    children_out_of_school = models.PositiveSmallIntegerField(
        _("children of school age not in school"), default=0
    )

    class Meta:
        verbose_name = _("approved round entry")
        verbose_name_plural = _("approved round entries")
        ordering = ["snapshot", "village", "head_name", "household_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "household"], name="one_snapshot_entry_per_household"
            )
        ]
        indexes = [
            models.Index(fields=["snapshot", "poverty_class"], name="snapshot_entry_class"),
        ]

    def __str__(self) -> str:
        return f"{self.household_code} · {self.head_name}"
