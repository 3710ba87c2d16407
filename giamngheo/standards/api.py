"""The engine's public entry points (re-exported by :mod:`giamngheo.standards`)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import Any

import numpy as np
import polars as pl

from giamngheo.standards.decode import nulls
from giamngheo.standards.engine import Outcome, evaluate, resolve_standard
from giamngheo.standards.explain import output_line, render, render_warnings
from giamngheo.standards.explain_batch import explain_batch
from giamngheo.standards.records import records_to_frames
from giamngheo.standards.runs import run_lengths
from giamngheo.standards.standard import Standard, StandardError
from giamngheo.standards.tables import build_tables
from giamngheo.standards.version import ENGINE_VERSION
from giamngheo.standards.vocab import CLASSES

CLASS_DTYPE = pl.Enum(list(CLASSES))
_CLASS_VALUES = pl.Series("class", list(CLASSES), dtype=CLASS_DTYPE)


def classify_household(
    facts: Mapping[str, Any],
    *,
    standard: Standard | str | None = None,
    lang: str = "vi",
    extra: Mapping[str, Standard] | None = None,
) -> dict[str, Any]:
    """One household (contract input object) to its output line, or an error line.

    Runs the batch definitions on one-row tables, so it cannot disagree with
    :func:`classify_batch`.
    """
    return next(classify_records([facts], standard=standard, lang=lang, extra=extra))


def classify_records(
    records: Iterable[Mapping[str, Any]],
    *,
    standard: Standard | str | None = None,
    lang: str = "vi",
    extra: Mapping[str, Standard] | None = None,
    chunk_size: int = 20_000,
) -> Iterator[dict[str, Any]]:
    """Contract input objects (members nested) to output lines, in order, chunk by chunk."""
    std = resolve_standard(standard)
    it = iter(records)
    first_row = first_member_row = 1
    while chunk := list(islice(it, chunk_size)):
        households, members = records_to_frames(chunk, first_row, first_member_row)
        outcome = evaluate(build_tables(households, members), std, extra, keep_causes=True)
        yield from lines(outcome, lang)
        first_row += len(chunk)
        first_member_row += members.height


def classify_codes(
    records: Iterable[Mapping[str, Any]],
    *,
    standard: Standard | str | None = None,
    extra: Mapping[str, Standard] | None = None,
) -> list[dict[str, Any]]:
    """Contract input objects to output lines with codes only (``lang=None``), as a store keeps
    them, in one vectorised pass (``explain_batch``); error rows count the whole batch's tables."""
    households, members = records_to_frames(list(records))
    outcome = evaluate(
        build_tables(households, members), resolve_standard(standard), extra, keep_causes=True
    )
    return list(explain_batch(outcome).lines())


def lines(outcome: Outcome, lang: str | None = "vi") -> Iterator[dict[str, Any]]:
    starts = np.concatenate([[0], np.cumsum(outcome.t.size)])
    # One conversion of the member ids instead of a Series lookup per deprived member.
    ids = outcome.t.member_id
    member_ids = ids.to_list() if isinstance(ids, pl.Series) else list(ids)
    for i in range(outcome.t.n):
        yield output_line(outcome, i, lang, starts, member_ids)


