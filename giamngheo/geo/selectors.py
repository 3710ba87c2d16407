"""Reads over the unit tree and its history."""

from dataclasses import dataclass

from giamngheo.geo.models import AdminUnit, Succession, q_within
from giamngheo.geo.version import TokenCache, units_token


@dataclass(frozen=True)
class LineageEdge:
    unit: AdminUnit
    via: Succession
    depth: int

    @property
    def exact(self) -> bool:
        return not self.via.is_split


def _walk(start_ids: set[int], *, backwards: bool) -> list[tuple[int, Succession, int]]:
    """Breadth-first over successions; each unit is reached once, at its shortest depth."""
    seen = set(start_ids)
    frontier = set(start_ids)
    found: list[tuple[int, Succession, int]] = []
    depth = 0
    while frontier:
        depth += 1
        if backwards:
            edges = Succession.objects.filter(successor_id__in=frontier)
        else:
            edges = Succession.objects.filter(predecessor_id__in=frontier)
        frontier = set()
        for edge in edges.select_related("predecessor", "successor"):
            other = edge.predecessor_id if backwards else edge.successor_id
            if other not in seen:
                seen.add(other)
                frontier.add(other)
                found.append((other, edge, depth))
    return found


def unit_predecessors(unit: AdminUnit) -> list[LineageEdge]:
    """Historic units that make up `unit` (at any depth of rearrangement)."""
    edges = _walk({unit.pk}, backwards=True)
    return [LineageEdge(e.predecessor, e, d) for _, e, d in edges]


def unit_successors(unit: AdminUnit) -> list[LineageEdge]:
    """Where `unit` went: the units that took it over, up to today's."""
    edges = _walk({unit.pk}, backwards=False)
    return [LineageEdge(e.successor, e, d) for _, e, d in edges]


def _predecessor_ids(start_ids: set[int]) -> set[int]:
    """Every unit whose lineage leads into `start_ids`, the start excluded: ids only, one query
    per level of rearrangement (a report asks for its territory several times a request, and
    loading each succession with both its units cost most of a report's CPU)."""
    seen = set(start_ids)
    frontier = set(start_ids)
    while frontier:
        found = Succession.objects.filter(successor_id__in=frontier).values_list(
            "predecessor_id", flat=True
        )
        frontier = set(found) - seen
        seen |= frontier
    return seen - start_ids


_ROOTS = TokenCache()  # unit id → its roots' ids, for the current units token


def scope_roots(unit: AdminUnit) -> list[AdminUnit]:
    """The unit plus every historic unit whose lineage leads into its subtree, minimal cover.

    Data owned by any unit under one of these roots belongs, today, to `unit`'s territory.
    Every officer's page asks for its territory, and finding it walks the successions: each
    process keeps the roots' ids under the units token (`geo.version`), and the instances are
    kept on `unit` for the rest of the request, as `actor_roots` keeps the actor's.
    """
    cached = unit.__dict__.get("_scope_roots")
    if cached is not None:
        return list(cached)
    token = units_token()
    ids = _ROOTS.get(token, unit.pk)
    if ids is None:
        ids = _root_ids(unit)
        _ROOTS.put(token, unit.pk, ids)
    by_id = AdminUnit.objects.in_bulk(ids)
    roots = [by_id[pk] for pk in ids if pk in by_id]
    unit.__dict__["_scope_roots"] = roots
    return list(roots)


def _root_ids(unit: AdminUnit) -> tuple[int, ...]:
    inner = set(
        Succession.objects.filter(q_within(unit, "successor")).values_list(
            "successor_id", flat=True
        )
    )
    inner.add(unit.pk)
    ids = {unit.pk} | _predecessor_ids(inner)
    # Shortest paths first (stable over the model's ordering): a unit is a root unless an
    # earlier root contains it.
    candidates = sorted(
        AdminUnit.objects.filter(pk__in=ids).values_list("pk", "path"), key=lambda c: len(c[1])
    )
    chosen: list[tuple[int, str]] = []
    for pk, path in candidates:
        if not any(path.startswith(root_path) for _, root_path in chosen):
            chosen.append((pk, path))
    return tuple(pk for pk, _ in chosen)
