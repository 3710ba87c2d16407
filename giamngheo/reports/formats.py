"""Numbers as Vietnamese documents write them: "484.997" households, "0,56 %", "giảm 0,65 điểm %"."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _


def vn_number(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    whole = int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,}".replace(",", ".")


def vn_decimal(value: Decimal | float | None, places: int = 2) -> str:
    """Thousands dot, decimal comma, `places` decimals (the forms publish two)."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    d = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{d:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: Decimal | None) -> str:
    return "" if value is None else f"{vn_decimal(value)}%"


def rate_change(points: Decimal | None) -> str:
    """Positive points = the rate fell (report-forms.md §5.7)."""
    if points is None:
        return ""
    if points > 0:
        return _("down %(points)s points") % {"points": vn_decimal(points)}
    if points < 0:
        return _("up %(points)s points") % {"points": vn_decimal(-points)}
    return _("unchanged")