def classify_batch(
    households: pl.DataFrame,
    members: pl.DataFrame | None,
    *,
    standard: Standard | str | None = None,
    explain: bool = False,
    lang: str | None = "vi",
    extra: Mapping[str, Standard] | None = None,
) -> pl.DataFrame:
    """Vectorised classification of a households table and a members table.

    Members are joined on ``household_id``; stored contiguously in household order they need
    no join. The result has one row per household, in order: ``household_id``, ``standard``,
    ``class``, ``deprivation_count``, one boolean column ``deprived_<indicator>`` per indicator
    of the standards used, the lines, ``warnings`` (JSON text of the output line's warnings,
    null when none: a standard named outside its dates) and ``error_table/row/field/message``. ``explain=True``
    adds ``deprived`` (list), ``deprived_members`` and ``explanation`` (JSON text) and
    ``explanation_text`` and ``warnings_text`` (lists, in ``lang``; ``lang=None`` skips rendering, which is most of
    the cost of ``explain`` when the explanation is stored as codes).
    """
    std = resolve_standard(standard)
    parts = _parts(households, members) if households.height >= PARALLEL_FROM else None
    if parts is None:
        t = build_tables(households, members)
        return outcome_frame(
            evaluate(t, std, extra, keep_causes=explain), explain=explain, lang=lang
        )

    def part(args: tuple[Any, ...]) -> pl.DataFrame:
        h, m, first, first_member, counts = args
        t = build_tables(h, m, first_row=first, first_member_row=first_member, counts=counts)
        return outcome_frame(
            evaluate(t, std, extra, keep_causes=explain), explain=explain, lang=lang
        )

    # numpy and Polars release the GIL: the parts run on two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return pl.concat(list(pool.map(part, parts)), how="diagonal_relaxed")


PARALLEL_FROM = 200_000  # households; below it one thread is as fast
# Households per part: a part's columns (a few MB) stay in the cores' caches, where a whole
# million's do not; parts much smaller pay the fixed cost of a pass too often.
PART_SIZE = 125_000


