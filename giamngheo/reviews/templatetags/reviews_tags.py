from django import template

from giamngheo import law
from giamngheo.accounts.scoping import Capability, can
from giamngheo.reviews.display import classification
from giamngheo.reviews.selectors import household_classifications
from giamngheo.reviews.services.screening import village_progress

register = template.Library()


@register.filter
def standard_name(standard_id):
    """`{{ round.standard|standard_name }}`: the standard's title and decree, never its id."""
    return law.standard_named(standard_id or "")


@register.filter
def cite(text):
    """`{{ article|cite }}`: a citation as the page's language writes it."""
    return law.cited(str(text or ""))


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
