"""Reads over the unit tree and its history."""

from dataclasses import dataclass

from giamngheo.geo.models import AdminUnit, Succession, q_within


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


def scope_roots(unit: AdminUnit) -> list[AdminUnit]:
    """The unit plus every historic unit whose lineage leads into its subtree, minimal cover.

    Data owned by any unit under one of these roots belongs, today, to `unit`'s territory.
    """
    inner = set(
        Succession.objects.filter(q_within(unit, "successor")).values_list(
            "successor_id", flat=True
        )
    )
    inner.add(unit.pk)
    ids = {unit.pk} | {other for other, _, _ in _walk(inner, backwards=True)}
    units = sorted(AdminUnit.objects.filter(pk__in=ids), key=lambda u: len(u.path))
    roots: list[AdminUnit] = []
    for candidate in units:
        if not any(root.contains(candidate) for root in roots):
            roots.append(candidate)
    return roots
