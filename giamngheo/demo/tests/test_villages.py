import random

import pytest

from giamngheo.accounts.tests.factories import UnitFactory
from giamngheo.demo.villages import villages_generate_demo

pytestmark = pytest.mark.django_db


def test_demo_villages_are_groups_in_a_ward_and_hamlets_in_a_commune(units):
    ward = units["B"]
    created = villages_generate_demo(commune=ward, count=4, rng=random.Random(1))
    assert [v.name for v in created] == [f"Tổ dân phố {i}" for i in range(1, 5)]
    assert all(v.path == f"{ward.path}{v.pk}/" for v in created)
    commune = UnitFactory(parent=units["P"])
    hamlets = villages_generate_demo(commune=commune, count=5, rng=random.Random(2))
    assert len({v.name for v in hamlets}) == 5
    assert all(v.name.startswith("Thôn ") and v.division_type == "thôn" for v in hamlets)
    assert villages_generate_demo(commune=commune, count=5, rng=random.Random(2)) == []
    assert commune.children.count() == 5
