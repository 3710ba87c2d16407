"""Plausible villages for the demo province: no public dataset lists them."""

import random

from django.db import transaction

from giamngheo.geo.models import AdminUnit, Level
from giamngheo.geo.services.villages import villages_create

_DIRECTIONS = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Đoài", "Tiền", "Hậu"]


def villages_generate_demo(
    *, commune: AdminUnit, count: int, rng: random.Random
) -> list[AdminUnit]:
    """Plausible villages for demo data: numbered groups in a ward, numbered or named hamlets in a commune.

    Villages that already exist under the same code are kept, so the demo can run twice.
    """
    if commune.division_type == "phường":
        names = [("tổ dân phố", f"Tổ dân phố {i}") for i in range(1, count + 1)]
    elif rng.random() < 0.5 and count <= len(_DIRECTIONS):
        names = [("thôn", f"Thôn {d}") for d in rng.sample(_DIRECTIONS, count)]
    else:
        names = [("thôn", f"Thôn {i}") for i in range(1, count + 1)]
    existing = set(
        AdminUnit.objects.filter(level=Level.VILLAGE, parent=commune).values_list("code", flat=True)
    )
    units = [
        AdminUnit(
            code=f"{commune.code}-{i:02d}",
            name=name,
            division_type=kind,
            level=Level.VILLAGE,
            parent=commune,
        )
        for i, (kind, name) in enumerate(names, start=1)
        if f"{commune.code}-{i:02d}" not in existing
    ]
    with transaction.atomic():
        villages_create(units=units, source="demo")
    return units
