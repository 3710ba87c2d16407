"""The household registry: identity and stable attributes.

What a household looked like on a review date (income, housing, each member's schooling…) is not
here but in `reviews.Assessment`, one per round, so last year's answers are never overwritten.
"""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.geo.models import AdminUnit, Area
from giamngheo.households.rates import percent
from giamngheo.households.rules import CITIZEN_ID_DIGITS, citizen_id_validator
from giamngheo.households.vocab import (
    ETHNIC_GROUPS,
    KINH,
    ChildNutrition,
    Diploma,
    Disability,
    Employment,
    LifeEventKind,
    Relation,
    Sex,
)
from giamngheo.validators import validate_date_in_range

if TYPE_CHECKING:
    import polars as pl


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Resident")
    LEFT = "left", _("Left the lists")


class RegistryImport(models.Model):
    """One import of the registry from a file: who, when, why, from what, and what it wrote.

    The rows an import creates point here instead of each getting a "created" history row (4.5 M
    of them for a province): the import is one audited event. A row's first history row is
    written from its imported values, dated and signed by this import, just before its first
    change (`households.signals`), so every later change still shows what it replaced.
    An append-only log: never edited.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"))
    reason = models.CharField(_("reason"), max_length=255)
    source = models.CharField(_("file"), max_length=500, blank=True)
    households_created = models.PositiveIntegerField(_("households created"), default=0)
    households_updated = models.PositiveIntegerField(_("households changed"), default=0)
    members_created = models.PositiveIntegerField(_("members created"), default=0)
    members_updated = models.PositiveIntegerField(_("members changed"), default=0)

    class Meta:
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.source or self.pk} · {self.imported_at:%d/%m/%Y %H:%M}"


class Household(models.Model):
    code = models.CharField(_("household code"), max_length=32, unique=True)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("village / residential group"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    head_name = models.CharField(_("head of household"), max_length=120)
    area = models.CharField(_("area"), max_length=8, choices=Area.choices)
    head_ethnicity = models.CharField(
        _("ethnicity of the head"), max_length=2, choices=ETHNIC_GROUPS, default=KINH
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    has_merit_person = models.BooleanField(
        _("has a person with meritorious services to the revolution"), default=False
    )
    social_protection = models.BooleanField(_("social protection beneficiary"), default=False)
    no_working_capacity = models.BooleanField(_("no member able to work"), default=False)
    causes = models.JSONField(
        _("causes of poverty"),
        default=list,
        blank=True,
        help_text=_("Codes from the official list of causes (PovertyCause)."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    search_text = models.TextField(editable=False, default="", db_index=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    imported_in = models.ForeignKey(
        RegistryImport,
        verbose_name=_("created by import"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    history = HistoricalRecords(excluded_fields=["search_text", "updated_at", "imported_in"])

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["code"]
        indexes = [models.Index(fields=["unit", "status"], name="household_unit_status")]

    def __str__(self) -> str:
        return f"{self.code} · {self.head_name}"

    def get_absolute_url(self) -> str:
        return reverse("households:detail", args=[self.pk])

    @property
    def is_ethnic_minority(self) -> bool:
        return self.head_ethnicity != KINH

    @property
    def head(self) -> "Member | None":
        return next((m for m in self.members.all() if m.relation == Relation.HEAD), None)


class Member(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    member_no = models.PositiveSmallIntegerField(_("member number"))
    full_name = models.CharField(_("full name"), max_length=120)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[validate_date_in_range]
    )
    relation = models.CharField(_("relation to the head"), max_length=12, choices=Relation.choices)
    citizen_id = models.CharField(
        _("citizen ID number"),
        max_length=CITIZEN_ID_DIGITS,
        blank=True,
        validators=[citizen_id_validator],
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNIC_GROUPS, default=KINH)
    # Latest known values; each round's values as of its review date live in the assessment.
    in_school = models.BooleanField(_("attending school or training"), default=False)
    diploma = models.CharField(
        _("highest diploma"), max_length=24, choices=Diploma.choices, default=Diploma.NONE
    )
    vocational_training = models.BooleanField(_("vocational certificate"), default=False)
    health_insurance = models.BooleanField(_("health insurance card"), default=False)
    disability = models.CharField(
        _("disability"), max_length=20, choices=Disability.choices, default=Disability.NONE
    )
    employment = models.CharField(
        _("employment"),
        max_length=24,
        choices=Employment.choices,
        default=Employment.NOT_IN_LABOUR_FORCE,
    )
    working_capacity = models.BooleanField(_("able to work"), default=True)
    social_allowance = models.BooleanField(_("monthly social allowance"), default=False)
    child_nutrition = models.CharField(
        _("nutrition (children)"), max_length=12, choices=ChildNutrition.choices, blank=True
    )
    is_merit_person = models.BooleanField(_("person with meritorious services"), default=False)
    left_on = models.DateField(
        _("left the household on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    imported_in = models.ForeignKey(
        RegistryImport,
        verbose_name=_("created by import"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    history = HistoricalRecords(excluded_fields=["imported_in"])

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household", "member_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "member_no"], name="unique_member_no_per_household"
            ),
            # Optional (young children may have none) but never shared between two people.
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=~Q(citizen_id=""),
                name="unique_citizen_id",
            ),
        ]
        # Duplicate checks look people up by birth date within a village.
        indexes = [models.Index(fields=["date_of_birth"], name="member_date_of_birth")]

    def __str__(self) -> str:
        return self.full_name

    def age_on(self, date: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return date.year - dob.year - ((date.month, date.day) < (dob.month, dob.day))

    @property
    def masked_citizen_id(self) -> str:
        return mask_citizen_id(self.citizen_id)


MASK, SHOWN_DIGITS = "•", 3


def mask_citizen_id(value: str | None) -> str:
    """Only the last three digits show, as on most Vietnamese public-service receipts."""
    if not value:
        return ""
    return MASK * (len(value) - SHOWN_DIGITS) + value[-SHOWN_DIGITS:]


def mask_citizen_ids(values: "pl.Series") -> "pl.Series":
    """`mask_citizen_id` over a whole column (the CSV export's millions of members): the same
    dots and the same last digits, null and empty both as an empty string."""
    import polars as pl

    frame = pl.DataFrame({"value": values.cast(pl.String).fill_null("")})
    width = int(frame["value"].str.len_chars().max() or 0)  # type: ignore[arg-type]
    hidden = (pl.col("value").str.len_chars().cast(pl.Int64) - SHOWN_DIGITS).clip(0)
    dots = pl.lit(MASK * width).str.slice(0, hidden)
    shown = pl.col("value").str.slice(-SHOWN_DIGITS)
    return frame.select(pl.concat_str([dots, shown]).alias(values.name)).to_series()


class LifeEvent(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=LifeEventKind.choices)
    date = models.DateField(_("date"), validators=[validate_date_in_range])
    related_household = models.ForeignKey(
        Household,
        verbose_name=_("related household"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="related_events",
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["household", "date"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class PersonalDataAccess(models.Model):
    """Each view of an unmasked citizen ID (Personal Data Protection Law, Law 91/2025/QH15)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    accessed_at = models.DateTimeField(_("accessed at"), auto_now_add=True)
    purpose = models.CharField(_("purpose"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-accessed_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.household} · {self.accessed_at:%d/%m/%Y %H:%M}"


class ResidentCount(models.Model):
    """A commune's total resident households in a year: the denominator of every official rate."""

    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="resident_counts",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    households = models.PositiveIntegerField(_("resident households"))
    persons = models.PositiveIntegerField(_("resident persons"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resident household count")
        verbose_name_plural = _("resident household counts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="unique_resident_count_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.households}"

    def household_rate(self, count: int | None) -> Decimal | None:
        """`count` households as a rate of the residents, by the one rule of every rate."""
        return percent(count, self.households)
