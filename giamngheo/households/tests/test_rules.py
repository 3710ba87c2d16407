"""The citizen ID number rule (Decree 137/2015/NĐ-CP: 12 digits) has one definition that the
model field, the entry form, the entry services and the import all use, so they cannot drift."""

import datetime as dt

import polars as pl
import pytest
from django.core.exceptions import ValidationError

from giamngheo.households import rules
from giamngheo.households.forms import MemberForm
from giamngheo.households.imports import checks
from giamngheo.households.imports.columns import MEMBER_COLUMNS
from giamngheo.households.imports.reading import ROW
from giamngheo.households.models import Member

GOOD = ["031080001234", "000000000000", "999999999999"]
BAD = ["12345", "03108000123", "0310800012345", "03108000123A", "0310 8000123", "+31080001234"]


def field_accepts(value: str) -> bool:
    try:
        Member._meta.get_field("citizen_id").run_validators(value)
    except ValidationError:
        return False
    return True


def import_errors(values: list[str]) -> list[str]:
    column = next(c for c in MEMBER_COLUMNS if c.kind == "citizen_id")
    frame = pl.DataFrame({ROW: list(range(2, 2 + len(values))), column.name: values})
    errors: list[checks.RowError] = []
    check = checks.TableCheck("members", frame, errors)
    checks._typed(check, column, dt.date(2026, 1, 1))
    by_row = {e.row: e.message for e in errors}
    return [by_row.get(row, "") for row in frame[ROW].to_list()]


def test_decree_137_2015_citizen_id_is_one_rule_for_field_form_services_and_import():
    field = Member._meta.get_field("citizen_id")
    assert rules.citizen_id_validator in field.validators
    assert field.max_length == rules.CITIZEN_ID_DIGITS == 12
    form = MemberForm()
    assert form.fields["citizen_id"].widget.attrs["pattern"] == rules.CITIZEN_ID_PATTERN


@pytest.mark.parametrize("value", GOOD)
def test_decree_137_2015_twelve_digits_pass_everywhere(value):
    assert rules.is_citizen_id(value)
    assert rules.citizen_id_error(value) is None
    assert field_accepts(value)
    assert import_errors([value]) == [""]


@pytest.mark.parametrize("value", BAD)
def test_decree_137_2015_anything_else_fails_everywhere_with_the_fix(value):
    assert not rules.is_citizen_id(value)
    assert rules.citizen_id_error(value) == str(rules.MSG_CITIZEN_ID)
    assert not field_accepts(value)
    [message] = import_errors([value])
    assert "12" in message
    if value.isdigit() and 9 <= len(value) <= 11:
        assert message == str(rules.MSG_CITIZEN_ID_LOST_ZERO)
    else:
        assert message == str(rules.MSG_CITIZEN_ID)


def test_an_empty_citizen_id_is_allowed():
    assert rules.citizen_id_error("") is None
    assert rules.citizen_id_error(None) is None
    assert not rules.is_citizen_id("")
    assert import_errors([""]) == [""]
