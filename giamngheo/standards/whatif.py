"""What-if counts: households re-classified under another standard, counted per unit and class.

Pure Python over the engine's vectorised input (the two tables :func:`classify_batch` takes), so
the what-if page and a national simulation over Parquet partitions share one core: each calls
:func:`whatif_counts` on a part and :func:`combine` sums the parts. Nothing here explains a
household; the classes come from :func:`engine.evaluate`, the same definitions every path runs.

A province may raise the income lines of a national standard, never lower them
(poverty-standards.md §0: "a province's own higher standard … overrides thresholds of a
national file"). :func:`line_problems` says what is wrong with proposed lines, as codes the
caller renders; :func:`raised_standard` builds the province's standard in the data-file format.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from giamngheo.standards.api import PARALLEL_FROM, _parts
from giamngheo.standards.engine import evaluate
from giamngheo.standards.records import records_to_frames
from giamngheo.standards.standard import (
    Standard,
    StandardError,
    load_standard,
    standard_warnings,
)
from giamngheo.standards.tables import build_tables
from giamngheo.standards.vocab import CLASSES, HOUSEHOLD_FIELDS, MEMBER_FIELDS

AREAS = ("rural", "urban")
LINE_FIELDS = ("poverty_line", "near_poor_line", "middle_upper")
# Households the engine could not classify (bad or missing facts) are counted, never dropped.
UNCLASSIFIED = "unclassified"
COUNT_CLASSES: tuple[str, ...] = (*CLASSES, UNCLASSIFIED)
ERRORS_KEPT = 20
# Class rules that read a single income line for poor and near-poor (Decree 07/2021 Art. 3,
# Decree 351/2025): their near-poor line is the poverty line, whatever a form says.
ONE_LINE_RULES = ("income_and_count",)


_DTYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "date": pl.String(),
    "enum": pl.String(),
    "number": pl.Float64(),
    "int": pl.Float64(),
    "bool": pl.Boolean(),
    "enum_list": pl.List(pl.String()),
    "str_list": pl.List(pl.String()),
}
_HOUSEHOLD_SCHEMA = {name: _DTYPES[kind] for name, (kind, _c) in HOUSEHOLD_FIELDS.items()}
_MEMBER_SCHEMA = {name: _DTYPES[kind] for name, (kind, _c) in MEMBER_FIELDS.items()}


def records_frames(records: list[dict[str, Any]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Contract records (members nested) to the two tables, typed by the contract's kinds.

    Stored facts were checked when they were entered, so their values already have the kinds the
    contract gives them and Polars builds the columns at once (about three times faster than
    :func:`records_to_frames`). Anything off-kind falls back to :func:`records_to_frames`,
    whose columns make the engine report the row and field.
    """
    try:
        households = pl.from_dicts(records, schema=_HOUSEHOLD_SCHEMA, strict=True)
        members = [
            {**m, "household_id": r.get("household_id")}
            for r in records
            for m in (r.get("members") or [])
        ]
        member_frame = pl.from_dicts(members, schema=_MEMBER_SCHEMA, strict=True)
    except (TypeError, ValueError, AttributeError, pl.exceptions.PolarsError):
        return records_to_frames(records)
    return households, member_frame


@dataclass(frozen=True)
class LineProblem:
    """One thing wrong with proposed lines: ``code`` with ``params``, at ``area``/``field``."""

    area: str
    field: str
    code: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def one_line(base: Standard) -> bool:
    return base.class_rule in ONE_LINE_RULES


def proposed_lines(
    base: Standard, lines: Mapping[str, Mapping[str, int | None]]
) -> dict[str, dict[str, int | None]]:
    """The lines that would apply: each value given, else the standard's own.

    Under a one-line rule the near-poor line follows the poverty line.
    """
    out: dict[str, dict[str, int | None]] = {}
    for area in AREAS:
        given = lines.get(area, {})
        own = base.lines[area]
        values = {key: given.get(key) for key in LINE_FIELDS}
        for key in LINE_FIELDS:
            if values[key] is None:
                values[key] = getattr(own, key)
        if one_line(base) and given.get("near_poor_line") is None:
            values["near_poor_line"] = values["poverty_line"]
        out[area] = values
    return out


