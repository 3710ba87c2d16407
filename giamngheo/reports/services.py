"""Writes of the reports app: targets assigned to units."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, require
from giamngheo.geo.models import AdminUnit
from giamngheo.history import stamp
from giamngheo.reports.models import Target


@transaction.atomic
def target_save(
    *,
    actor: User,
    unit: AdminUnit,
    year: int,
    measure: str,
    value: Decimal,
    legal_basis: str = "",
    target: Target | None = None,
) -> Target:
    """Create or change one target; the province sets them, never the unit measured against them."""
    require(actor, Capability.SET_TARGETS, unit)
    if target is not None:
        require(actor, Capability.SET_TARGETS, target.unit)
    target = target or Target(created_by=actor)
    target.unit, target.year, target.measure = unit, year, measure
    target.value, target.legal_basis = value, legal_basis
    target.full_clean()
    stamp(target, actor=actor, reason=legal_basis)
    target.save()
    return target
