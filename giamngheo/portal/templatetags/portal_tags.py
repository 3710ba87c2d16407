from django import template

from giamngheo.portal.selectors import support_policies

register = template.Library()


@register.simple_tag
def policies_for(poverty_class: str) -> list:
    """`{% policies_for poverty_class as policies %}`: the province's policies for the class."""
    if not poverty_class:
        return []
    return list(support_policies(poverty_class=poverty_class))
