from dataclasses import dataclass

from giamngheo.accounts.models import Role, User
from giamngheo.accounts.scoping import ROLE_CAPABILITIES, unit_q
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.geo.selectors import unit_predecessors


@dataclass(frozen=True)
class HomeSummary:
    role_label: str
    unit: AdminUnit | None
    capabilities: list[str]
    historic_units: list[AdminUnit]
    communes: int
    villages: int


def home_summary(*, actor: User) -> HomeSummary:
    units = AdminUnit.objects.filter(unit_q(actor, unit_field=""))
    historic = [edge.unit for edge in unit_predecessors(actor.unit)] if actor.unit_id else []
    return HomeSummary(
        role_label=Role(actor.role).label if actor.role else "",
        unit=actor.unit,
        capabilities=sorted(ROLE_CAPABILITIES.get(actor.role, ())),
        historic_units=historic[:20],
        communes=units.filter(level=Level.COMMUNE, valid_to__isnull=True).count(),
        villages=units.filter(level=Level.VILLAGE).count(),
    )
