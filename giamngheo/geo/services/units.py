"""Loading and refreshing the administrative units of both eras and the 2025 successions."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from django.db import transaction
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.dbstats import analyze_after_commit
from giamngheo.geo.models import (
    AREA_BY_DIVISION_TYPE,
    REARRANGEMENT_DATE,
    AdminUnit,
    Level,
    Succession,
)
from giamngheo.geo.services.unit_sources import SourceEdge, Sources, SourceUnit, read_sources
from giamngheo.geo.version import units_changed

FORMER_VALID_TO = REARRANGEMENT_DATE - dt.timedelta(days=1)
BATCH = 500
UNIT_FIELDS = [
    "name", "division_type", "parent", "valid_to", "source", "area", "path", "latitude", "longitude"
]  # fmt: skip
EDGE_FIELDS = ["effective_date", "is_split", "is_default", "legal_basis", "source"]


class UnitsLoadError(ValueError):
    """The request cannot be served from the sources (e.g. an unknown province code)."""


@dataclass
class LoadReport:
    """What a load did, per level and era, and what the sources could not match."""

    created: Counter = field(default_factory=Counter)  # keys like "current province"
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    successions_created: int = 0
    successions_updated: int = 0
    successions_unchanged: int = 0
    split_units: int = 0
    unmatched: list[str] = field(default_factory=list)
    matched_by_name: list[str] = field(default_factory=list)
    without_coordinates: list[str] = field(default_factory=list)  # today's communes
    sources: list[str] = field(default_factory=list)

    @property
    def successions(self) -> int:
        return self.successions_created + self.successions_updated + self.successions_unchanged

    def total(self, key: str) -> int:
        return self.created[key] + self.updated[key] + self.unchanged[key]

    def write(self, out: TextIO, *, verbose: bool = False) -> None:
        lines = [_("Administrative units from %(sources)s") % {"sources": "; ".join(self.sources)}]
        for key in ERA_LEVELS:
            if self.total(key):
                lines.append(
                    _(
                        "  %(what)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged"
                    )
                    % {
                        "what": ERA_LEVELS[key],
                        "created": self.created[key],
                        "updated": self.updated[key],
                        "unchanged": self.unchanged[key],
                    }
                )
        lines.append(
            _("Successions: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            % {
                "created": self.successions_created,
                "updated": self.successions_updated,
                "unchanged": self.successions_unchanged,
            }
        )
        lines.append(
            _("Former units split between several new ones: %(n)d") % {"n": self.split_units}
        )
        lines.append(
            _("Matched by name because the codes disagreed: %(n)d")
            % {"n": len(self.matched_by_name)}
        )
        if verbose:
            lines += [f"  {item}" for item in self.matched_by_name]
        lines.append(
            _("Communes of today the source gives no coordinates for: %(n)d")
            % {"n": len(self.without_coordinates)}
        )
        lines += [f"  {item}" for item in self.without_coordinates]
        lines.append(_("Unmatched: %(n)d") % {"n": len(self.unmatched)})
        lines += [f"  {item}" for item in self.unmatched]
        for line in lines:
            out.write(line + "\n")


ERA_LEVELS = {
    "current province": gettext_lazy("Provinces of today"),
    "current commune": gettext_lazy("Communes of today"),
    "former province": gettext_lazy("Former provinces"),
    "former district": gettext_lazy("Former districts"),
    "former commune": gettext_lazy("Former communes"),
}


def units_load(
    *,
    province_codes: list[str] | None = None,
    stdout: TextIO | None = None,
    sources: Sources | None = None,
) -> LoadReport:
    """Create or refresh both eras' units and their successions, all or nothing.

    Rows are keyed by (code, level, era), so a second run changes nothing and a renamed unit is
    updated in place. With `province_codes` (today's provinces), only those provinces, the former
    provinces that went into them and the successions among them are loaded.
    """
    sources = sources or read_sources()
    units, edges = _select(sources, province_codes)
    scopes = {u.scope for u in units} | {""}
    report = LoadReport(
        unmatched=[str(n) for n in sources.unmatched if n.scope in scopes],
        matched_by_name=[str(n) for n in sources.matched_by_name if n.scope in scopes],
        sources=[sources.current_source, sources.former_source],
        without_coordinates=[
            f"{u.code} {u.name}"
            for u in units
            if u.current and u.level == Level.COMMUNE and u.latitude is None
        ],
    )
    with transaction.atomic():
        rows: dict[tuple[str, str, bool], AdminUnit] = {}
        for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
            _sync_level(
                level, [u for u in units if u.level == level], rows, report, sources=sources
            )
        _sync_successions(edges, rows, report, source=sources.former_source)
        units_changed()
    if stdout is not None:
        report.write(stdout)
    return report


def _select(
    sources: Sources, province_codes: list[str] | None
) -> tuple[list[SourceUnit], list[SourceEdge]]:
    if not province_codes:
        return sources.units, sources.edges
    valid = sources.current_provinces()
    wanted = {code.strip().zfill(2) for code in province_codes}
    unknown = sorted(wanted - set(valid))
    if unknown:
        merged_into = {
            e.former[0]: e.current[0] for e in sources.edges if e.former[1] == Level.PROVINCE
        }
        raise UnitsLoadError(
            _("Unknown province code(s) %(unknown)s. Today's province codes are: %(valid)s.")
            % {
                "unknown": ", ".join(
                    _("%(code)s (a former province, now part of %(new)s)")
                    % {"code": code, "new": merged_into[code]}
                    if code in merged_into
                    else code
                    for code in unknown
                ),
                "valid": ", ".join(f"{code} {name}" for code, name in sorted(valid.items())),
            }
        )
    units = [u for u in sources.units if u.scope in wanted]
    keys = {(u.code, u.level, u.current) for u in units}
    edges = [e for e in sources.edges if (*e.former, False) in keys and (*e.current, True) in keys]
    return units, edges


def _era_key(unit: SourceUnit) -> str:
    return f"{'current' if unit.current else 'former'} {unit.level}"


def _sync_level(
    level: str,
    units: list[SourceUnit],
    rows: dict[tuple[str, str, bool], AdminUnit],
    report: LoadReport,
    *,
    sources: Sources,
) -> None:
    existing = {
        (u.code, u.valid_from is not None): u
        for u in AdminUnit.objects.filter(level=level).filter(
            Q(valid_from__isnull=True) | Q(valid_from=REARRANGEMENT_DATE)
        )
    }
    to_create: list[AdminUnit] = []
    to_update: list[AdminUnit] = []
    for unit in units:
        parent = (
            rows[(unit.parent_code, _parent_level(unit), unit.current)]
            if unit.parent_code
            else None
        )
        source = sources.current_source if unit.current else sources.former_source
        row = existing.get((unit.code, unit.current))
        if row is None:
            row = AdminUnit(
                code=unit.code,
                level=level,
                valid_from=REARRANGEMENT_DATE if unit.current else None,
                area=AREA_BY_DIVISION_TYPE.get(unit.division_type, "")
                if level == Level.COMMUNE
                else "",
            )
            _assign(row, unit, parent, source)
            to_create.append(row)
            report.created[_era_key(unit)] += 1
        else:
            before = [getattr(row, f if f != "parent" else "parent_id") for f in UNIT_FIELDS]
            _assign(row, unit, parent, source)
            if not row.area and level == Level.COMMUNE:
                row.area = AREA_BY_DIVISION_TYPE.get(unit.division_type, "")
            row.path = _path(row, parent)
            after = [getattr(row, f if f != "parent" else "parent_id") for f in UNIT_FIELDS]
            if before != after:
                to_update.append(row)
                report.updated[_era_key(unit)] += 1
            else:
                report.unchanged[_era_key(unit)] += 1
        rows[(unit.code, level, unit.current)] = row
    AdminUnit.objects.bulk_create(to_create, batch_size=BATCH)
    if to_create:
        _fill_paths(level, to_create)
    AdminUnit.objects.bulk_update(to_update, UNIT_FIELDS, batch_size=BATCH)
    analyze_after_commit([AdminUnit], len(to_create) + len(to_update))


def _fill_paths(level: str, created: list[AdminUnit]) -> None:
    """`/<parent path ids>/<pk>/` for new rows, in one UPDATE rather than one per row."""
    parent_path = AdminUnit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
    new_rows = AdminUnit.objects.filter(level=level, path="")
    new_rows.update(
        path=Concat(
            Coalesce(Subquery(parent_path), Value("/")),
            Cast("pk", CharField()),
            Value("/"),
            output_field=CharField(),
        )
    )
    first = min(row.pk for row in created)
    paths = dict(AdminUnit.objects.filter(level=level, pk__gte=first).values_list("pk", "path"))
    for row in created:
        row.path = paths[row.pk]


def _parent_level(unit: SourceUnit) -> str:
    if unit.level == Level.COMMUNE and not unit.current:
        return Level.DISTRICT
    return Level.PROVINCE


def _assign(row: AdminUnit, unit: SourceUnit, parent: AdminUnit | None, source: str) -> None:
    row.name = unit.name
    row.division_type = unit.division_type
    row.parent = parent
    row.valid_to = None if unit.current else FORMER_VALID_TO
    row.source = source
    row.latitude = unit.latitude
    row.longitude = unit.longitude


def _path(row: AdminUnit, parent: AdminUnit | None) -> str:
    return f"{parent.path if parent else '/'}{row.pk}/"


def _sync_successions(
    edges: list[SourceEdge],
    rows: dict[tuple[str, str, bool], AdminUnit],
    report: LoadReport,
    *,
    source: str,
) -> None:
    wanted: dict[tuple[int, int], SourceEdge] = {}
    for edge in edges:
        former = rows[(*edge.former, False)]
        current = rows[(*edge.current, True)]
        wanted[(former.pk, current.pk)] = edge
    existing = {
        (s.predecessor_id, s.successor_id): s
        for s in Succession.objects.filter(predecessor_id__in={pred for pred, _ in wanted})
    }
    to_create: list[Succession] = []
    to_update: list[Succession] = []
    for (pred, succ), edge in wanted.items():
        values = {
            "effective_date": REARRANGEMENT_DATE,
            "is_split": edge.is_split,
            "is_default": edge.is_default,
            "legal_basis": edge.legal_basis,
            "source": source,
        }
        row = existing.get((pred, succ))
        if row is None:
            to_create.append(Succession(predecessor_id=pred, successor_id=succ, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            to_update.append(row)
        else:
            report.successions_unchanged += 1
    Succession.objects.bulk_create(to_create, batch_size=BATCH)
    Succession.objects.bulk_update(to_update, EDGE_FIELDS, batch_size=BATCH)
    report.successions_created = len(to_create)
    report.successions_updated = len(to_update)
    report.split_units = len({e.former for e in edges if e.is_split})
