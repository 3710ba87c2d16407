"""What-if: a commune or the province re-classified under another standard, beside the approved round.

Reads only: the facts are those the rounds recorded (each assessment's household and member
facts on its round's review date, `reviews.facts.contract_input`), classified by the engine's
vectorised what-if core (`standards.whatif.whatif_counts`) under the chosen standard, optionally
with the province's own raised lines; the approved figures come from Form 1's one definition
(`figures.unit_summary`). Nothing is written to households or assessments.

Which facts: the assessments of the unit's latest approved periodic year (the same rounds as the
approved column); a commune without an approved round that year is re-classified from its latest
round in progress, and says so. Households stopped at form A (four or more markers) have no form
B facts: they stay not poor, as form A decided, whatever the standard.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from giamngheo import law
from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.geo.models import AdminUnit
from giamngheo.households.vocab import PovertyClass
from giamngheo.reports.selectors.common import NoApprovedRound, final_rounds, frozen
from giamngheo.reports.selectors.figures import Row, report_years, unit_summary
from giamngheo.reports.selectors.lineage import Resolver, communes_within
from giamngheo.reviews.facts import contract_input
from giamngheo.reviews.models import Assessment, ReviewRound, RoundType
from giamngheo.standards import Standard, load_standard, standard_warnings
from giamngheo.standards.citations import standard_name
from giamngheo.standards.explain import render_warnings
from giamngheo.standards.whatif import (
    COUNT_CLASSES,
    UNCLASSIFIED,
    WhatIf,
    combine,
    raised_standard,
    records_frames,
    whatif_counts,
)

# The capability to run a what-if: it reads every household's facts of the unit.
CAPABILITY = Capability.EDIT_RECORDS
APPROVED, EARLIER, IN_PROGRESS, NO_ROUND = "approved", "earlier", "in_progress", "no_round"
CLASS_LABELS = {
    **{c.value: c.label for c in PovertyClass},
    UNCLASSIFIED: gettext_lazy("Not classified (facts missing or wrong)"),
}


@dataclass
class CompareRow:
    """One unit: its approved Form 1 row (None without an approved round) and the what-if row."""

    unit: AdminUnit
    label: str
    source: str
    whatif: Row
    approved: Row | None = None

    def cells(self) -> list[dict[str, Any]]:
        """Per class: approved, what-if and difference, for households and persons, with rates."""
        out = []
        for key in COUNT_CLASSES:
            if key == UNCLASSIFIED and not self.whatif.counts.get(key):
                continue
            # Form 1 publishes poor, near-poor and middle only; "not poor" has no approved figure.
            published = self.approved is not None and key in ("poor", "near_poor", "middle")
            a = self.approved if published else None
            w = self.whatif
            out.append(
                {
                    "key": key,
                    "label": CLASS_LABELS[key],
                    "approved": _cell(a, key),
                    "whatif": _cell(w, key),
                    "difference": _difference(_cell(a, key), _cell(w, key)) if a else None,
                }
            )
        return out


def _cell(row: Row | None, key: str) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "households": row.count(key),
        "persons": row.count(f"{key}_persons"),
        "rate": row.rate(key),
        "persons_rate": row.persons_rate(key),
    }


def _difference(a: dict[str, Any] | None, w: dict[str, Any] | None) -> dict[str, Any] | None:
    if a is None or w is None:
        return None
    return {k: None if a[k] is None or w[k] is None else w[k] - a[k] for k in a}


@dataclass
class WhatIfReport:
    unit: AdminUnit
    year: int | None
    standard: Standard
    raised: bool
    warnings: list[str]
    total: CompareRow
    rows: list[CompareRow]
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    unclassified: int = 0
    households: int = 0

    @property
    def standard_name(self) -> str:
        """The standard as pages name it: title and decree, never its internal id."""
        return standard_name(self.standard, law.language())

    @property
    def has_approved(self) -> bool:
        return self.total.approved is not None

    @property
    def outside_approved(self) -> int:
        """Communes re-classified from another round than the approved year's (or from none)."""
        return sum(1 for row in self.rows if row.source != APPROVED) if self.has_approved else 0


def require_whatif(actor: User, unit: AdminUnit) -> None:
    if not can(actor, CAPABILITY, unit):
        raise PermissionDenied(_("This unit is outside your area, or your role cannot run it."))


def whatif_standard(
    standard_id: str, lines: Mapping[str, Mapping[str, int | None]] | None = None
) -> Standard:
    """The chosen national standard, with the province's own lines when any is given."""
    base = load_standard(standard_id)
    if lines and any(v is not None for area in lines.values() for v in area.values()):
        return raised_standard(base, lines, std_id=f"{base.id}+tinh")
    return base


