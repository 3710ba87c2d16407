"""Administrative units, with validity dates and the 1 July 2025 rearrangement.

Every unit of every era is its own row: the Hải Phòng of before 1 July 2025 and the Hải Phòng of
after are two rows linked by a succession, exactly as the former Hải Dương is linked to the new
Hải Phòng. Data keeps pointing at the unit it was recorded under; the lineage re-aggregates it.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.geo.version import units_changed
from giamngheo.validators import validate_date_in_range

REARRANGEMENT_DATE = dt.date(2025, 7, 1)  # two-level local government (Resolution 202/2025/QH15)


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    VILLAGE = "village", _("Village")


class Area(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")


# Area by the commune-level unit of residence (poverty-standards.md §0): xã is rural; phường and,
# before 1 July 2025, thị trấn are urban. Special zones (đặc khu) are treated as rural until the
# province decides otherwise: the law is silent, so this is data an administrator can override
# per unit through AdminUnit.area.
AREA_BY_DIVISION_TYPE = {
    "xã": Area.RURAL,
    "phường": Area.URBAN,
    "thị trấn": Area.URBAN,
    "đặc khu": Area.RURAL,
}


def q_within(unit: "AdminUnit", field: str = "") -> Q:
    """A Q matching rows whose unit is `unit` or lies below it: the one subtree lookup.

    `field` names the rows' unit (`"unit"`, `"household__unit"`); empty for AdminUnit rows
    themselves. Paths end with the separator ("/1/11/"), so unit 11 never takes in 110.
    """
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    return Q(**{lookup: unit.path})


class AdminUnitQuerySet(models.QuerySet):
    def valid_on(self, date: dt.date) -> "AdminUnitQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=date),
            Q(valid_to__isnull=True) | Q(valid_to__gte=date),
        )

    def current(self) -> "AdminUnitQuerySet":
        return self.filter(valid_to__isnull=True)

    def within(self, roots: "list[AdminUnit]", field: str = "") -> Q:
        """A Q matching rows whose unit lies in any root's subtree (materialised path prefix).

        For rows of other tables the units are a subquery, so the database matches the small
        unit table by path once and then uses the index on the rows' unit column.
        """
        paths = Q(pk__in=[])
        for root in roots:
            paths |= q_within(root)
        if not field:
            return paths
        return Q(**{f"{field}__in": AdminUnit.objects.filter(paths).values("pk")})


class AdminUnit(models.Model):
    code = models.CharField(_("official code"), max_length=32, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    division_type = models.CharField(_("division type"), max_length=40)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.CharField(_("area"), max_length=8, choices=Area.choices, blank=True)
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, validators=[validate_date_in_range]
    )
    valid_to = models.DateField(
        _("valid to (last day)"), null=True, blank=True, validators=[validate_date_in_range]
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    source = models.CharField(_("source"), max_length=120, blank=True)
    # A point inside today's unit, as the loader's source gives it (geo/data/README.md); drawn on
    # the poverty map. Empty for former units and where the source gives none: never guessed.
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    objects = AdminUnitQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            # One row per code, level and era; former units have no known start date, and
            # NULLs never collide in a plain unique index, hence the two partial ones.
            models.UniqueConstraint(
                fields=["code", "level", "valid_from"],
                condition=Q(valid_from__isnull=False),
                name="unique_unit_code_level_era",
            ),
            models.UniqueConstraint(
                fields=["code", "level"],
                condition=Q(valid_from__isnull=True),
                name="unique_unit_code_level_undated",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.level == Level.COMMUNE and not self.area:
            self.area = AREA_BY_DIVISION_TYPE.get(self.division_type, "")
        super().save(*args, **kwargs)
        path = self.compute_path()
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)
        units_changed()

    def compute_path(self) -> str:
        parent_path = self.parent.path if self.parent_id else "/"
        return f"{parent_path}{self.pk}/"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def ancestors(self) -> list["AdminUnit"]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part][:-1]
        by_id = AdminUnit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def subtree(self) -> AdminUnitQuerySet:
        """The unit and everything below it; use as `unit__in=unit.subtree()` on large tables."""
        return AdminUnit.objects.filter(q_within(self))

    def descendants(self) -> AdminUnitQuerySet:
        return self.subtree().exclude(pk=self.pk)

    def contains(self, other: "AdminUnit") -> bool:
        """Whether `other` is this unit or lies below it: the one containment rule.

        Paths end with the separator ("/1/11/"), so unit 11 never contains unit 110.
        """
        return other.path.startswith(self.path)

    def commune(self) -> "AdminUnit | None":
        if self.level == Level.COMMUNE:
            return self
        return next((u for u in self.ancestors() if u.level == Level.COMMUNE), None)

    def province(self) -> "AdminUnit | None":
        if self.level == Level.PROVINCE:
            return self
        return next((u for u in self.ancestors() if u.level == Level.PROVINCE), None)


class Succession(models.Model):
    """One edge of the 2025 (or any) rearrangement: part or all of a unit became part of another."""

    predecessor = models.ForeignKey(
        AdminUnit,
        verbose_name=_("former unit"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    successor = models.ForeignKey(
        AdminUnit,
        verbose_name=_("new unit"),
        on_delete=models.CASCADE,
        related_name="predecessions",
    )
    effective_date = models.DateField(
        _("effective date"), default=REARRANGEMENT_DATE, validators=[validate_date_in_range]
    )
    is_split = models.BooleanField(
        _("former unit split"),
        default=False,
        help_text=_("The former unit was divided between several new units."),
    )
    share = models.DecimalField(
        _("share of the former unit"),
        max_digits=7,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_(
            "Known share (0-1) of the former unit that went to this new unit; empty if unknown."
        ),
    )
    is_default = models.BooleanField(
        _("default successor"),
        default=False,
        help_text=_("Where records of a split unit go when nothing finer is known."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=120, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unique_succession_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    @property
    def is_exact(self) -> bool:
        """Figures carried along this edge are exact unless the former unit was split."""
        return not self.is_split


class VersionRow(models.Model):
    """One row holding a token that every writer of what it stands for renews (`geo.version`)."""

    token = models.CharField(max_length=32, default="")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.token


class UnitsVersion(VersionRow):
    """One row whose token changes with every change to units or successions.

    Units are read on nearly every page (an officer's territory is its unit plus every former
    unit whose lineage leads into it) and change only when the catalogue or villages are loaded
    or an administrator edits one; each process keeps what it derived from them under this token
    (`geo.version`), so a change anywhere is seen by every process at its next request.
    """

    class Meta:
        verbose_name = _("units version")
        verbose_name_plural = _("units versions")
