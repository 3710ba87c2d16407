"""Rules every input obeys, wherever it arrives: pages, the API, imports and services.

Defined once here and imported by the models, forms, schemas and the request middleware, so a
page, an endpoint and an import cannot disagree about what a date or a piece of text may be.
"""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# No date the province records (a birth, a decision, a ledger entry, a plan) falls outside these
# years; anything beyond them is a typo (0001-01-01, 9999-12-31) that would skew ages and reports.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)

MSG_DATE_RANGE = _("Enter a date from %(earliest)s to %(latest)s.")
MSG_FIELD_DATE_RANGE = _("%(field)s: enter a date from %(earliest)s to %(latest)s, not %(value)s.")

# C0 control characters and DEL, except tab, line feed and carriage return, which typed text
# legitimately holds. PostgreSQL refuses NUL in text outright; the others corrupt exports.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _range_params() -> dict[str, str]:
    return {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()}


def validate_date_in_range(value: dt.date | None) -> None:
    """The validator on every DateField (models and forms)."""
    if value is None:
        return
    if isinstance(value, dt.datetime):
        value = value.date()
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(MSG_DATE_RANGE, code="date_out_of_range", params=_range_params())


def date_fields(model: type[models.Model]) -> list[models.DateField]:
    """A model's calendar-date columns (timestamps are the server's own, not typed input)."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
    ]


def check_model_dates(instance: models.Model) -> None:
    """Refuse to save a date outside the range, naming the field.

    Services write most rows with `objects.create`, which skips field validators; this runs on
    every save, so no service, import or admin action can store a date the forms would refuse.
    """
    errors: dict[str, list[str]] = {}
    for field in date_fields(type(instance)):
        value = getattr(instance, field.attname)
        if isinstance(value, dt.date):
            message = date_range_error(str(field.verbose_name), value)
            if message:
                errors[field.name] = [message]
    if errors:
        raise ValidationError(errors)


def refuse_dates_out_of_range(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    """pre_save receiver for every model; see `check_model_dates`."""
    if kwargs.get("raw"):
        return
    check_model_dates(instance)


def date_range_error(field: str, value: dt.date) -> str | None:
    """The message naming `field` when `value` is outside the range (for readers outside forms:
    the API's classify body, imports)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return str(
        MSG_FIELD_DATE_RANGE % {**_range_params(), "field": field, "value": value.isoformat()}
    )


def control_character(value: Any) -> str | None:
    """The first control character in `value` as U+XXXX, or None."""
    if not isinstance(value, str):
        return None
    match = CONTROL_CHARACTERS.search(value)
    return f"U+{ord(match.group()):04X}" if match else None