@dataclass
class Reclassified:
    """The expensive half of a what-if: every household classified and placed on today's communes.

    Plain data, so that a background job can keep it (`as_json`) and the page rebuild the report.
    """

    year: int | None
    sources: dict[int, str]
    by_commune: dict[int, dict[str, Decimal]]
    round_ids: list[int]
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    unclassified: int = 0
    households: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "sources": {str(k): v for k, v in self.sources.items()},
            "by_commune": {
                str(k): {key: str(v) for key, v in counts.items()}
                for k, counts in self.by_commune.items()
            },
            "round_ids": self.round_ids,
            "errors": [list(e) for e in self.errors],
            "unclassified": self.unclassified,
            "households": self.households,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reclassified:
        return cls(
            year=data["year"],
            sources={int(k): v for k, v in data["sources"].items()},
            by_commune={
                int(k): {key: Decimal(v) for key, v in counts.items()}
                for k, counts in data["by_commune"].items()
            },
            round_ids=[int(i) for i in data["round_ids"]],
            errors=[(str(a), str(b), str(c)) for a, b, c in data["errors"]],
            unclassified=int(data["unclassified"]),
            households=int(data["households"]),
        )


def _approved_year(actor: User, unit: AdminUnit) -> int | None:
    years = report_years(actor=actor, unit=unit)
    return years[0] if years else None


def whatif_reclassify(
    *,
    actor: User,
    unit: AdminUnit,
    standard: Standard,
    progress: Callable[[int], None] | None = None,
) -> Reclassified:
    """Classify the unit's households under `standard` (the slow half; `progress(step)` after steps 1 and 2 of 3)."""
    require_whatif(actor, unit)
    resolver = Resolver()
    year = _approved_year(actor, unit)
    rounds = list(final_rounds(unit, year)) if year is not None else []
    communes = communes_within(unit)
    covered = _covered(rounds, resolver)
    pending = _rounds_in_progress([c for c in communes if c.pk not in covered])
    sources = {c.pk: APPROVED for c in communes if c.pk in covered}
    sources.update({r.unit_id: EARLIER if r.is_locked else IN_PROGRESS for r in pending})
    result = _classify([*rounds, *pending], standard, resolver, progress)
    return Reclassified(
        year=year,
        sources=sources,
        by_commune=result.by_commune,
        round_ids=[r.pk for r in [*rounds, *pending]],
        errors=result.errors,
        unclassified=result.unclassified,
        households=result.households,
    )


def whatif_report(
    *,
    actor: User,
    unit: AdminUnit,
    standard: Standard,
    reclassified: Reclassified | None = None,
) -> WhatIfReport:
    """`unit` (a commune, or the province with one row per commune) under `standard`.

    `reclassified`: the slow half, when a background job already did it.
    """
    require_whatif(actor, unit)
    done = reclassified or whatif_reclassify(actor=actor, unit=unit, standard=standard)
    approved: dict[int | None, Row] = {}
    approved_total: Row | None = None
    if done.year is not None:
        try:
            summary = unit_summary(actor=actor, unit=unit, year=done.year)
        except NoApprovedRound:
            summary = None
        if summary is not None:
            approved = {row.unit_pk: row for row in summary.rows}
            approved_total = summary.total
    rows = []
    for commune in communes_within(unit):
        a = approved.get(commune.pk)
        source = done.sources.get(commune.pk, NO_ROUND)
        w = Row(unit=commune, label=commune.name, counts=dict(done.by_commune.get(commune.pk, {})))
        if a is not None:
            w.households, w.persons = a.households, a.persons
        rows.append(
            CompareRow(
                unit=commune,
                label=commune.name,
                source=source,
                whatif=w,
                approved=a if source == APPROVED else None,
            )
        )
    total_w = Row(unit=unit, label=unit.name)
    for row in rows:
        for key, value in row.whatif.counts.items():
            total_w.counts[key] = total_w.counts.get(key, Decimal(0)) + value
    if approved_total is not None:
        total_w.households, total_w.persons = approved_total.households, approved_total.persons
    total = CompareRow(
        unit=unit,
        label=unit.name,
        source=APPROVED if approved_total is not None else NO_ROUND,
        whatif=total_w,
        approved=approved_total,
    )
    rounds = list(ReviewRound.objects.filter(pk__in=done.round_ids))
    return WhatIfReport(
        unit=unit,
        year=done.year if approved_total is not None else None,
        standard=standard,
        raised=standard.base is not None,
        warnings=_warnings(standard, rounds),
        total=total,
        rows=rows,
        errors=done.errors,
        unclassified=done.unclassified,
        households=done.households,
    )


