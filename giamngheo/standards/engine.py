"""The classification core: standards chosen per household, facts checked, indicators and class.

Every path (one household, a batch of frames, a stream of records) goes through
:func:`evaluate`, which runs each indicator's single definition over the coded tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from giamngheo.standards import indicators
from giamngheo.standards.standard import (
    Standard,
    StandardError,
    available_standards,
    load_standard,
    select_standard,
    standard_warnings,
)
from giamngheo.standards.tables import MISSING, NO_DATE, InputError, Tables

EPOCH = dt.date(1970, 1, 1)
ERROR = -1


def income_and_count(
    std: Standard,
    income: np.ndarray,
    line: np.ndarray,
    near: np.ndarray,
    upper: np.ndarray,
    count: np.ndarray,
) -> np.ndarray:
    """Decree 07/2021 Art. 3(2) / Decree 351/2025: poor needs income ≤ line AND ≥ threshold."""
    # 3 (not_poor) less one within the band; NaN upper (no band) compares False ⇒ not_poor
    klass = np.subtract(3, income <= upper, dtype=np.int8)
    # at or under the line: 0 (poor) with enough deprivations, else 1 (near_poor); by arithmetic
    # on 0/1 (several times faster than np.where or a masked copy)
    at_line = income <= line
    klass *= ~at_line
    klass += at_line & (count < std.threshold)
    return klass


def income_alone_then_count(
    std: Standard,
    income: np.ndarray,
    line: np.ndarray,
    near: np.ndarray,
    upper: np.ndarray,
    count: np.ndarray,
) -> np.ndarray:
    """Decision 59/2015 Art. 2: income ≤ poverty line is poor whatever the deprivations."""
    between = np.where(count >= std.threshold, 0, 1)
    return np.select([income <= line, income <= near, income <= upper], [0, between, 2], 3).astype(
        np.int8
    )


CLASS_RULES: dict[str, Callable[..., np.ndarray]] = {
    "income_and_count": income_and_count,
    "income_alone_then_count": income_alone_then_count,
}


@dataclass
class Outcome:
    """Per-household results over coded tables (class -1 where the household has an error)."""

    t: Tables
    stds: list[Standard]
    std_of: np.ndarray
    klass: np.ndarray
    count: np.ndarray
    flags: dict[str, np.ndarray]
    causes: dict[tuple[str, str], np.ndarray]
    given: np.ndarray
    line: np.ndarray
    near: np.ndarray
    upper: np.ndarray
    errors: dict[int, InputError] = field(default_factory=dict)
    # (rows, warning): one entry per group of households classified with that warning
    warnings: list[tuple[np.ndarray, dict[str, Any]]] = field(default_factory=list)

    def warnings_of(self, i: int) -> list[dict[str, Any]]:
        """The structured warnings of household ``i`` (none on an error line)."""
        if i in self.errors:
            return []
        return [w for rows, w in self.warnings if rows[i]]


def resolve_standard(standard: Standard | str | None) -> Standard | None:
    return None if standard is None else load_standard(standard)


LINE_KEYS = ("poverty_line", "near_poor_line", "middle_upper")


def evaluate(
    t: Tables,
    standard: Standard | None = None,
    extra: Mapping[str, Standard] | None = None,
    keep_causes: bool = False,
) -> Outcome:
    """Classify every household of ``t``; input errors are left in ``t.errors``."""
    stds, std_of, warnings = _choose_standards(t, standard, extra)
    given = t.given
    flags: dict[str, np.ndarray] = {}
    causes: dict[tuple[str, str], np.ndarray] = {}
    count = np.zeros(t.n, np.int8)  # fewer than 128 indicators; int64 once at the end
    klass = np.full(t.n, ERROR, np.int8)
    lines: dict[str, np.ndarray] = {}
    urban = t.h["area"] == 1
    none_given = not given.any()
    for s, std in enumerate(stds):
        # one standard for every household, nothing given (the usual batch): no row masks
        alone = len(stds) == 1 and bool((std_of == s).all())
        rows = np.ones(t.n, bool) if alone else std_of == s
        if not none_given:
            _given_flags(t, std, rows & given, flags)
        computed = rows if none_given else rows & ~given
        _check_needs(t, std, computed)
        everyone = alone and none_given
        for spec in std.indicators:
            kind = indicators.get(spec.kind)
            deprived = kind.households(t, spec.params)
            if everyone and spec.id not in flags:
                col = flags[spec.id] = deprived
            else:
                col = flags.setdefault(spec.id, np.zeros(t.n, bool))
                col[computed] = deprived[computed]
            if keep_causes and kind.level == "member":
                causes[(std.id, spec.id)] = kind.members(t, spec.params)
            count += col if len(stds) == 1 else col & rows
        for key in LINE_KEYS:
            r, u = getattr(std.lines["rural"], key), getattr(std.lines["urban"], key)
            by_area = np.array([np.nan if r is None else r, np.nan if u is None else u])
            by_area = by_area.take(urban.view(np.int8))  # rural 0, urban 1
            if alone:
                lines[key] = by_area
            else:
                lines.setdefault(key, np.full(t.n, np.nan))[rows] = by_area[rows]
        line, near, upper = (lines[key] for key in LINE_KEYS)
        rule = CLASS_RULES[std.class_rule]
        k = rule(std, t.h["income_per_capita_month"], line, near, upper, count)
        if alone:
            klass = k
        else:
            klass[rows] = k[rows]
    if not stds:
        lines = {key: np.full(t.n, np.nan) for key in LINE_KEYS}
    line, near, upper = (lines[key] for key in LINE_KEYS)
    bad = np.fromiter(t.errors.keys(), np.int64, len(t.errors))
    klass = klass.astype(np.int8, copy=False)
    count = count.astype(np.int64)
    klass[bad] = ERROR
    std_of[bad] = np.where(std_of[bad] >= 0, std_of[bad], ERROR)
    return Outcome(
        t, stds, std_of, klass, count, flags, causes, given, line, near, upper, t.errors, warnings
    )


def _choose_standards(
    t: Tables, standard: Standard | None, extra: Mapping[str, Standard] | None
) -> tuple[list[Standard], np.ndarray, list[tuple[np.ndarray, dict[str, Any]]]]:
    """Contract "Which standard": named wins, else by round type and review date (spec §0).

    A named standard wins even outside its validity dates, with a warning on those rows.
    """
    review = t.h["review_date"]
    rounds = t.h["round_type"]
    names = None if standard is not None else t.raw_standard
    std_of = np.full(t.n, ERROR, np.int64)
    stds: list[Standard] = []
    warnings: list[tuple[np.ndarray, dict[str, Any]]] = []
    index: dict[str, int] = {}
    unnamed = names is None or names.null_count() == t.n
    if unnamed and t.n and review.min() == review.max() and rounds.min() == rounds.max():
        # one review date and round: the usual batch
        groups = [((int(_keys(review[:1], rounds[:1])[0]), None), np.ones(t.n, bool))]
    elif unnamed:
        uniq, inverse = np.unique(_keys(review, rounds), return_inverse=True)
        groups = [((int(u), None), inverse == j) for j, u in enumerate(uniq.tolist())]
    else:
        frame = pl.DataFrame({"key": _keys(review, rounds), "name": names}).with_row_index("i")
        groups = []
        for k, nm, idx in frame.group_by(["key", "name"]).agg(pl.col("i")).iter_rows():
            mask = np.zeros(t.n, bool)
            mask[np.asarray(idx, dtype=np.int64)] = True
            groups.append(((int(k), nm), mask))
    for (k, name), mask in groups:
        if k == NO_DATE:
            continue
        review_day = EPOCH + dt.timedelta(days=k // 2)
        round_type = "ad_hoc" if k % 2 else "periodic"
        explicit = standard if standard is not None else name
        if standard is None and name is not None and name not in _known(extra):
            t.household_error(mask, "standard", f"unknown standard {name!r}")
            continue
        try:
            std = select_standard(review_day, round_type, explicit, extra)
        except StandardError as exc:
            fld = "standard" if explicit is not None else "review_date"
            t.household_error(mask, fld, str(exc))
            continue
        if std.id not in index:
            index[std.id] = len(stds)
            stds.append(std)
        std_of[mask] = index[std.id]
        warnings += [(mask, w) for w in standard_warnings(std, review_day, round_type)]
    return stds, std_of, warnings


def _keys(review: np.ndarray, rounds: np.ndarray) -> np.ndarray:
    """Review day × 2 + 1 when ad hoc (``NO_DATE`` without a review date): one key per choice."""
    return np.where(review == NO_DATE, NO_DATE, review.astype(np.int64) * 2 + (rounds == 1))


def _known(extra: Mapping[str, Standard] | None) -> set[str]:
    # A row may name a national id or a standard the caller handed in, never a file path.
    return set(available_standards()) | set(extra or {})


def _given_flags(t: Tables, std: Standard, rows: np.ndarray, flags: dict[str, np.ndarray]) -> None:
    """Contract: ``deprivations`` given decide the indicators (unknown ids are an error)."""
    if not rows.any():
        return
    lists = t.deprivations
    ids = list(std.indicator_ids)
    unknown = lists.list.eval(~pl.element().is_in(ids)).list.any().fill_null(False).to_numpy()
    t.household_error(
        rows & unknown,
        "deprivations",
        f"unknown indicator for {std.id}; expected any of {', '.join(ids)}",
    )
    for ind in ids:
        col = flags.setdefault(ind, np.zeros(t.n, bool))
        col[rows] = lists.list.contains(ind).fill_null(False).to_numpy()[rows]


def is_missing(arr: np.ndarray) -> np.ndarray:
    if arr.dtype.kind == "f":
        missing: np.ndarray = np.isnan(arr)
    elif arr.dtype == np.int32:
        missing = arr == NO_DATE
    else:
        missing = arr == MISSING
    return missing


def _check_needs(t: Tables, std: Standard, rows: np.ndarray) -> None:
    """A fact the standard reads is required (for members: inside the indicator's target group)."""
    if not rows.any():
        return
    member_rows = t.per_member(rows) if t.m and not rows.all() else None
    gaps: dict[tuple[str, str], np.ndarray | None] = {}
    for spec in std.indicators:
        for need in indicators.get(spec.kind).requires(t, spec.params):
            key = (need.table, need.fact)
            if need.fact in t.complete[need.table]:
                continue  # no row lacks it
            if key not in gaps:
                col = t.h[need.fact] if need.table == "households" else t.mem[need.fact]
                missing = is_missing(col)
                gaps[key] = missing if missing.any() else None
            if gaps[key] is None:
                continue  # the fact is present on every row: nothing to check
            why = f"{need.fact} is required by indicator {spec.id} of {std.id}"
            if need.reason:
                why += f" ({need.reason})"
            # new arrays: gaps[key] serves every indicator that reads the fact
            needed = need.rows()
            if need.table == "households":
                mask = rows & gaps[key]
                if needed is not None:
                    mask &= needed
                t.household_error(mask, need.fact, why)
            else:
                mask = gaps[key] if member_rows is None else member_rows & gaps[key]
                if needed is not None:
                    mask = mask & needed
                t.member_error(mask, need.fact, why)