def _parts(households: pl.DataFrame, members: pl.DataFrame | None) -> list[tuple[Any, ...]] | None:
    """Slices of households with their members (at least two), when members come in household
    order: ``(households, members, first row, first member row, members per household)``."""
    if members is None or "_row" in households.columns or "_row" in members.columns:
        return None
    n = households.height
    hid = _as_text(households["household_id"])
    counts = run_lengths(_as_text(members["household_id"]), hid, n)
    if counts is None:
        return None
    k = max(2, -(-n // PART_SIZE))
    bounds = [n * j // k for j in range(k + 1)]
    starts = np.concatenate([[0], np.cumsum(counts)])
    out = []
    for a, b in itertools.pairwise(bounds):
        ma, mb = int(starts[a]), int(starts[b])
        out.append(
            (households.slice(a, b - a), members.slice(ma, mb - ma), a + 1, ma + 1, counts[a:b])
        )
    return out


def outcome_frame(o: Outcome, *, explain: bool = False, lang: str | None = "vi") -> pl.DataFrame:
    """Results as columns (no per-row Python unless ``explain``)."""
    t = o.t
    n = t.n
    ok = o.klass >= 0
    every = bool(ok.all())
    standard: pl.Series | pl.Expr
    if every and len(o.stds) == 1:
        standard = pl.lit(o.stds[0].id, dtype=pl.String)  # one value: a constant column
    else:
        names = pl.Series("standard", [s.id for s in o.stds] + [None], dtype=pl.String)
        standard = names.gather(np.where(ok, o.std_of, len(o.stds)))
    codes = o.klass if every else np.where(ok, o.klass, 0)
    data: dict[str, Any] = {
        "household_id": t.household_id,
        "class": _CLASS_VALUES.gather(codes.astype(np.uint32)).alias("class"),
        "deprivation_count": o.count,
    }
    for ind, flag in o.flags.items():
        data[f"deprived_{ind}"] = flag
    for name, arr in (
        ("poverty_line", o.line),
        ("near_poor_line", o.near),
        ("middle_upper", o.upper),
    ):
        nan = np.isnan(arr)
        if nan.all():
            data[name] = nulls(name, n, pl.Int64())
        elif nan.any():
            data[name] = pl.Series(name, arr).fill_nan(None).cast(pl.Int64)
        else:
            data[name] = pl.Series(name, arr.astype(np.int64))
    data.update(_error_columns(o))
    data["warnings"] = _warnings_column(o)
    order = ["household_id", "standard", *list(data)[1:], "engine_version"]
    # constants are scalar columns: one value, broadcast, nothing materialised per row
    version = pl.lit(ENGINE_VERSION, dtype=pl.String)
    out = pl.DataFrame(data).with_columns(standard=standard, engine_version=version).select(order)
    if not every:
        # Nothing that cannot be classified correctly gets a class (contract).
        bad = pl.col("error_field").is_not_null()
        nulled = ["class", "deprivation_count", "poverty_line", "near_poor_line", "middle_upper"]
        nulled += [f"deprived_{ind}" for ind in o.flags] + ["warnings"]
        out = out.with_columns(
            pl.when(bad).then(None).otherwise(pl.col(c)).alias(c) for c in nulled
        )
    if explain:
        out = out.with_columns(_explain_columns(o, lang))
        out = out.select([c for c in out.columns if c != "engine_version"] + ["engine_version"])
    return out


def _as_text(s: pl.Series) -> pl.Series:
    return s if s.dtype == pl.String else s.cast(pl.String, strict=False)


def _error_columns(o: Outcome) -> dict[str, pl.Series]:
    n = o.t.n
    cols = {
        "error_table": nulls("error_table", n, pl.String()),
        "error_row": nulls("error_row", n, pl.Int64()),
        "error_field": nulls("error_field", n, pl.String()),
        "error_message": nulls("error_message", n, pl.String()),
    }
    if o.errors:
        idx = pl.Series(list(o.errors), dtype=pl.Int64)
        errs = list(o.errors.values())
        for name, attr, dtype in (
            ("error_table", "table", pl.String),
            ("error_row", "row", pl.Int64),
            ("error_field", "field", pl.String),
            ("error_message", "message", pl.String),
        ):
            cols[name] = cols[name].scatter(
                idx, pl.Series([getattr(e, attr) for e in errs], dtype=dtype)
            )
    return {name: col.alias(name) for name, col in cols.items()}


def _warnings_column(o: Outcome) -> pl.Series:
    """Each row's warnings as JSON text (as in its output line), null when it has none.

    Rows sharing the same set of warnings share one string, so a million households named
    under one standard out of force cost one ``json.dumps``.
    """
    n = o.t.n
    if not o.warnings:
        return nulls("warnings", n, pl.String())
    key = np.zeros(n, np.int64)
    for bit, (rows, _w) in enumerate(o.warnings):
        key |= rows.astype(np.int64) << bit
    uniq, inverse = np.unique(key, return_inverse=True)
    texts = [
        None if k == 0 else _json([w for bit, (_r, w) in enumerate(o.warnings) if k >> bit & 1])
        for k in uniq.tolist()
    ]
    return pl.Series("warnings", texts, dtype=pl.String).gather(inverse.astype(np.uint32))


def _explain_columns(o: Outcome, lang: str | None) -> list[pl.Series]:
    out = list(explain_batch(o).lines())
    if lang:
        by_id = {s.id: s for s in o.stds}
        for line in out:
            if "error" not in line:
                std = by_id[line["standard"]]
                line["explanation_text"] = render(
                    line["explanation"], std, lang, line["deprived_members"]
                )
                line["warnings_text"] = render_warnings(line["warnings"], lang)
    return [
        pl.Series("deprived", [r.get("deprived") for r in out], dtype=pl.List(pl.String)),
        pl.Series(
            "deprived_members", [_json(r.get("deprived_members")) for r in out], dtype=pl.String
        ),
        pl.Series("explanation", [_json(r.get("explanation")) for r in out], dtype=pl.String),
        pl.Series(
            "explanation_text", [r.get("explanation_text") for r in out], dtype=pl.List(pl.String)
        ),
        pl.Series(
            "warnings_text", [r.get("warnings_text") or None for r in out], dtype=pl.List(pl.String)
        ),
    ]


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


__all__ = [
    "StandardError",
    "classify_batch",
    "classify_codes",
    "classify_household",
    "classify_records",
]
