"""Where figures recorded under a unit of any era belong on today's map.

Counts are grouped in the database by the unit they were recorded under (a round's commune, or a
household's village); only those few thousand groups are carried here to today's communes. A
figure is exact when every step of its lineage is a whole-unit merger; when a former commune was
split and nothing finer places its households, it is shared out by the known shares (or given to
the default successor) and flagged "apportioned".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from giamngheo.geo.models import AdminUnit, Level, Succession, q_within


@dataclass(frozen=True)
class Placement:
    commune_id: int
    weight: Decimal
    exact: bool


class _Edge(NamedTuple):
    """What resolving needs of a `Succession`: a tuple, not a model instance with its units."""

    successor_id: int
    is_split: bool
    share: Decimal | None
    is_default: bool


class Resolver:
    """Resolves unit ids to today's communes, loading units and successions once per report.

    Only the lineage of the units asked about is read (their ancestors and the successions
    forward from them, level by level), never the country's whole succession table: a
    province's report touches a few hundred of its tens of thousands of edges.
    """

    def __init__(self) -> None:
        self._units: dict[int, tuple[str, str, bool]] = {}
        self._edges: dict[int, list[_Edge]] = defaultdict(list)
        self._edges_read: set[int] = set()  # units whose outgoing successions are loaded
        self._cache: dict[int, tuple[Placement, ...]] = {}

    def _load_units(self, ids: set[int]) -> None:
        missing = ids - self._units.keys()
        if missing:
            for pk, level, path, valid_to in AdminUnit.objects.filter(pk__in=missing).values_list(
                "pk", "level", "path", "valid_to"
            ):
                self._units[pk] = (level, path, valid_to is None)

    def _ancestors(self, ids: set[int]) -> set[int]:
        return {
            int(p) for pk in ids if pk in self._units for p in self._units[pk][1].split("/") if p
        }

    def prefetch(self, ids: set[int]) -> None:
        """Load units, their ancestors and their successions forward, a few queries per level of
        rearrangement, before resolving them one by one."""
        frontier = set(ids) - self._edges_read
        while frontier:
            self._load_units(frontier)
            ancestors = self._ancestors(frontier)
            self._load_units(ancestors)
            # A former village without a succession of its own follows its former commune.
            todo = (frontier | ancestors) - self._edges_read
            self._edges_read |= todo
            successors: set[int] = set()
            edges = (
                Succession.objects.filter(predecessor_id__in=todo)
                .order_by("pk")
                .values_list("predecessor_id", "successor_id", "is_split", "share", "is_default")
            )
            for predecessor, successor, is_split, share, is_default in edges:
                self._edges[predecessor].append(_Edge(successor, is_split, share, is_default))
                successors.add(successor)
            frontier = successors - self._edges_read

    def _commune_of(self, unit_id: int) -> int | None:
        """The commune at or above a current unit, read from its materialised path."""
        self._load_units({unit_id})
        level, path, _current = self._units[unit_id]
        if level == Level.COMMUNE:
            return unit_id
        chain = [int(p) for p in path.strip("/").split("/") if p]
        self._load_units(set(chain))
        for pk in reversed(chain):
            if self._units.get(pk, ("", "", False))[0] == Level.COMMUNE:
                return pk
        return None

    def resolve(self, unit_id: int, _depth: int = 0) -> tuple[Placement, ...]:
        """Today's communes a unit's figures go to, with weights summing to 1 (or nothing)."""
        if unit_id in self._cache:
            return self._cache[unit_id]
        if unit_id not in self._edges_read:
            self.prefetch({unit_id})
        if unit_id not in self._units or _depth > 10:
            return ()
        level, path, current = self._units[unit_id]
        result: tuple[Placement, ...]
        edges = self._edges.get(unit_id, [])
        if current:
            commune = self._commune_of(unit_id)
            result = (Placement(commune, Decimal(1), True),) if commune else ()
        elif not edges:
            # A former village with no succession of its own follows its former commune.
            parent = self._parent_of(path)
            result = self.resolve(parent, _depth + 1) if parent and level == Level.VILLAGE else ()
        else:
            result = self._through(edges, _depth)
        self._cache[unit_id] = result
        return result

    def _parent_of(self, path: str) -> int | None:
        chain = [int(p) for p in path.strip("/").split("/") if p]
        return chain[-2] if len(chain) > 1 else None

    def _through(self, edges: list[_Edge], depth: int) -> tuple[Placement, ...]:
        split = any(e.is_split for e in edges)
        if not split:
            # Whole-unit merger: one successor (several only by bad data; take the first).
            return self.resolve(edges[0].successor_id, depth + 1)
        shares = [e.share for e in edges if e.share is not None]
        if len(shares) == len(edges) and sum(shares) > 0:
            total = Decimal(sum(shares))
            chosen = [(e, Decimal(share) / total) for e, share in zip(edges, shares, strict=True)]
        else:
            default = next((e for e in edges if e.is_default), edges[0])
            chosen = [(default, Decimal(1))]
        out: dict[int, tuple[Decimal, bool]] = {}
        for edge, share in chosen:
            for p in self.resolve(edge.successor_id, depth + 1):
                w, _ = out.get(p.commune_id, (Decimal(0), False))
                out[p.commune_id] = (w + share * p.weight, False)
        return tuple(Placement(c, w, False) for c, (w, _) in out.items())

    def needs_village_detail(self, commune_id: int) -> bool:
        """A commune whose figures cannot go whole to one of today's communes."""
        placements = self.resolve(commune_id)
        return len(placements) != 1 or not placements[0].exact


def communes_within(root: AdminUnit) -> list[AdminUnit]:
    """Today's communes under `root` (or `root` itself when it is a commune)."""
    if root.level == Level.COMMUNE:
        return [root]
    return list(
        AdminUnit.objects.filter(
            q_within(root), level=Level.COMMUNE, valid_to__isnull=True
        ).order_by("code")
    )
