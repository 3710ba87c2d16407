from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.geo.models import AdminUnit
from giamngheo.validators import validate_date_in_range


class Role(models.TextChoices):
    """Fixed role ids; every app and test refers to these, never to group names."""

    ENUMERATOR = "enumerator", _("Enumerator")
    VILLAGE_HEAD = "village_head", _("Village head")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    COMMUNE_CHAIRMAN = "commune_chairman", _("Commune chairman")
    PROVINCE_OFFICER = "province_officer", _("Provincial department officer")
    PARTNER_OFFICER = "partner_officer", _("Partner organisation officer")
    AUDITOR = "auditor", _("Auditor / inspector")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("People's Committee")
    DEPARTMENT = "department", _("Department in charge of poverty reduction")
    FATHERLAND_FRONT = "fatherland_front", _("Fatherland Front committee")
    FARMERS_ASSOCIATION = "farmers_association", _("Farmers' Association")
    WOMENS_UNION = "womens_union", _("Women's Union")
    YOUTH_UNION = "youth_union", _("Youth Union")
    VETERANS_ASSOCIATION = "veterans_association", _("Veterans' Association")
    SOCIAL_POLICY_BANK = "social_policy_bank", _("Social Policy Bank")
    ENTERPRISE = "enterprise", _("Enterprise")
    DONOR = "donor", _("Donor")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, validators=[validate_date_in_range]
    )
    valid_to = models.DateField(
        _("valid to (last day)"), null=True, blank=True, validators=[validate_date_in_range]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="unique_organisation_per_unit")
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class GiamNgheoUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.SYSTEM_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    must_change_password = models.BooleanField(
        _("must change password at next login"),
        default=False,
        help_text=_("Set when someone else chose the password: only its owner should know it."),
    )

    objects = GiamNgheoUserManager()

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if not self.role:
            raise ValidationError({"role": _("Every user has a role.")})
        if self.role != Role.SYSTEM_ADMIN and not self.unit_id:
            raise ValidationError(
                {
                    "unit": _(
                        "Attach the user to an administrative unit: their data is scoped to it."
                    )
                }
            )
        if self.role == Role.PARTNER_OFFICER and not self.organisation_id:
            raise ValidationError(
                {"organisation": _("A partner organisation officer belongs to an organisation.")}
            )
