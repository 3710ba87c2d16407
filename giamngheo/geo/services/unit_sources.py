"""Reading the two published datasets of administrative units into plain rows.

Today's units come from `vietnam-provinces` (GSO codes and names, which the statistics office
publishes). The former units and the old-to-new mapping come from `vietnamadminunits`, whose
mapping is keyed by name keys ("thanhphohaiphong_huyenbachlongvi_"), not by codes. Its own
codes for today's communes disagree with the GSO list for about a hundred communes, so a code is
only trusted when the names agree too; otherwise the name decides, within the province.
Nothing that fails to match is dropped: it is listed in `Sources.unmatched`.
"""

import importlib.util
import json
import re
import sqlite3
import unicodedata
from contextlib import closing
from dataclasses import dataclass, field, replace
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

CURRENT_PACKAGE = "vietnam-provinces"
FORMER_PACKAGE = "vietnamadminunits"

PROVINCE, DISTRICT, COMMUNE = "province", "district", "commune"

PROVINCE_LEGAL_BASIS = "Resolution 202/2025/QH15"
FALLBACK_LEGAL_BASIS = "Resolutions 1654–1687/NQ-UBTVQH15 (2025)"
# One Standing Committee resolution per new province, all of 16 June 2025 (list published on
# xaydungchinhsach.chinhphu.vn, "Toàn văn 34 nghị quyết ... sắp xếp các đơn vị hành chính cấp xã").
COMMUNE_LEGAL_BASIS = {
    "01": 1656, "04": 1657, "08": 1684, "11": 1661, "12": 1670, "14": 1681, "15": 1673,
    "19": 1683, "20": 1672, "22": 1679, "24": 1658, "25": 1676, "31": 1669, "33": 1666,
    "37": 1674, "38": 1686, "40": 1678, "42": 1665, "44": 1680, "46": 1675, "48": 1659,
    "51": 1677, "52": 1664, "56": 1667, "66": 1660, "68": 1671, "75": 1662, "79": 1685,
    "80": 1682, "82": 1663, "86": 1687, "91": 1654, "92": 1668, "96": 1655,
}  # fmt: skip


@dataclass(frozen=True)
class SourceUnit:
    code: str
    level: str
    name: str
    division_type: str
    current: bool
    parent_code: str | None
    scope: str  # code of today's province whose territory the unit lies in ("" if unknown)
    # Where `vietnamadminunits` places today's units (its table admin_units, columns wardLat and
    # wardLon, provinceLat and provinceLon); None where it gives none. Former units get none.
    latitude: Decimal | None = None
    longitude: Decimal | None = None


COORDINATE_PLACES = Decimal("0.000001")


def coordinate(value: float | None) -> Decimal | None:
    """A source's degrees as the six-decimal Decimal the unit table stores (None stays None)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(COORDINATE_PLACES)


@dataclass(frozen=True)
class SourceEdge:
    former: tuple[str, str]  # (code, level) of the former unit
    current: tuple[str, str]  # (code, level) of today's unit
    is_split: bool
    is_default: bool
    legal_basis: str


@dataclass(frozen=True)
class Note:
    scope: str  # today's province the note concerns ("" if unknown: reported by every load)
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Sources:
    units: list[SourceUnit] = field(default_factory=list)
    edges: list[SourceEdge] = field(default_factory=list)
    unmatched: list[Note] = field(default_factory=list)
    matched_by_name: list[Note] = field(default_factory=list)
    current_source: str = ""
    former_source: str = ""

    def current_provinces(self) -> dict[str, str]:
        return {u.code: u.name for u in self.units if u.current and u.level == PROVINCE}


@dataclass(frozen=True)
class SourcePaths:
    nested_divisions: Path
    dataset_db: Path
    converter: Path

    @classmethod
    def installed(cls) -> "SourcePaths":
        # Only the loader needs the package, to find its bundled data files.
        import vietnam_provinces

        spec = importlib.util.find_spec(FORMER_PACKAGE)
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError(FORMER_PACKAGE)
        data = Path(spec.origin).parent / "data"
        return cls(
            nested_divisions=Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH),
            dataset_db=data / "dataset.db",
            converter=data / "converter_2025.json",
        )


def name_key(name: str) -> str:
    """'Phường Văn Miếu - Quốc Tử Giám' -> 'phuongvanmieuquoctugiam', as the converter keys names."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]", "", text)


def _province_type(name: str) -> str:
    return "thành phố" if name.lower().startswith("thành phố") else "tỉnh"


