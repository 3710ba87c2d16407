"""Numbers as Vietnamese documents write them: "484.997" households, "0,56 %", "giảm 0,65 điểm %".

A figure that does not exist (a ward without resident counts, a rate over zero households, a
year with no approved round, a key missing from a template's dict) is shown as a dash: every
formatter takes anything a template may hand it and never raises.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from django.utils.translation import gettext as _

DASH = "—"
LARGEST_DIGITS = 18  # beyond 10^18 a value is no figure of ours and is shown as it is


def as_decimal(value: Any) -> Decimal | None:
    """`value` as a finite Decimal, or None when it is missing or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str | float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _rounded(number: Decimal, places: int) -> Decimal:
    """Half up to `places` decimals; a result that rounds to zero loses its sign ("0,00")."""
    with localcontext() as context:
        context.prec = max(28, number.adjusted() + places + 2)
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded.is_zero() else rounded


def _grouped(number: Decimal, places: int) -> str:
    if number.adjusted() > LARGEST_DIGITS:
        return str(number)  # not a figure any table holds; shown as it is rather than hidden
    text = f"{_rounded(number, places):,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_number(value: Any) -> str:
    number = as_decimal(value)
    return DASH if number is None else _grouped(number, 0)


def vn_decimal(value: Any, places: int = 2) -> str:
    """Thousands dot, decimal comma, `places` decimals (the forms publish two)."""
    number = as_decimal(value)
    return DASH if number is None else _grouped(number, places)


def vn_percent(value: Any) -> str:
    text = vn_decimal(value)
    return DASH if text == DASH else f"{text}%"


def rate_change(points: Any) -> str:
    """Positive points = the rate fell (report-forms.md §5.7); a change under 0,005 is none."""
    number = as_decimal(points)
    if number is None:
        return DASH
    if number.adjusted() <= LARGEST_DIGITS:
        number = _rounded(number, 2)
    if number > 0:
        return _("down %(points)s points") % {"points": vn_decimal(number)}
    if number < 0:
        return _("up %(points)s points") % {"points": vn_decimal(-number)}
    return _("unchanged")