def line_problems(
    base: Standard, lines: Mapping[str, Mapping[str, int | None]]
) -> list[LineProblem]:
    """Everything wrong with raising ``base``'s lines to ``lines`` (empty when they may apply).

    Codes: ``not_positive`` (a line is a whole number of VND above 0), ``below_national``
    (a province may only raise a line), ``one_line`` (the standard has one line for poor and
    near-poor), ``near_below_poverty``, ``upper_below_near``.
    """
    problems: list[LineProblem] = []
    for area in AREAS:
        for key in LINE_FIELDS:
            value = lines.get(area, {}).get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                problems.append(LineProblem(area, key, "not_positive", {"value": value}))
                continue
            national = getattr(base.lines[area], key)
            if national is not None and value < national:
                problems.append(
                    LineProblem(area, key, "below_national", {"value": value, "national": national})
                )
    if problems:
        return problems
    merged = proposed_lines(base, lines)
    for area in AREAS:
        v = merged[area]
        poverty, near, upper = v["poverty_line"], v["near_poor_line"], v["middle_upper"]
        assert poverty is not None and near is not None
        if one_line(base) and near != poverty:
            problems.append(LineProblem(area, "near_poor_line", "one_line", {"standard": base.id}))
        elif near < poverty:
            problems.append(
                LineProblem(
                    area, "near_poor_line", "near_below_poverty", {"near": near, "poverty": poverty}
                )
            )
        if upper is not None and upper < near:
            problems.append(
                LineProblem(
                    area, "middle_upper", "upper_below_near", {"upper": upper, "near": near}
                )
            )
    return problems


def raised_standard(
    base: Standard | str, lines: Mapping[str, Mapping[str, int | None]], *, std_id: str = ""
) -> Standard:
    """``base`` with the province's own lines (a standard with ``base``, as a province file is).

    Raises :class:`StandardError` naming the first problem; callers that show a form ask
    :func:`line_problems` first.
    """
    std = load_standard(base)
    national = std.base or std.id
    problems = line_problems(std, lines)
    if problems:
        p = problems[0]
        raise StandardError(f"income.{p.area}.{p.field}: {p.code} {dict(p.params)}")
    merged = proposed_lines(std, lines)
    income: dict[str, Any] = {
        area: {k: v for k, v in merged[area].items() if v is not None} for area in AREAS
    }
    data: dict[str, Any] = {
        "base": national,
        "id": std_id or f"{std.id}+raised",
        "title": f"{std.title} (province's own income lines)",
        "income": income,
    }
    return load_standard(data)


@dataclass(frozen=True)
class WhatIf:
    """Counts per unit and class (``households``, ``persons``), the standard, its warnings.

    ``counts`` has the columns ``unit``, ``class`` (one of :data:`COUNT_CLASSES`),
    ``households`` and ``persons``; ``errors`` keeps the first few households that could not be
    classified as ``(household_id, table, row, field, message)``.
    """

    standard: Standard
    warnings: list[dict[str, Any]]
    counts: pl.DataFrame
    errors: list[tuple[Any, str, int, str, str]] = dataclasses.field(default_factory=list)
    unclassified: int = 0

    def by_unit(self) -> dict[Any, dict[str, tuple[int, int]]]:
        """``{unit: {class: (households, persons)}}`` with every class present (zeros)."""
        out: dict[Any, dict[str, tuple[int, int]]] = {}
        for unit, klass, households, persons in self.counts.iter_rows():
            cell = out.setdefault(unit, {k: (0, 0) for k in COUNT_CLASSES})
            cell[klass] = (int(households), int(persons))
        return out

    def total(self) -> dict[str, tuple[int, int]]:
        """Every unit summed: ``{class: (households, persons)}``."""
        out = {k: (0, 0) for k in COUNT_CLASSES}
        summed = self.counts.group_by("class").agg(
            pl.col("households").sum(), pl.col("persons").sum()
        )
        for klass, households, persons in summed.iter_rows():
            out[klass] = (int(households), int(persons))
        return out


def _empty_counts(unit_dtype: pl.DataType) -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "unit": unit_dtype,
            "class": pl.String,
            "households": pl.Int64,
            "persons": pl.Int64,
        }
    )


