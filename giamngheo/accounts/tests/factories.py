import datetime as dt

import factory

from giamngheo.accounts.models import Organisation, OrganisationKind, Role, User
from giamngheo.geo.models import AdminUnit, Level, Succession

FORMER_END = dt.date(2025, 6, 30)
NEW_START = dt.date(2025, 7, 1)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit

    code = factory.Sequence(lambda n: f"{90000 + n}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    division_type = "xã"
    level = Level.COMMUNE
    valid_from = NEW_START


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Tổ chức {n}")
    kind = OrganisationKind.FATHERLAND_FRONT
    unit = factory.SubFactory(UnitFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COMMUNE_OFFICER
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-only")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def build_small_province() -> dict[str, AdminUnit]:
    """Today's province P with communes A and B, another province Q, and P's history.

    The former province FP (with district FD and commune FA) became part of P; FA merged into A.
    """
    p = UnitFactory(code="31", name="Thành phố P", division_type="thành phố", level=Level.PROVINCE)
    q = UnitFactory(code="01", name="Thành phố Q", division_type="thành phố", level=Level.PROVINCE)
    a = UnitFactory(code="11001", name="Xã A", parent=p)
    b = UnitFactory(code="11002", name="Phường B", division_type="phường", parent=p)
    c = UnitFactory(code="00101", name="Xã C", parent=q)
    units = {"P": p, "Q": q, "A": a, "B": b, "C": c}
    for name, parent in (("A1", a), ("A2", a), ("B1", b), ("C1", c)):
        units[name] = UnitFactory(
            code=f"{parent.code}-{name}",
            name=f"Thôn {name}",
            division_type="thôn",
            level=Level.VILLAGE,
            parent=parent,
        )
    fp = UnitFactory(
        code="30",
        name="Tỉnh FP",
        division_type="tỉnh",
        level=Level.PROVINCE,
        valid_from=None,
        valid_to=FORMER_END,
    )
    fd = UnitFactory(
        code="301",
        name="Huyện FD",
        division_type="huyện",
        level=Level.DISTRICT,
        parent=fp,
        valid_from=None,
        valid_to=FORMER_END,
    )
    fa = UnitFactory(code="10001", name="Xã FA", parent=fd, valid_from=None, valid_to=FORMER_END)
    fa1 = UnitFactory(
        code="10001-1",
        name="Thôn FA1",
        division_type="thôn",
        level=Level.VILLAGE,
        parent=fa,
        valid_from=None,
        valid_to=FORMER_END,
    )
    Succession.objects.create(predecessor=fp, successor=p)
    Succession.objects.create(predecessor=fa, successor=a)
    units.update({"FP": fp, "FD": fd, "FA": fa, "FA1": fa1})
    return units