def _covered(rounds: list[ReviewRound], resolver: Resolver) -> set[int]:
    resolver.prefetch({r.unit_id for r in rounds})
    return {p.commune_id for r in rounds for p in resolver.resolve(r.unit_id)}


def _rounds_in_progress(communes: list[AdminUnit]) -> list[ReviewRound]:
    """Each commune's latest periodic round when it has no approved one in the year."""
    if not communes:
        return []
    latest: dict[int, ReviewRound] = {}
    for rnd in ReviewRound.objects.filter(
        unit__in=communes, round_type=RoundType.PERIODIC
    ).order_by("unit_id", "-year"):
        latest.setdefault(rnd.unit_id, rnd)
    return list(latest.values())


@dataclass
class _Counts:
    by_commune: dict[int, dict[str, Decimal]]
    errors: list[tuple[str, str, str]]
    unclassified: int
    households: int


@dataclass(frozen=True)
class _Household:
    code: str
    area: str


@dataclass(frozen=True)
class _Recorded:
    """What `reviews.facts.contract_input` reads of an assessment, without building the model."""

    round: ReviewRound
    household: _Household
    facts: dict[str, Any]
    members: list[dict[str, Any]]


def _recorded(rounds: list[ReviewRound]):
    by_id = {r.pk: r for r in rounds}
    return (
        Assessment.objects.filter(round__in=rounds)
        .values_list(
            "round_id",
            "household__code",
            "household__area",
            "facts",
            "members",
            "screened_out",
            frozen("village"),
        )
        .order_by("pk")
        .iterator(chunk_size=5000)
    ), by_id


def _classify(
    rounds: list[ReviewRound],
    standard: Standard,
    resolver: Resolver,
    progress: Callable[[int], None] | None = None,
) -> _Counts:
    """The what-if core over the rounds' facts, placed on today's communes through the lineage."""
    records: list[dict[str, Any]] = []
    keys: list[int] = []
    screened: dict[int, list[int]] = {}
    needs_village = {r.unit_id: resolver.needs_village_detail(r.unit_id) for r in rounds}
    rows, by_id = _recorded(rounds)
    for round_id, code, area, facts, members, screened_out, village in rows:
        rnd = by_id[round_id]
        key = village if needs_village[rnd.unit_id] and village else rnd.unit_id
        if screened_out:
            screened.setdefault(key, [0, 0])
            screened[key][0] += 1
            screened[key][1] += len(members or [])
            continue
        records.append(
            contract_input(_Recorded(rnd, _Household(code, area), facts or {}, members or []))
        )
        keys.append(key)
    if progress is not None:
        progress(1)
    parts: list[WhatIf] = []
    if records:
        households, members = records_frames(records)
        parts.append(
            whatif_counts(households, members, standard=standard, unit=pl.Series("unit", keys))
        )
    by_key: dict[int, dict[str, tuple[int, int]]] = {}
    result = combine(parts) if parts else None
    if result is not None:
        by_key = result.by_unit()
    for key, (n, persons) in screened.items():
        cell = by_key.setdefault(key, {k: (0, 0) for k in COUNT_CLASSES})
        h0, p0 = cell["not_poor"]
        cell["not_poor"] = (h0 + n, p0 + persons)
    if progress is not None:
        progress(2)
    resolver.prefetch(set(by_key))
    by_commune: dict[int, dict[str, Decimal]] = {}
    for key, cells in by_key.items():
        for placement in resolver.resolve(key):
            counts = by_commune.setdefault(placement.commune_id, {})
            for klass, (n, persons) in cells.items():
                for name, value in ((klass, n), (f"{klass}_persons", persons)):
                    counts[name] = counts.get(name, Decimal(0)) + Decimal(value) * placement.weight
    errors = [(str(e[0]), e[3], e[4]) for e in result.errors] if result else []
    return _Counts(
        by_commune=by_commune,
        errors=errors,
        unclassified=result.unclassified if result else 0,
        households=len(records) + sum(v[0] for v in screened.values()),
    )


def _warnings(standard: Standard, rounds: list[ReviewRound]) -> list[str]:
    """The standard used outside its dates for any round's review (named standards win)."""
    seen: list[dict[str, Any]] = []
    for rnd in rounds:
        for w in standard_warnings(standard, rnd.review_date, rnd.round_type):
            if w not in seen:
                seen.append(w)
    return render_warnings(seen, _lang())


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"
