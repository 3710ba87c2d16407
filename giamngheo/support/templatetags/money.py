from django import template

from giamngheo.support.money import vnd as format_vnd

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    return format_vnd(amount)
