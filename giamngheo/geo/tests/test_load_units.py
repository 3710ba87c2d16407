import dataclasses
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from giamngheo.geo.models import (
    REARRANGEMENT_DATE,
    AdminUnit,
    Area,
    Level,
    Succession,
    q_within,
)
from giamngheo.geo.services import units as units_service
from giamngheo.geo.services.unit_sources import SourcePaths, read_sources
from giamngheo.geo.services.units import UnitsLoadError, units_load
from giamngheo.geo.tests.factories import (
    FORMER_HAI_DUONG,
    HAI_PHONG,
    current_unit,
    former_unit,
    hai_phong,
)


def level_counts() -> dict[tuple[str, bool], int]:
    rows = AdminUnit.objects.values("level", "valid_to").annotate(n=Count("pk"))
    counts: dict[tuple[str, bool], int] = {}
    for row in rows:
        key = (row["level"], row["valid_to"] is None)
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def test_full_load_has_both_eras_with_the_published_counts(units):
    assert level_counts() == {
        (Level.PROVINCE, True): 34,
        (Level.COMMUNE, True): 3321,
        (Level.PROVINCE, False): 63,
        (Level.DISTRICT, False): 696,
        (Level.COMMUNE, False): 10035,
    }
    assert units.created == {
        "current province": 34,
        "current commune": 3321,
        "former province": 63,
        "former district": 696,
        "former commune": 10035,
    }
    assert Succession.objects.count() == units.successions_created == 10665
    assert units.split_units == 471
    assert units.unmatched == []
    assert len(units.matched_by_name) == 123


def test_eras_have_their_validity_dates(units):
    assert (
        not AdminUnit.objects.filter(valid_to__isnull=True)
        .exclude(valid_from=REARRANGEMENT_DATE)
        .exists()
    )
    former = AdminUnit.objects.filter(valid_to__isnull=False)
    assert set(former.values_list("valid_to", flat=True)) == {dt_before(REARRANGEMENT_DATE)}
    assert not former.filter(valid_from__isnull=False).exists()


def dt_before(date):
    return date.fromordinal(date.toordinal() - 1)


def test_codes_are_zero_padded_and_keep_each_era_apart(units):
    assert current_unit(Level.PROVINCE, "01").name == "Thành phố Hà Nội"
    assert current_unit(Level.COMMUNE, "00004").name == "Phường Ba Đình"
    assert former_unit(Level.COMMUNE, "00004").name == "Phường Trúc Bạch"
    assert former_unit(Level.DISTRICT, "001").name == "Quận Ba Đình"
    assert former_unit(Level.PROVINCE, HAI_PHONG) != hai_phong()


def test_parent_chains_and_paths(units):
    commune = former_unit(Level.COMMUNE, "00004")
    district = commune.parent
    assert district.level == Level.DISTRICT
    assert district.parent == former_unit(Level.PROVINCE, "01")
    assert commune.path == f"/{district.parent_id}/{district.pk}/{commune.pk}/"
    today = current_unit(Level.COMMUNE, "00004")
    assert today.parent == current_unit(Level.PROVINCE, "01")
    assert today.path == f"{today.parent.path}{today.pk}/"
    assert not AdminUnit.objects.filter(path="").exists()


def test_commune_area_follows_its_division_type(units):
    assert current_unit(Level.COMMUNE, "00004").area == Area.URBAN  # phường
    xa = AdminUnit.objects.filter(level=Level.COMMUNE, division_type="xã").first()
    assert xa.area == Area.RURAL
    town = AdminUnit.objects.filter(level=Level.COMMUNE, division_type="thị trấn").first()
    assert town.area == Area.URBAN
    assert not AdminUnit.objects.filter(level=Level.COMMUNE, area="").exists()


