"""Unit containment: one rule over the materialised paths, for Python and for queries."""

from giamngheo.geo.models import AdminUnit, Level, Succession, q_within


def _unit(pk: int, level: str, parent: AdminUnit | None = None) -> AdminUnit:
    return AdminUnit.objects.create(
        pk=pk, code=str(pk), name=f"Unit {pk}", division_type="xã", level=level, parent=parent
    )


def _tree() -> dict[int, AdminUnit]:
    # Unit 11's path "/1/11/" is a plain string prefix of unit 110's "/1/110" without the
    # closing separator: the rule must not take 110 (or 110's village) into 11.
    province = _unit(1, Level.PROVINCE)
    eleven = _unit(11, Level.COMMUNE, province)
    one_ten = _unit(110, Level.COMMUNE, province)
    return {
        1: province,
        11: eleven,
        110: one_ten,
        1101: _unit(1101, Level.VILLAGE, eleven),
        1102: _unit(1102, Level.VILLAGE, one_ten),
    }


def test_a_unit_contains_itself_and_what_lies_below_it(no_units):
    units = _tree()
    assert units[1].contains(units[1])
    assert units[1].contains(units[1102])
    assert units[11].contains(units[1101])
    assert not units[11].contains(units[1])


def test_a_unit_does_not_contain_a_sibling_whose_id_starts_with_its_own(no_units):
    units = _tree()
    assert units[11].path == "/1/11/" and units[110].path == "/1/110/"
    assert not units[11].contains(units[110])
    assert not units[11].contains(units[1102])
    assert not units[110].contains(units[11])


def test_the_subtree_lookup_follows_the_same_rule(no_units):
    units = _tree()
    within_eleven = AdminUnit.objects.filter(q_within(units[11]))
    assert set(within_eleven.values_list("pk", flat=True)) == {11, 1101}
    assert set(units[11].subtree().values_list("pk", flat=True)) == {11, 1101}
    for unit in AdminUnit.objects.all():
        assert (unit in within_eleven) == units[11].contains(unit), unit.pk


def test_the_subtree_lookup_reaches_rows_through_their_unit_field(no_units):
    units = _tree()
    into_eleven = Succession.objects.create(predecessor=units[1102], successor=units[1101])
    Succession.objects.create(predecessor=units[1101], successor=units[1102])
    rows = Succession.objects.filter(q_within(units[11], "successor"))
    assert list(rows) == [into_eleven]
