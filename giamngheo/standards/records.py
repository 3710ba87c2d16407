"""Contract records (dicts, members nested) to the two tables the engine reads, and back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from giamngheo.standards.vocab import HOUSEHOLD_FIELDS, MEMBER_FIELDS


def records_to_frames(
    records: Iterable[Any], first_row: int = 1, first_member_row: int = 1
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Households and members frames; ``_row`` keeps input row numbers for error lines."""
    hh_cols: dict[str, list[Any]] = {name: [] for name in HOUSEHOLD_FIELDS}
    mem_cols: dict[str, list[Any]] = {name: [] for name in MEMBER_FIELDS}
    hh_rows: list[int] = []
    mem_rows: list[int] = []
    extra_members = first_member_row - 1
    for offset, rec in enumerate(records):
        rec = rec if isinstance(rec, Mapping) else {}
        hh_rows.append(first_row + offset)
        for name in HOUSEHOLD_FIELDS:
            hh_cols[name].append(rec.get(name))
        members = rec.get("members")
        if not isinstance(members, list):
            continue
        for member in members:
            member = member if isinstance(member, Mapping) else {}
            extra_members += 1
            mem_rows.append(extra_members)
            for name in MEMBER_FIELDS:
                mem_cols[name].append(member.get(name))
            mem_cols["household_id"][-1] = rec.get("household_id")
    households = pl.DataFrame(
        [_series(name, kind, hh_cols[name], ch) for name, (kind, ch) in HOUSEHOLD_FIELDS.items()]
        + [pl.Series("_row", hh_rows, dtype=pl.Int64)]
    )
    members_df = pl.DataFrame(
        [_series(name, kind, mem_cols[name], ch) for name, (kind, ch) in MEMBER_FIELDS.items()]
        + [pl.Series("_row", mem_rows, dtype=pl.Int64)]
    )
    return households, members_df


def _series(name: str, kind: str, values: list[Any], choices: tuple[str, ...] | None) -> pl.Series:
    """A column typed by content; anything off-type stays text so that decoding reports it."""
    present = [v for v in values if v is not None]
    if kind == "enum" and choices and all(isinstance(v, str) and v in choices for v in present):
        return pl.Series(name, values, dtype=pl.Enum(list(choices)))
    if (
        kind == "enum_list"
        and choices
        and all(
            isinstance(v, list) and all(isinstance(x, str) and x in choices for x in v)
            for v in present
        )
    ):
        return pl.Series(name, values, dtype=pl.List(pl.Enum(list(choices))))
    if kind == "date" and all(isinstance(v, str) for v in present):
        try:
            days = [None if v is None else dt.date.fromisoformat(v) for v in values]
        except ValueError:
            days = None
        if days is not None and all(len(v) == 10 for v in present):
            return pl.Series(name, days, dtype=pl.Date)
    if kind in ("number", "int") and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in present
    ):
        return pl.Series(name, values, dtype=pl.Float64)
    if kind == "bool" and all(isinstance(v, bool) for v in present):
        return pl.Series(name, values, dtype=pl.Boolean)
    if kind == "date" and all(
        isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in present
    ):
        return pl.Series(name, values, dtype=pl.Date)
    if kind in ("enum_list", "str_list"):
        if all(isinstance(v, list) for v in present):
            return pl.Series(
                name,
                [None if v is None else [str(x) for x in v] for v in values],
                dtype=pl.List(pl.String),
            )
        return pl.Series(name, [_text(v, list_sep=True) for v in values], dtype=pl.String)
    return pl.Series(name, [_text(v) for v in values], dtype=pl.String)


def _text(v: Any, list_sep: bool = False) -> str | None:
    if v is None:
        return None
    if list_sep and isinstance(v, list):
        return ";".join(str(x) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list | dict):
        return "\x00invalid"
    return str(v)