def whatif_counts(
    households: pl.DataFrame,
    members: pl.DataFrame | None,
    *,
    standard: Standard | str,
    unit: str | pl.Series = "unit",
    review_date: dt.date | None = None,
    round_type: str = "periodic",
) -> WhatIf:
    """Classify every household under ``standard`` and count them per unit and class.

    ``unit`` is a column of ``households`` (or a Series, one value a household) naming the unit
    each household is counted in. ``review_date`` (with ``round_type``), when given, replaces
    the households' own: ages are counted on it and the warnings say whether ``standard`` is in
    force for it. The named standard always wins (:func:`select_standard`). Persons are the
    members listed (or ``size`` when deprivations are given without members).
    """
    std = load_standard(standard)
    units = households[unit] if isinstance(unit, str) else unit
    if len(units) != households.height:
        raise ValueError("one unit per household is needed")
    if review_date is not None:
        households = households.with_columns(
            pl.lit(review_date, dtype=pl.Date).alias("review_date"),
            pl.lit(round_type, dtype=pl.String).alias("round_type"),
        )
    day = review_date
    if households.height == 0:
        warnings = standard_warnings(std, day, round_type) if day is not None else []
        return WhatIf(std, warnings, _empty_counts(units.dtype))
    slices = _parts(households, members) if households.height >= PARALLEL_FROM else None
    if slices is None:
        parts = [_part(households, members, 1, 1, None, std)]
    else:
        # numpy and Polars release the GIL: the parts run on two cores.
        with ThreadPoolExecutor(max_workers=2) as pool:
            parts = list(pool.map(lambda a: _part(a[0], a[1], a[2], a[3], a[4], std), slices))
    klass = np.concatenate([p[0] for p in parts])
    persons = np.concatenate([p[1] for p in parts])
    errors = [e for p in parts for e in p[2]][:ERRORS_KEPT]
    warnings = parts[0][3]
    names = {i: name for i, name in enumerate(COUNT_CLASSES)}
    code = np.where(klass < 0, len(CLASSES), klass).astype(np.uint32)
    counts = (
        pl.DataFrame({"unit": units, "_code": code, "persons": persons})
        .group_by("unit", "_code")
        .agg(pl.len().cast(pl.Int64).alias("households"), pl.col("persons").sum())
        .sort("unit", "_code")
        .with_columns(pl.col("_code").replace_strict(names, return_dtype=pl.String).alias("class"))
        .select("unit", "class", "households", "persons")
    )
    unclassified = int((klass < 0).sum())
    return WhatIf(std, warnings, counts, errors, unclassified)


def _part(
    households: pl.DataFrame,
    members: pl.DataFrame | None,
    first: int,
    first_member: int,
    counts: np.ndarray | None,
    std: Standard,
) -> tuple[np.ndarray, np.ndarray, list[tuple[Any, str, int, str, str]], list[dict[str, Any]]]:
    t = build_tables(
        households, members, first_row=first, first_member_row=first_member, counts=counts
    )
    outcome = evaluate(t, std)
    size = t.h["size"]
    persons = np.where(t.size > 0, t.size, np.nan_to_num(size, nan=0.0)).astype(np.int64)
    ids = t.household_id
    errors = [
        (ids[i], e.table, e.row, e.field, e.message)
        for i, e in sorted(outcome.errors.items())[:ERRORS_KEPT]
    ]
    warnings: list[dict[str, Any]] = []
    seen: set[str] = set()
    for _rows, w in outcome.warnings:
        key = repr(sorted(w.get("params", {}).items()))
        if key not in seen:
            seen.add(key)
            warnings.append(w)
    return outcome.klass, persons, errors, warnings


def combine(parts: Iterable[WhatIf]) -> WhatIf:
    """Partitions' counts summed (the same standard on each; warnings and errors gathered)."""
    parts = list(parts)
    if not parts:
        raise ValueError("nothing to combine")
    counts = (
        pl.concat([p.counts for p in parts], how="vertical_relaxed")
        .group_by("unit", "class")
        .agg(pl.col("households").sum(), pl.col("persons").sum())
        .sort("unit", "class")
    )
    warnings: list[dict[str, Any]] = []
    for p in parts:
        warnings += [w for w in p.warnings if w not in warnings]
    errors = [e for p in parts for e in p.errors][:ERRORS_KEPT]
    return WhatIf(parts[0].standard, warnings, counts, errors, sum(p.unclassified for p in parts))
