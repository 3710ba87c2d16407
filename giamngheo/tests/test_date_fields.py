"""One date rule (1900-01-01 … 2100-12-31) on every date field of every model and form."""

import datetime as dt

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import get_resolver

from giamngheo.validators import date_fields, validate_date_in_range

# Models with a date column that is not typed by a person. None today; add one with its reason.
EXEMPT: dict[str, str] = {}


def _all_date_fields():
    for model in apps.get_models(include_auto_created=True):
        for field in date_fields(model):
            yield f"{model._meta.label}.{field.name}", field


def test_every_model_date_field_carries_the_range_validator():
    missing = [
        name
        for name, field in _all_date_fields()
        if name not in EXEMPT and validate_date_in_range not in field.validators
    ]
    assert not missing, f"date fields without validate_date_in_range: {missing}"


def test_the_walk_sees_the_ledger_and_the_registry():
    names = {name for name, _field in _all_date_fields()}
    assert {"support.LedgerEntry.occurred_on", "households.Member.date_of_birth"} <= names


def _form_classes():
    get_resolver().url_patterns  # noqa: B018 — loads every view module, and so every form
    seen = set()
    stack = list(forms.Form.__subclasses__()) + list(forms.ModelForm.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("giamngheo."):
            yield cls


def test_every_form_date_field_carries_the_range_validator():
    missing = []
    for form in _form_classes():
        for name, field in form.base_fields.items():
            is_date = isinstance(field, forms.DateField) and not isinstance(
                field, forms.DateTimeField
            )
            model = getattr(getattr(form, "_meta", None), "model", None)
            if model is not None and name in {f.name for f in model._meta.fields}:
                # A model form runs the model field's validators in full_clean().
                field = model._meta.get_field(name)
            if is_date and validate_date_in_range not in field.validators:
                missing.append(f"{form.__module__}.{form.__name__}.{name}")
    assert not missing, f"form date fields without validate_date_in_range: {missing}"


@pytest.mark.parametrize(
    "day", [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(2101, 1, 1), dt.date(9999, 12, 31)]
)
def test_validator_refuses_dates_outside_the_range(day):
    with pytest.raises(ValidationError) as refused:
        validate_date_in_range(day)
    assert refused.value.code == "date_out_of_range"


@pytest.mark.parametrize("day", [dt.date(1900, 1, 1), dt.date(2025, 7, 1), dt.date(2100, 12, 31)])
def test_validator_accepts_dates_inside_the_range(day):
    validate_date_in_range(day)
