"""A commune's resident households per year: the denominator of every official rate
(report-forms.md §5.1), entered or imported by the commune."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.households.models import ResidentCount


@transaction.atomic
def resident_count_set(
    *,
    actor: User,
    unit: AdminUnit,
    year: int,
    households: int,
    persons: int | None = None,
    source: str = "",
) -> ResidentCount:
    if not can(actor, Capability.EDIT_RECORDS, unit):
        raise PermissionDenied(_("This is outside your unit or your role."))
    errors = []
    if unit.level != Level.COMMUNE:
        errors.append(_("Resident households are counted per commune."))
    if households < 1:
        errors.append(_("Enter the number of resident households."))
    if persons is not None and persons < households:
        errors.append(_("There cannot be fewer residents than households."))
    if errors:
        raise ValidationError(errors)
    count, _created = ResidentCount.objects.update_or_create(
        unit=unit,
        year=year,
        defaults={"households": households, "persons": persons, "source": source[:200]},
    )
    return count
