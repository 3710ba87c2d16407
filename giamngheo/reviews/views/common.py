from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from giamngheo.households.models import Member
from giamngheo.reviews.facts import SECTIONS


def attempt(request: HttpRequest, action: Callable[[], Any], success: str = "") -> Any:
    """Run a service; its refusals become messages on the page, never a server error."""
    try:
        result = action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def section_title(assessment, section: str, names: dict) -> str:
    if section in SECTIONS:
        return str(SECTIONS[section][0])
    return _("Member: %(name)s") % {"name": names.get(section.removeprefix("member-"), "?")}


def member_names(assessment) -> dict[str, str]:
    ids = [m["member_id"] for m in assessment.members]
    return {
        str(pk): name
        for pk, name in Member.objects.filter(
            household=assessment.household, pk__in=[int(i) for i in ids if i.isdigit()]
        ).values_list("pk", "full_name")
    }


def section_values(a, section: str) -> dict:
    if section in SECTIONS:
        return a.facts
    member_id = section.removeprefix("member-")
    return next((m for m in a.members if m["member_id"] == member_id), {})
