"""Who answers for a unit's work, and so is told about it: the administrative tree and the roles."""

from django.db.models import QuerySet

from giamngheo.accounts.models import Role, User
from giamngheo.geo.models import AdminUnit, Level

# A commune's rounds, complaints and citizens' requests are its officers' and its chairman's work;
# what concerns the province itself is the provincial department's.
COMMUNE_ROLES = (Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN)
PROVINCE_ROLES = (Role.PROVINCE_OFFICER,)


def unit_officers(unit: AdminUnit) -> QuerySet[User]:
    """The active officers attached to `unit` (a village's: its commune's) who answer for it."""
    if unit.level == Level.VILLAGE and unit.parent_id is not None:
        unit = unit.parent  # type: ignore[assignment]
    roles = PROVINCE_ROLES if unit.level == Level.PROVINCE else COMMUNE_ROLES
    return User.objects.filter(is_active=True, unit=unit, role__in=roles).order_by("pk")
