from decimal import Decimal

from django import template

from giamngheo.reports import formats

register = template.Library()


@register.filter
def vn_number(value):
    return formats.vn_number(value)


@register.filter
def vn_decimal(value, places=2):
    return formats.vn_decimal(value, int(places))


@register.filter
def vn_percent(value):
    return formats.vn_percent(value)


@register.filter
def rate_change(value):
    return formats.rate_change(value)


@register.filter
def vn_cell(value):
    """A table cell: counts with a thousands dot, rates with two decimals, text as is."""
    if isinstance(value, Decimal | float):
        return formats.vn_decimal(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return formats.vn_number(value)
    return "" if value is None else value


@register.filter
def vn_count(row, key):
    """`row|vn_count:"poor"`: a unit with no such households counts 0, never a blank key."""
    return formats.vn_number(row.count(key))


@register.filter
def vn_rate_poor(row):
    return formats.vn_percent(row.rate("poor"))


@register.filter
def vn_rate_near_poor(row):
    return formats.vn_percent(row.rate("near_poor"))


@register.filter
def change_near_poor(row):
    return row.change("near_poor")


@register.filter
def flow_value(row, spec):
    """`flow_value:"poor:7"` → Form 2, column 7 of a FlowRow."""
    form, column = spec.split(":")
    return row.value(form, int(column))


@register.filter
def identity_ok(row):
    return row.identity_holds("poor") and row.identity_holds("near_poor")


@register.filter
def af_percent(value):
    """AF shares (0–1) as a percentage with two decimals."""
    return "" if value is None else formats.vn_decimal(Decimal(str(value)) * 100)