def test_second_load_changes_nothing(units, sources):
    report = units_load(sources=sources)
    assert sum(report.created.values()) == 0
    assert sum(report.updated.values()) == 0
    assert sum(report.unchanged.values()) == 34 + 3321 + 63 + 696 + 10035
    assert report.successions_created == report.successions_updated == 0
    assert report.successions_unchanged == 10665
    duplicates = (
        AdminUnit.objects.values("code", "level", "valid_from")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()


def test_a_renamed_unit_in_the_source_is_updated_in_place(units, sources):
    renamed = [
        dataclasses.replace(u, name="Phường Ba Đình (mới)")
        if (u.code, u.level, u.current) == ("00004", Level.COMMUNE, True)
        else u
        for u in sources.units
    ]
    before = current_unit(Level.COMMUNE, "00004")
    report = units_load(sources=dataclasses.replace(sources, units=renamed))
    assert report.updated == {"current commune": 1}
    after = current_unit(Level.COMMUNE, "00004")
    assert (after.pk, after.name) == (before.pk, "Phường Ba Đình (mới)")


def test_a_failing_load_writes_nothing(units, sources, monkeypatch):
    extra = dataclasses.replace(sources.units[0], code="99", name="Tỉnh Thử", scope="99")
    renamed = [
        dataclasses.replace(u, name="Renamed") if u.code == "01" and u.current else u
        for u in sources.units
    ]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(units_service, "_sync_successions", broken)
    with pytest.raises(RuntimeError):
        units_load(sources=dataclasses.replace(sources, units=[extra, *renamed]))
    assert not AdminUnit.objects.filter(code="99").exists()
    assert current_unit(Level.PROVINCE, "01").name == "Thành phố Hà Nội"


def test_province_restriction_takes_the_former_provinces_that_went_into_it(units, sources):
    report = units_load(province_codes=[HAI_PHONG], sources=sources)
    assert report.total("current province") == 1
    assert report.total("current commune") == 114
    assert report.total("former province") == 2  # Hải Dương and the former Hải Phòng
    assert report.total("former district") == 27
    assert report.total("former commune") == 374
    assert report.total("current commune") == hai_phong().children.count()
    edges = Succession.objects.filter(q_within(hai_phong(), "successor"))
    assert report.successions == edges.count() == 456


def test_province_restriction_on_an_empty_database_loads_only_that_province(no_units, sources):
    report = units_load(province_codes=["31"], sources=sources)
    assert sum(report.created.values()) == AdminUnit.objects.count() == 1 + 114 + 2 + 27 + 374
    assert set(
        AdminUnit.objects.filter(level=Level.PROVINCE).values_list("code", "valid_to")
    ) == {(HAI_PHONG, None), (HAI_PHONG, dt_before(REARRANGEMENT_DATE)),
          (FORMER_HAI_DUONG, dt_before(REARRANGEMENT_DATE))}  # fmt: skip
    assert Succession.objects.count() == 456


def test_unknown_province_code_is_refused_with_the_valid_codes(no_units, sources):
    with pytest.raises(UnitsLoadError) as excinfo:
        units_load(province_codes=["31", "30"], sources=sources)
    message = str(excinfo.value)
    assert "30 (a former province, now part of 31)" in message.split(".")[0]
    assert "31 Thành phố Hải Phòng" in message
    assert not AdminUnit.objects.exists()
    with pytest.raises(CommandError, match="99"):
        call_command("load_units", "--province", "99")


def test_legal_basis_cites_each_province_resolution(units):
    hai_duong = former_unit(Level.PROVINCE, FORMER_HAI_DUONG)
    province_edge = hai_duong.successions.get()
    assert province_edge.successor == hai_phong()
    assert province_edge.legal_basis == "Resolution 202/2025/QH15"
    commune_edges = Succession.objects.filter(q_within(hai_duong, "predecessor"))
    assert set(
        commune_edges.exclude(pk=province_edge.pk).values_list("legal_basis", flat=True)
    ) == {"Resolution 1669/NQ-UBTVQH15"}
    assert set(Succession.objects.values_list("source", flat=True)) == {"vietnamadminunits 1.0.4"}


def test_unmatched_source_entries_are_reported_not_dropped(no_units, tmp_path):
    paths = SourcePaths.installed()
    converter = json.loads(paths.converter.read_text(encoding="utf-8"))
    hp = converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["thanhphohaiphong"]
    new_ward, olds = next((k, v) for k, v in hp.items() if len(v) > 1)
    olds.pop()  # that former commune now leads nowhere
    olds.append("tinhhaiduong_huyenkhongco_xakhongco")
    hp["xakhongco"] = ["tinhhaiduong_thanhphohaiduong_phuongcamthuong"]
    (tmp_path / "converter.json").write_text(json.dumps(converter), encoding="utf-8")
    sources = read_sources(dataclasses.replace(paths, converter=tmp_path / "converter.json"))

    report = units_load(province_codes=[HAI_PHONG], sources=sources)

    text = "\n".join(report.unmatched)
    assert "tinhhaiduong_huyenkhongco_xakhongco" in text
    assert "thanhphohaiphong_xakhongco" in text
    orphans = AdminUnit.objects.filter(
        level=Level.COMMUNE, valid_to__isnull=False, successions__isnull=True
    )
    assert orphans.count() == 1  # loaded all the same
    assert f"former commune {orphans.get().code} {orphans.get().name}: no successor" in text
    assert len(report.unmatched) == 3
    assert report.total("former commune") == 374  # the commune without a successor is kept
    out = StringIO()
    report.write(out)
    assert "Unmatched: 3" in out.getvalue()
    assert "tinhhaiduong_huyenkhongco_xakhongco" in out.getvalue()


def test_load_units_command_prints_the_summary(units):
    out = StringIO()
    call_command("load_units", "--province", "31", stdout=out)
    text = out.getvalue()
    assert "Communes of today: 0 created, 0 updated, 114 unchanged" in text
    assert "Unmatched: 0" in text


def test_todays_communes_carry_the_coordinates_the_source_gives(units, sources):
    """The poverty map places each commune of today where vietnamadminunits puts it (its
    admin_units table): every Hải Phòng commune lies inside the city's box, former units have no
    point, and the load reports the communes the source gives none for instead of guessing."""
    communes = AdminUnit.objects.current().filter(level=Level.COMMUNE, parent__code=HAI_PHONG)
    placed = communes.filter(latitude__isnull=False, longitude__isnull=False)
    assert placed.count() == communes.count() == 114
    for lat, lon in placed.values_list("latitude", "longitude"):
        assert 20.0 < lat < 21.2 and 105.9 < lon < 107.8, (lat, lon)  # Bạch Long Vĩ: 107.73
    assert not AdminUnit.objects.filter(valid_to__isnull=False, latitude__isnull=False).exists()
    # vietnamadminunits 1.0.4 has a point for every commune of today.
    placed_total = AdminUnit.objects.current().filter(level=Level.COMMUNE, latitude__isnull=False)
    assert placed_total.count() == 3321 and units.without_coordinates == []
    out = StringIO()
    units.write(out)
    assert "Communes of today the source gives no coordinates for: 0" in out.getvalue()
