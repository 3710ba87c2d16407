"""An approved periodic round's households and persons, counted once per approved village and class."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.geo.models import VersionRow
from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews.models.outcomes import Flow
from giamngheo.reviews.models.rounds import ReviewRound


class RoundSummary(models.Model):
    """How many households (and persons) of each class an approved round has in each village.

    Counted from the round's snapshot when it is frozen (`reviews.services.summaries`) and never
    changed afterwards: a later decision is a round of its own with its own summary. Form 1 and
    everything built on it (dashboards, the portal, the REST statistics) sum these rows instead of
    the round's assessments. The village is the one the snapshot froze (`SnapshotEntry.village_id`),
    so split former communes are placed by it exactly as the assessments would be.
    """

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="summaries"
    )
    village_id = models.IntegerField(_("village id"))
    poverty_class = models.CharField(
        _("class"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    households = models.PositiveIntegerField(_("households"))
    persons = models.PositiveIntegerField(_("persons"))
    # Form 1 counts middle-class households whose living is farming, forestry, fishery or salt
    # making (`facts.nlnn`) apart; kept for every class, read for the middle class.
    nlnn_households = models.PositiveIntegerField(_("farming households"), default=0)
    nlnn_persons = models.PositiveIntegerField(_("persons in farming households"), default=0)
    # The dashboard's groups, each counted in full (a household may be in several), as approved.
    minority_households = models.PositiveIntegerField(_("ethnic-minority households"), default=0)
    merit_households = models.PositiveIntegerField(
        _("households with a person with meritorious services"), default=0
    )
    no_capacity_households = models.PositiveIntegerField(
        _("households with no member able to work"), default=0
    )
    social_protection_households = models.PositiveIntegerField(
        _("households of social protection beneficiaries"), default=0
    )

    class Meta:
        verbose_name = _("approved round summary")
        verbose_name_plural = _("approved round summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "village_id", "poverty_class"],
                name="one_round_summary_per_village_and_class",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.village_id} · {self.poverty_class}: {self.households}"


class FlowSummary(models.Model):
    """How many households of an approved round moved in each way (forms 2 and 3), per village.

    Counted from the round's outcomes when it is frozen (`reviews.services.summaries`), each placed
    in its approved village (the snapshot's; a household that left the lists before the review has
    no entry, so its registry village at approval stands in), and never changed afterwards.
    """

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="+"
    )
    village_id = models.IntegerField(_("village id"))
    start_class = models.CharField(
        _("class at start"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    end_class = models.CharField(
        _("class at end"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    flow = models.CharField(_("movement"), max_length=24, choices=Flow.choices)
    households = models.PositiveIntegerField(_("households"))

    class Meta:
        verbose_name = _("approved round movements")
        verbose_name_plural = _("approved rounds' movements")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "village_id", "start_class", "end_class", "flow"],
                name="one_flow_summary_per_village_and_movement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.village_id} · {self.flow}: {self.households}"


class DeprivationSummary(models.Model):
    """How many households of a class an approved round found deprived on each indicator, per
    village (forms 4–7 and the dashboard's deprivations).

    Counted from the round's snapshot (each entry's class, village and deprived indicators as
    approved) when it is frozen (`reviews.services.summaries`), for the poor and the near-poor
    only, and never changed afterwards, like `RoundSummary`, whose `households` is the rates'
    denominator.
    """

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="+"
    )
    village_id = models.IntegerField(_("village id"))
    poverty_class = models.CharField(_("class"), max_length=12, choices=PovertyClass.choices)
    indicator = models.CharField(_("indicator"), max_length=64)
    households = models.PositiveIntegerField(_("households"))

    class Meta:
        verbose_name = _("approved round deprivations")
        verbose_name_plural = _("approved rounds' deprivations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "village_id", "poverty_class", "indicator"],
                name="one_deprivation_summary_per_village_class_and_indicator",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.village_id} · {self.indicator}: {self.households}"


class FiguresVersion(VersionRow):
    """One row whose token changes whenever what approved rounds add up to may change.

    Reports, dashboards and the portal's statistics read only approved (locked) rounds, their
    summaries and the communes' resident counts; those change only when a round is approved or
    leaves approval, a summary or resident count is written, or the units change (`geo.version`).
    The figures computed from them are kept in the cache under this token and the units' token
    (`reviews.version`), so a change anywhere is seen by every process at its next request.
    """

    class Meta:
        verbose_name = _("figures version")
        verbose_name_plural = _("figures versions")
