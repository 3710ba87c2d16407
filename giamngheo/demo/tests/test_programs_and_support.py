import io
import random

import pytest

from giamngheo.demo.programs import HAI_DUONG_TITLE, HAI_PHONG_TITLE, programs_seed_demo
from giamngheo.demo.support import support_seed_demo
from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.programs.models import CoordinationProgram
from giamngheo.programs.selectors import program_list, recommendations_overdue
from giamngheo.support.models import Fund, LedgerEntry, SupportRecord
from giamngheo.support.services import fund_balance

pytestmark = pytest.mark.django_db


def test_demo_seeds_both_real_programs_once(units, province_officer):
    for _ in range(2):
        programs_seed_demo(province=units["P"], rng=random.Random(1), stdout=io.StringIO())
    hai_duong = CoordinationProgram.objects.get(title=HAI_DUONG_TITLE)
    hai_phong = CoordinationProgram.objects.get(title=HAI_PHONG_TITLE)
    assert hai_duong.unit == units["FP"]  # the former province, code 30
    assert (hai_duong.start_year, hai_duong.end_year, str(hai_duong.signed_on)) == (
        2021,
        2025,
        "2023-08-07",
    )
    assert hai_duong.content_areas.count() == 6 and hai_duong.parties.count() == 2
    assert [b.reference for b in hai_duong.legal_bases.all()] == [
        "05-CT/TW",
        "24/2021/QH15",
        "109/CTr-BLĐTBXH-MTTQVN",
    ]
    assert (hai_phong.start_year, hai_phong.end_year, str(hai_phong.signed_on)) == (
        2019,
        2023,
        "2019-04-23",
    )
    eleventh = hai_phong.content_areas.get(number=11)
    assert (
        hai_phong.content_areas.count() == 11 and eleventh.title == "" and eleventh.category is None
    )
    assert set(program_list(actor=province_officer)) == {hai_duong, hai_phong}
    assert recommendations_overdue(actor=province_officer).count() == 1


def test_demo_seeds_funds_and_support_once(units):
    for _ in range(3):
        HouseholdFactory(unit=units["A1"])
    programs_seed_demo(province=units["P"], rng=random.Random(1), stdout=io.StringIO())
    for _ in range(2):
        support_seed_demo(province=units["P"], rng=random.Random(1), stdout=io.StringIO())
    fund = Fund.objects.get()
    entries = LedgerEntry.objects.count()
    assert fund_balance(fund) > 0
    assert SupportRecord.objects.filter(source="fund").count() == 3
    support_seed_demo(province=units["P"], rng=random.Random(1), stdout=io.StringIO())
    assert LedgerEntry.objects.count() == entries
