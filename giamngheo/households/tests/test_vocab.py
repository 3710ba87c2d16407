"""The registry's choices are the classifier contract's values, written once in standards.vocab."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from giamngheo.households.vocab import CONTRACT, check_contract
from giamngheo.standards import vocab as contract


def test_every_contract_list_with_a_registry_field_has_its_choices_checked():
    checked = set(CONTRACT.values())
    lists = {
        contract.AREA,
        contract.SEX,
        contract.RELATION,
        contract.DIPLOMA,
        contract.EMPLOYMENT,
        contract.DISABILITY,
        contract.CHILD_NUTRITION,
        contract.HOUSING_TYPE,
        contract.DOMESTIC_WATER,
        contract.INFO_DEVICES,
        contract.CLASSES,
    }
    assert lists <= checked


def test_choices_that_drift_from_the_contract_stop_the_project():
    class Drifted(models.TextChoices):
        MALE = "male", "Male"
        WOMAN = "woman", "Woman"

    with pytest.raises(ImproperlyConfigured, match="standards/vocab.py"):
        check_contract(Drifted, contract.SEX)
