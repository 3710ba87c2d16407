"""Funds and their ledger: every movement of money is an entry; a balance is a sum, never a field.

In-kind gifts are recorded with their estimated value for the acknowledgement lists but do not
enter a fund's cash ledger: goods are handed on directly and cannot pay a cash disbursement.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.accounts.models import Organisation
from giamngheo.geo.models import AdminUnit
from giamngheo.validators import validate_date_in_range


class FundKind(models.TextChoices):
    FOR_THE_POOR = "for_the_poor", _('Fund "For the Poor"')
    SOCIAL_SECURITY = "social_security", _("Social security fund")
    OTHER = "other", _("Other fund")


class Fund(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FundKind.choices)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("administrative unit"), on_delete=models.PROTECT, related_name="+"
    )
    managing_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("managed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funds",
        help_text=_("The Fatherland Front committee chairs the mobilisation board at each level."),
    )
    opened_on = models.DateField(
        _("opened on"), null=True, blank=True, validators=[validate_date_in_range]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["unit__path", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="unique_fund_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("support:fund_detail", args=[self.pk])


class EntryType(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    DISBURSEMENT = "disbursement", _("Disbursement")
    CORRECTION = "correction", _("Correction")


class LedgerEntry(models.Model):
    """Signed amount in VND: receipts positive, disbursements negative. Never updated."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="entries"
    )
    entry_type = models.CharField(_("type"), max_length=12, choices=EntryType.choices)
    amount = models.BigIntegerField(_("amount (VND)"))
    occurred_on = models.DateField(_("date"), validators=[validate_date_in_range])
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["fund", "occurred_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(entry_type="receipt") & Q(amount__gt=0))
                | (Q(entry_type="disbursement") & Q(amount__lt=0))
                | (Q(entry_type="correction") & ~Q(amount=0)),
                name="ledger_amount_sign_matches_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fund} · {self.occurred_on:%d/%m/%Y} · {self.amount:+,}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.pop("allow_update", False):
            raise ValidationError(_("A ledger entry is never changed; record a correction."))
        super().save(*args, **kwargs)


class Campaign(models.Model):
    """A mobilisation drive, e.g. the peak month "For the Poor" (17 October – 18 November)."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="campaigns"
    )
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("starts on"), validators=[validate_date_in_range])
    ends_on = models.DateField(_("ends on"), validators=[validate_date_in_range])
    target_amount = models.PositiveBigIntegerField(_("target (VND)"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Donor(models.Model):
    """Given through `Organisation` when it is one; otherwise by name (a person, a family)."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Pledge(models.Model):
    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="pledges"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pledges",
    )
    donor = models.ForeignKey(
        Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="pledges"
    )
    amount = models.PositiveBigIntegerField(_("amount pledged (VND)"))
    pledged_on = models.DateField(_("pledged on"), validators=[validate_date_in_range])
    earmark = models.CharField(_("earmarked for"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-pledged_on"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="pledge_positive")]

    def __str__(self) -> str:
        return f"{self.donor} · {self.amount:,}"


class ContributionKind(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class Contribution(models.Model):
    """A receipt (tiếp nhận). A cash one carries its ledger entry."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="contributions"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    pledge = models.ForeignKey(
        Pledge,
        verbose_name=_("pledge"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receipts",
    )
    donor = models.ForeignKey(
        Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="contributions"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ContributionKind.choices)
    amount = models.PositiveBigIntegerField(
        _("amount or estimated value (VND)"),
        help_text=_("For gifts in kind, their estimated value."),
    )
    goods = models.CharField(_("goods (in kind)"), max_length=300, blank=True)
    received_on = models.DateField(_("received on"), validators=[validate_date_in_range])
    earmark = models.CharField(_("earmarked for"), max_length=200, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    acknowledge = models.BooleanField(
        _("name publicly"),
        default=True,
        help_text=_("Untick when the donor asked to stay anonymous."),
    )
    ledger_entry = models.OneToOneField(
        LedgerEntry,
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contribution",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-received_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_positive"),
            models.CheckConstraint(
                condition=Q(kind="in_kind") | Q(ledger_entry__isnull=False),
                name="cash_contribution_in_ledger",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor} · {self.amount:,}"


class Disbursement(models.Model):
    """A payment out of a fund (giải ngân), always with its (negative) ledger entry."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="disbursements"
    )
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    disbursed_on = models.DateField(_("disbursed on"), validators=[validate_date_in_range])
    purpose = models.CharField(_("purpose"), max_length=300)
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    activity = models.ForeignKey(
        "programs.Activity",
        verbose_name=_("program activity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disbursements",
    )
    decision_number = models.CharField(_("decision number"), max_length=80, blank=True)
    ledger_entry = models.OneToOneField(
        LedgerEntry,
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        related_name="disbursement",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-disbursed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_positive")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} · {self.amount:,}"


class Sponsorship(models.Model):
    """Nhận đỡ đầu: an organisation or a person adopts a poor household for a period."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="sponsorships",
    )
    sponsor_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("sponsoring organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsorships",
    )
    sponsor_person = models.CharField(_("sponsoring person"), max_length=160, blank=True)
    starts_on = models.DateField(_("starts on"), validators=[validate_date_in_range])
    ends_on = models.DateField(_("ends on"), validators=[validate_date_in_range])
    commitment = models.TextField(_("commitment"), blank=True)
    yearly_value = models.PositiveBigIntegerField(_("value per year (VND)"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="sponsorship_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(sponsor_organisation__isnull=False) | ~Q(sponsor_person=""),
                name="sponsorship_has_sponsor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sponsor_organisation or self.sponsor_person} → {self.household}"

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end cannot come before the start.")
        if not self.sponsor_organisation_id and not self.sponsor_person.strip():
            errors["sponsor_person"] = _("Name the sponsoring organisation or person.")
        if errors:
            raise ValidationError(errors)
