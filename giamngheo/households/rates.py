"""The one rounding rule of every published rate, kept low enough for every app to share.

A rate is a count over a whole (resident households or persons, report-forms.md §5.2) times 100,
to two places, half up: 0,555 % is published as 0,56 %. A rate over nothing (no resident count
recorded, or zero households) does not exist: it is None, shown as a dash, never 0 %.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def percent(part: Decimal | int | None, whole: Decimal | int | None) -> Decimal | None:
    """part ÷ whole × 100 to two places (half up); None when either is missing or whole is 0."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
