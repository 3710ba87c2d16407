import datetime as dt

from django.db.models import Count, Q

from giamngheo.geo.models import AdminUnit, Level, Succession, q_within
from giamngheo.geo.selectors import scope_roots, unit_predecessors, unit_successors
from giamngheo.geo.services.villages import villages_create
from giamngheo.geo.tests.factories import (
    FORMER_HAI_DUONG,
    HAI_PHONG,
    NAM_SACH,
    current_unit,
    former_unit,
    hai_phong,
)
from giamngheo.geo.version import units_token

REARRANGEMENT_DAY_BEFORE = dt.date(2025, 6, 30)

HOA_BINH_KIM_THANH = "10798"  # Xã Hòa Bình (Kim Thành, former Hải Dương), divided in three


def test_hai_phong_is_made_of_the_former_hai_duong_and_the_former_hai_phong(units):
    predecessors = unit_predecessors(hai_phong())
    provinces = {(e.unit.code, e.unit.name) for e in predecessors}
    assert provinces == {
        (FORMER_HAI_DUONG, "Tỉnh Hải Dương"),
        (HAI_PHONG, "Thành phố Hải Phòng"),
    }
    assert all(e.unit.valid_to is not None and e.exact for e in predecessors)


def test_every_former_hai_duong_commune_leads_into_todays_hai_phong(units):
    hai_duong = former_unit(Level.PROVINCE, FORMER_HAI_DUONG)
    communes = AdminUnit.objects.filter(q_within(hai_duong), level=Level.COMMUNE)
    assert communes.count() > 150
    today = hai_phong()
    for commune in communes:
        successors = unit_successors(commune)
        assert successors, commune
        assert all(e.unit.is_current and e.unit.parent == today for e in successors), commune


def test_a_commune_of_today_lists_the_former_communes_it_was_made_of(units):
    nam_sach = current_unit(Level.COMMUNE, NAM_SACH)
    predecessors = unit_predecessors(nam_sach)
    assert len(predecessors) >= 2
    hai_duong = former_unit(Level.PROVINCE, FORMER_HAI_DUONG)
    assert all(e.unit.level == Level.COMMUNE for e in predecessors)
    assert all(hai_duong.contains(e.unit) for e in predecessors)


def test_a_divided_commune_is_flagged_with_one_default_successor(units):
    hoa_binh = former_unit(Level.COMMUNE, HOA_BINH_KIM_THANH)
    edges = list(hoa_binh.successions.all())
    assert len(edges) == 3
    assert all(edge.is_split and not edge.is_exact for edge in edges)
    assert sum(edge.is_default for edge in edges) == 1
    assert all(edge.share is None for edge in edges)  # the sources give no shares
    assert all(edge.successor.parent == hai_phong() for edge in edges)
    assert all(not e.exact for e in unit_successors(hoa_binh))


def test_every_divided_unit_has_several_successors_and_exactly_one_default(units):
    per_unit = (
        Succession.objects.filter(is_split=True)
        .values("predecessor")
        .annotate(n=Count("pk"), defaults=Count("pk", filter=Q(is_default=True)))
    )
    assert per_unit.count() == 471
    assert not per_unit.filter(Q(n__lt=2) | ~Q(defaults=1)).exists()
    whole = Succession.objects.filter(is_split=False).values("predecessor").annotate(n=Count("pk"))
    assert not whole.filter(n__gt=1).exists()
    assert not Succession.objects.filter(is_split=False, is_default=False).exists()


def test_scope_of_todays_hai_phong_covers_both_former_provinces(units):
    roots = scope_roots(hai_phong())
    assert hai_phong() in roots
    assert former_unit(Level.PROVINCE, FORMER_HAI_DUONG) in roots
    assert former_unit(Level.PROVINCE, HAI_PHONG) in roots
    assert len(roots) == 3  # a minimal cover: no former commune listed on its own


def test_scope_of_a_commune_of_today_covers_its_former_communes_only(units):
    nam_sach = current_unit(Level.COMMUNE, NAM_SACH)
    roots = scope_roots(nam_sach)
    assert {r.pk for r in roots} == {nam_sach.pk} | {e.unit.pk for e in unit_predecessors(nam_sach)}


def test_an_island_district_without_communes_leads_into_its_special_zone(units):
    district = former_unit(Level.DISTRICT, "318")
    assert district.name == "Huyện Bạch Long Vĩ"
    assert not district.children.exists()
    [edge] = unit_successors(district)
    assert (edge.unit.name, edge.unit.division_type) == ("Đặc khu Bạch Long Vĩ", "đặc khu")
    assert edge.unit.parent == hai_phong()


def test_other_districts_carry_no_succession(units):
    districts = Succession.objects.filter(predecessor__level=Level.DISTRICT)
    assert districts.count() == 5
    assert not districts.filter(predecessor__children__isnull=False).exists()


def test_a_territory_is_read_from_the_process_cache_until_units_change(
    units, django_assert_num_queries
):
    nam_sach = current_unit(Level.COMMUNE, NAM_SACH)
    before = scope_roots(nam_sach)
    again = current_unit(Level.COMMUNE, NAM_SACH)  # a fresh instance, as the next request has
    with django_assert_num_queries(2):  # the units token and the roots: no walk
        assert scope_roots(again) == before
    # A former commune merged into it now: its territory grows at once, in every process.
    hai_duong = former_unit(Level.PROVINCE, FORMER_HAI_DUONG)
    merged = AdminUnit.objects.create(
        code="99999",
        name="Xã Thử",
        division_type="xã",
        level=Level.COMMUNE,
        parent=hai_duong,
        valid_to=REARRANGEMENT_DAY_BEFORE,
    )
    token = units_token()
    Succession.objects.create(predecessor=merged, successor=nam_sach)
    assert units_token() != token
    after = scope_roots(current_unit(Level.COMMUNE, NAM_SACH))
    assert {r.pk for r in after} == {r.pk for r in before} | {merged.pk}


def test_units_written_in_bulk_or_deleted_change_the_token(units):
    commune = current_unit(Level.COMMUNE, NAM_SACH)
    token = units_token()
    village = AdminUnit(code="T1", name="Thôn Thử", division_type="thôn", level=Level.VILLAGE)
    village.parent = commune
    villages_create(units=[village], source="test")
    assert units_token() != token
    token = units_token()
    village.delete()
    assert units_token() != token
