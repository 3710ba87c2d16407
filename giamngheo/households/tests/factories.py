import datetime as dt

import factory

from giamngheo.accounts.tests.factories import UnitFactory
from giamngheo.geo.models import Level
from giamngheo.households.models import Household, Member
from giamngheo.households.vocab import Relation, Sex


class VillageFactory(UnitFactory):
    level = Level.VILLAGE
    division_type = "thôn"
    name = factory.Sequence(lambda n: f"Thôn {n}")
    parent = factory.SubFactory(UnitFactory)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"31-90000-{n:06d}")
    unit = factory.SubFactory(VillageFactory)
    head_name = factory.Sequence(lambda n: f"Nguyễn Văn An {n}")
    area = "rural"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    member_no = factory.Sequence(lambda n: n + 1)
    full_name = factory.Sequence(lambda n: f"Thành viên {n}")
    sex = Sex.MALE
    date_of_birth = dt.date(1980, 5, 1)
    relation = Relation.HEAD
    health_insurance = True
