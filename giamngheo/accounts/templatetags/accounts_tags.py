from django import template

from giamngheo.accounts.scoping import Capability, has_capability

register = template.Library()


@register.filter
def manages_users(user) -> bool:
    """Whether the menu offers the users pages to `user` (the pages ask the same)."""
    return bool(user.is_authenticated and has_capability(user, Capability.MANAGE_USERS))


@register.filter
def edits_records(user) -> bool:
    """Whether the menu offers the citizen requests queue to `user` (the page asks the same)."""
    return bool(user.is_authenticated and has_capability(user, Capability.EDIT_RECORDS))