def read_sources(paths: SourcePaths | None = None) -> Sources:
    """Both eras' units and the successions as plain rows, with what could not be matched."""
    paths = paths or SourcePaths.installed()
    nested = json.loads(paths.nested_divisions.read_text(encoding="utf-8"))
    converter = json.loads(paths.converter.read_text(encoding="utf-8"))
    with closing(sqlite3.connect(f"{paths.dataset_db.resolve().as_uri()}?mode=ro", uri=True)) as db:
        new_rows = db.execute(
            "SELECT provinceKey, provinceCode, wardKey, wardCode, ward,"
            " provinceLat, provinceLon, wardLat, wardLon FROM admin_units"
            " ORDER BY provinceCode, wardCode"
        ).fetchall()
        legacy_rows = db.execute(
            "SELECT provinceKey, provinceCode, province, districtKey, districtCode, district,"
            " districtType, wardKey, wardCode, ward, wardType FROM admin_units_legacy"
            " ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()
    sources = Sources(
        current_source=f"{CURRENT_PACKAGE} {_version(CURRENT_PACKAGE)}",
        former_source=f"{FORMER_PACKAGE} {_version(FORMER_PACKAGE)}",
    )
    _read_current(sources, nested)
    new_keys = _match_new_keys(sources, [row[:5] for row in new_rows])
    _place_current(sources, new_rows, new_keys)
    former_keys = _read_former(sources, legacy_rows, converter["DICT_PROVINCE"], new_keys)
    _read_edges(sources, converter, new_keys, former_keys)
    return sources


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # a vendored copy without metadata still loads
        return "?"


def _read_current(sources: Sources, nested: list[dict[str, Any]]) -> None:
    for province in nested:
        pcode = f"{int(province['code']):02d}"
        sources.units.append(
            SourceUnit(
                pcode, PROVINCE, province["name"], province["division_type"], True, None, pcode
            )
        )
        for ward in province["wards"]:
            sources.units.append(
                SourceUnit(
                    f"{int(ward['code']):05d}", COMMUNE, ward["name"], ward["division_type"],
                    True, pcode, pcode,
                )
            )  # fmt: skip


@dataclass
class _NewKeys:
    provinces: dict[str, str] = field(default_factory=dict)  # provinceKey -> today's code
    communes: dict[tuple[str, str], str] = field(default_factory=dict)  # (pkey, wkey) -> code


def _match_new_keys(sources: Sources, rows: list[tuple]) -> _NewKeys:
    """Today's name keys -> GSO codes: the code when the names agree, else the unique name."""
    provinces = sources.current_provinces()
    communes = {u.code: u for u in sources.units if u.current and u.level == COMMUNE}
    by_name: dict[tuple[str, str], list[str]] = {}
    for unit in communes.values():
        by_name.setdefault((unit.scope, name_key(unit.name)), []).append(unit.code)
    keys = _NewKeys()
    trusted: list[tuple[tuple[str, str], str]] = []
    by_name_rows: list[tuple[str, str, str, str, str]] = []
    for pkey, pcode, wkey, wcode, ward in rows:
        if pcode not in provinces:
            sources.unmatched.append(
                Note(
                    "", f"{pkey}_{wkey} ({ward}): province code {pcode} is not in {CURRENT_PACKAGE}"
                )
            )
            continue
        keys.provinces[pkey] = pcode
        same = communes.get(wcode)
        if same and same.scope == pcode and name_key(same.name) == name_key(ward):
            trusted.append(((pkey, wkey), wcode))
        else:
            by_name_rows.append((pkey, pcode, wkey, wcode, ward))
    taken = {code for _, code in trusted}
    keys.communes.update(trusted)
    for pkey, pcode, wkey, wcode, ward in by_name_rows:
        named = [c for c in by_name.get((pcode, name_key(ward)), []) if c not in taken]
        if len(named) != 1:
            sources.unmatched.append(
                Note(
                    pcode,
                    f"{pkey}_{wkey} ({ward}): today's province {pcode} has no unused commune "
                    f"with code {wcode} and this name ({len(named)} by name)",
                )
            )
            continue
        taken.add(named[0])
        keys.communes[(pkey, wkey)] = named[0]
        sources.matched_by_name.append(Note(pcode, f"{ward} ({pcode}): code {wcode} -> {named[0]}"))
    return keys


def _place_current(sources: Sources, rows: list[tuple], keys: _NewKeys) -> None:
    """Today's provinces and communes get the coordinates of the row their name keys matched."""
    places: dict[tuple[str, str], tuple[float | None, float | None]] = {}
    for pkey, _pcode, wkey, _wcode, _ward, plat, plon, wlat, wlon in rows:
        if pkey in keys.provinces:
            places.setdefault((PROVINCE, keys.provinces[pkey]), (plat, plon))
        code = keys.communes.get((pkey, wkey))
        if code is not None:
            places[(COMMUNE, code)] = (wlat, wlon)
    for i, unit in enumerate(sources.units):
        lat, lon = (
            places.get((unit.level, unit.code), (None, None)) if unit.current else (None, None)
        )
        if lat is not None and lon is not None:
            sources.units[i] = replace(unit, latitude=coordinate(lat), longitude=coordinate(lon))


@dataclass
class _FormerKeys:
    provinces: dict[str, str] = field(default_factory=dict)  # provinceKey -> code
    units: dict[str, tuple[str, str]] = field(default_factory=dict)  # "p_d_w" -> (code, level)


def _read_former(
    sources: Sources,
    rows: list[tuple],
    province_map: dict[str, list[str]],
    new_keys: _NewKeys,
) -> _FormerKeys:
    scope_of: dict[str, str] = {}  # former provinceKey -> today's province code
    for new_pkey, old_pkeys in province_map.items():
        for old_pkey in old_pkeys:
            if new_pkey in new_keys.provinces:
                scope_of[old_pkey] = new_keys.provinces[new_pkey]
    keys = _FormerKeys()
    seen_districts: set[str] = set()
    for pkey, pcode, pname, dkey, dcode, dname, dtype, wkey, wcode, wname, wtype in rows:
        scope = scope_of.get(pkey, "")
        if pkey not in keys.provinces:
            keys.provinces[pkey] = pcode
            sources.units.append(
                SourceUnit(pcode, PROVINCE, pname, _province_type(pname), False, None, scope)
            )
        if dcode not in seen_districts:
            seen_districts.add(dcode)
            keys.units[f"{pkey}_{dkey}_"] = (dcode, DISTRICT)
            sources.units.append(
                SourceUnit(dcode, DISTRICT, dname, dtype.lower(), False, pcode, scope)
            )
        if wcode:
            keys.units[f"{pkey}_{dkey}_{wkey}"] = (wcode, COMMUNE)
            sources.units.append(
                SourceUnit(wcode, COMMUNE, wname, wtype.lower(), False, dcode, scope)
            )
    sources.units.sort(key=lambda u: (_LEVEL_ORDER[u.level], not u.current, u.code))
    return keys


_LEVEL_ORDER = {PROVINCE: 0, DISTRICT: 1, COMMUNE: 2}


def _read_edges(
    sources: Sources, converter: dict[str, Any], new_keys: _NewKeys, former_keys: _FormerKeys
) -> None:
    for new_pkey, old_pkeys in converter["DICT_PROVINCE"].items():
        new_code = new_keys.provinces.get(new_pkey)
        for old_pkey in old_pkeys:
            old_code = former_keys.provinces.get(old_pkey)
            if new_code is None or old_code is None:
                sources.unmatched.append(
                    Note(new_code or "", f"province {old_pkey} -> {new_pkey}: unknown key")
                )
                continue
            sources.edges.append(
                SourceEdge(
                    (old_code, PROVINCE), (new_code, PROVINCE), False, True, PROVINCE_LEGAL_BASIS
                )
            )
    targets: list[
        tuple[str, str, str, bool, bool]
    ] = []  # new pkey, old key, new wkey, split, default
    for new_pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            targets += [(new_pkey, old, new_wkey, False, True) for old in old_keys]
    for new_pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            targets += [
                (new_pkey, old, n["newWardKey"], True, bool(n["isDefaultNewWard"])) for n in news
            ]
    for new_pkey, old_key, new_wkey, split, default in targets:
        former = former_keys.units.get(old_key)
        scope = new_keys.provinces.get(new_pkey, "")
        new_code = new_keys.communes.get((new_pkey, new_wkey))
        if former is None or new_code is None:
            missing = old_key if former is None else f"{new_pkey}_{new_wkey}"
            sources.unmatched.append(
                Note(scope, f"commune {old_key} -> {new_pkey}_{new_wkey}: {missing} unknown")
            )
            continue
        basis = (
            f"Resolution {COMMUNE_LEGAL_BASIS[scope]}/NQ-UBTVQH15"
            if scope in COMMUNE_LEGAL_BASIS
            else FALLBACK_LEGAL_BASIS
        )
        sources.edges.append(SourceEdge(former, (new_code, COMMUNE), split, default, basis))
    _report_orphans(sources)


def _report_orphans(sources: Sources) -> None:
    """Former communes that lead nowhere and today's communes that nothing leads into."""
    with_successor = {e.former for e in sources.edges}
    with_predecessor = {e.current for e in sources.edges}
    for unit in sources.units:
        key = (unit.code, unit.level)
        if unit.level != COMMUNE:
            continue
        if not unit.current and key not in with_successor:
            sources.unmatched.append(
                Note(unit.scope, f"former commune {unit.code} {unit.name}: no successor")
            )
        if unit.current and key not in with_predecessor:
            sources.unmatched.append(
                Note(unit.scope, f"commune {unit.code} {unit.name}: no predecessor")
            )
