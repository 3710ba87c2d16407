from django import template

from giamngheo.accounts.scoping import Capability, can
from giamngheo.reviews.display import classification, standard_label
from giamngheo.reviews.selectors import household_classifications
from giamngheo.reviews.services.screening import village_progress

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_classification(context, household):
    """The household's latest classified assessment the reader may see, ready to show."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or household is None or not user.is_authenticated:
        return None
    found = (
        household_classifications(actor=user, household=household).exclude(poverty_class="").first()
    )
    return classification(found) if found else None


@register.simple_tag
def classification_of(assessment):
    return classification(assessment)


@register.filter
def standard(std_id):
    """A standard's title for pages ("Chuẩn nghèo đa chiều giai đoạn 2022 - 2025 …"), not its id."""
    return standard_label(std_id)


@register.simple_tag
def lookup(mapping, key):
    """`mapping[key]` or None, for 'last year's answer' beside each field."""
    return (mapping or {}).get(key)


@register.simple_tag(takes_context=True)
def screening_villages(context, review_round):
    """The round's villages with their form A progress, each linking to its screening table."""
    request = context.get("request")
    user = getattr(request, "user", None)
    villages = [
        e
        for e in village_progress(review_round)
        if user is not None and can(user, Capability.COLLECT_ANSWERS, e["village"])
    ]
    return villages
