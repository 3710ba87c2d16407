"""Structured explanations for a whole batch, as columns: one row per explanation item.

:func:`explain_batch` lays out, with numpy over the outcome's columns, which items every
household's explanation holds and in which order (the income, deprivations given, each deprived
indicator — one item per member concerned — and the class rule): a code, the indicator, the
member row and the household's rule, as columns. The parameters stay where they already are
(the coded household and member columns, the lines, the counts); :meth:`Explanations.items`
turns one household's rows into the contract's ``explanation`` list when something stores or
shows it. The result is exactly :func:`giamngheo.standards.explain.output_line`'s (tests check
it on random households), without its per-household loop over the standards' indicators.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from giamngheo.standards import indicators
from giamngheo.standards.engine import Outcome
from giamngheo.standards.explain import decode
from giamngheo.standards.standard import IndicatorSpec, Standard
from giamngheo.standards.version import ENGINE_VERSION
from giamngheo.standards.vocab import CLASSES

CODES = (
    "income_at_or_below_line",
    "income_above_line",
    "income_in_middle_band",
    "income_above_middle_band",
    "income_at_or_below_poverty_line",
    "income_between_lines",
    "deprivations_given",
    "deprived",
    "deprived_given",
    "deprived_share",
    "deprived_member",
    "class_rule",
)
(
    AT_OR_BELOW_LINE,
    ABOVE_LINE,
    MIDDLE_BAND,
    ABOVE_MIDDLE_BAND,
    AT_OR_BELOW_POVERTY_LINE,
    BETWEEN_LINES,
    DEPRIVATIONS_GIVEN,
    DEPRIVED,
    DEPRIVED_GIVEN,
    DEPRIVED_SHARE,
    DEPRIVED_MEMBER,
    CLASS_RULE,
) = range(len(CODES))
RULES = (
    "poor_by_income",
    "poor_by_count",
    "near_poor_by_count",
    "middle_band",
    "above_band",
    "above_line_no_band",
)
# Which line each income code names (the middle band's upper one aside).
_INCOME_PARAMS = {
    AT_OR_BELOW_LINE: ("line",),
    ABOVE_LINE: ("line",),
    MIDDLE_BAND: ("line", "upper"),
    ABOVE_MIDDLE_BAND: ("upper",),
    AT_OR_BELOW_POVERTY_LINE: ("line",),
    BETWEEN_LINES: ("line", "near"),
}
_MIDDLE_CODES = (MIDDLE_BAND, ABOVE_MIDDLE_BAND)


@dataclass
class Explanations:
    """Every household's structured explanation as item rows (see the module's docstring).

    Household ``i``'s items are rows ``offsets[i]:offsets[i + 1]`` (none on an error line);
    ``code`` indexes :data:`CODES`, ``spec`` indexes :attr:`specs` (-1: no indicator),
    ``member`` is the member's row in the outcome's member table (-1: none). Per household,
    ``rule`` indexes :data:`RULES` and ``shown_line`` is the line the income item names.
    """

    o: Outcome
    offsets: np.ndarray
    code: np.ndarray
    spec: np.ndarray
    member: np.ndarray
    rule: np.ndarray
    shown_line: np.ndarray
    specs: list[tuple[Standard, IndicatorSpec]]
    deprived_bits: np.ndarray
    causes_offsets: np.ndarray
    causes_spec: np.ndarray
    causes_member: np.ndarray
    _py: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    _sets: dict[tuple[int, int], tuple[list[str], list[str]]] = field(
        default_factory=dict, repr=False
    )

    @property
    def n(self) -> int:
        return self.o.t.n

    def _columns(self) -> dict[str, list[Any]]:
        """The columns as Python values, converted once for all households."""
        if self._py:
            return self._py
        o, t = self.o, self.o.t
        hid, ids = t.household_id, t.member_id
        nullable = {"line": o.line, "near": o.near, "upper": o.upper, "shown": self.shown_line}
        self._py.update(
            {
                "household_id": hid.to_list() if isinstance(hid, pl.Series) else list(hid),
                "member_id": [
                    str(v) for v in (ids.to_list() if isinstance(ids, pl.Series) else ids)
                ],
                "income": [
                    int(v) if v.is_integer() else v
                    for v in t.h["income_per_capita_month"].astype(np.float64).tolist()
                ],
                **{
                    k: [None if v != v else int(v) for v in a.tolist()] for k, a in nullable.items()
                },
                "size": [int(v) for v in indicators.effective_size(t).tolist()],
                "members": t.size.tolist(),
                "age": t.mem["_age"].astype(np.int64).tolist(),
                "offsets": self.offsets.tolist(),
                "code": self.code.tolist(),
                "spec": self.spec.tolist(),
                "member": self.member.tolist(),
                "rule": self.rule.tolist(),
                "count": o.count.tolist(),
                "klass": o.klass.tolist(),
                "std_of": o.std_of.tolist(),
                "bits": self.deprived_bits.tolist(),
                "causes_offsets": self.causes_offsets.tolist(),
                "causes_spec": self.causes_spec.tolist(),
                "causes_member": self.causes_member.tolist(),
            }
        )
        return self._py

    def items(self, i: int) -> list[dict[str, Any]]:
        """Household ``i``'s ``explanation`` list, as :func:`output_line` gives it."""
        py = self._columns()
        offsets, codes, specs, members = py["offsets"], py["code"], py["spec"], py["member"]
        out: list[dict[str, Any]] = []
        for r in range(offsets[i], offsets[i + 1]):
            c = codes[r]
            if c <= BETWEEN_LINES:
                out.append(self._income_item(py, i, c))
            elif c == DEPRIVATIONS_GIVEN:
                out.append({"code": CODES[c], "params": {"count": py["count"][i]}})
            elif c == CLASS_RULE:
                out.append(self._class_item(py, i))
            else:
                out.append(self._indicator_item(py, i, c, self.specs[specs[r]][1], members[r]))
        return out

    def _income_item(self, py: dict[str, list[Any]], i: int, c: int) -> dict[str, Any]:
        params: dict[str, Any] = {"income": py["income"][i]}
        for key in _INCOME_PARAMS[c]:
            params[key] = py["shown" if key == "line" else key][i]
        std = self.o.stds[py["std_of"][i]]
        article = std.middle_article if c in _MIDDLE_CODES else std.income_article
        return {"code": CODES[c], "params": params, "article": article}

    def _class_item(self, py: dict[str, list[Any]], i: int) -> dict[str, Any]:
        std = self.o.stds[py["std_of"][i]]
        return {
            "code": "class_rule",
            "params": {
                "class": CLASSES[py["klass"][i]],
                "rule": RULES[py["rule"][i]],
                "count": py["count"][i],
                "threshold": std.threshold,
            },
            "article": std.class_article,
        }

    def _indicator_item(
        self, py: dict[str, list[Any]], i: int, c: int, spec: IndicatorSpec, j: int
    ) -> dict[str, Any]:
        item: dict[str, Any] = {"code": CODES[c], "indicator": spec.id, "article": spec.article}
        if c == DEPRIVED_GIVEN:
            item["params"] = {}
        elif c == DEPRIVED:
            item["params"] = self._household_evidence(py, i, spec)
        elif c == DEPRIVED_SHARE:
            item["params"] = {
                "dependants": len(self.deprived_members(i)[spec.id]),
                "members": py["members"][i],
                "max_share": spec.params["max_share"],
            }
        else:
            item["member"] = py["member_id"][j]
            params: dict[str, Any] = {"age": py["age"][j]}
            mem = self.o.t.mem
            for f in spec.member_facts:
                params[f] = decode("members", f, mem[f][j])
            item["params"] = params
        return item

    def _household_evidence(
        self, py: dict[str, list[Any]], i: int, spec: IndicatorSpec
    ) -> dict[str, Any]:
        h = self.o.t.h
        params = {f: decode("households", f, h[f][i]) for f in spec.household_facts}
        if spec.kind == "housing_area":
            size = py["size"][i]
            params["size"] = size
            params["m2_per_person"] = (
                round(float(h["floor_area_m2"][i]) / size, 2) if size else None
            )
        return params

    def _deprived_sets(self, i: int) -> tuple[list[str], list[str]]:
        """The deprived indicators, and those of them computed from members (by bit set)."""
        py = self._columns()
        key = (py["std_of"][i], py["bits"][i])
        if key not in self._sets:
            std = self.o.stds[key[0]]
            chosen = [spec for k, spec in enumerate(std.indicators) if key[1] >> k & 1]
            self._sets[key] = (
                [spec.id for spec in chosen],
                [s.id for s in chosen if indicators.get(s.kind).level == "member"],
            )
        return self._sets[key]

    def deprived(self, i: int) -> list[str]:
        """The household's deprived indicators, in its standard's order."""
        return list(self._deprived_sets(i)[0])

    def deprived_members(self, i: int) -> dict[str, list[str]]:
        """Per member-level indicator computed (not given), the members who cause it."""
        if self.o.given[i]:
            return {}
        py = self._columns()
        out: dict[str, list[str]] = {ind: [] for ind in self._deprived_sets(i)[1]}
        offsets, specs, members, ids = (
            py["causes_offsets"],
            py["causes_spec"],
            py["causes_member"],
            py["member_id"],
        )
        for r in range(offsets[i], offsets[i + 1]):
            out[self.specs[specs[r]][1].id].append(ids[members[r]])
        return out

    def line(self, i: int) -> dict[str, Any]:
        """The contract's output line for household ``i`` with codes only (``lang=None``)."""
        o = self.o
        py = self._columns()
        hid = py["household_id"][i]
        if i in o.errors:
            return {"household_id": hid, "error": o.errors[i].as_dict()}
        return {
            "household_id": hid,
            "standard": o.stds[py["std_of"][i]].id,
            "class": CLASSES[py["klass"][i]],
            "deprived": self.deprived(i),
            "deprivation_count": py["count"][i],
            "deprived_members": self.deprived_members(i),
            "poverty_line": py["line"][i],
            "near_poor_line": py["near"][i],
            "middle_upper": py["upper"][i],
            "engine_version": ENGINE_VERSION,
            "explanation": self.items(i),
            "explanation_text": None,
            "warnings": o.warnings_of(i) if o.warnings else [],
            "warnings_text": None,
        }

    def lines(self) -> Iterator[dict[str, Any]]:
        for i in range(self.n):
            yield self.line(i)

    def frame(self) -> pl.DataFrame:
        """The items as a table: household, position, code, indicator, article, member id."""
        hh = np.repeat(np.arange(self.n), np.diff(self.offsets))
        position = np.arange(len(self.code)) - self.offsets[hh]
        names = [s.id for _std, s in self.specs] + [None]
        hid, member_ids = self.o.t.household_id, self.o.t.member_id
        if not isinstance(member_ids, pl.Series):
            member_ids = pl.Series(member_ids, dtype=pl.String)
        has_member = self.member >= 0
        return pl.DataFrame(
            {
                "household_id": pl.Series(
                    "household_id", list(hid) if not isinstance(hid, pl.Series) else hid
                ).gather(hh),
                "position": position,
                "code": pl.Series(CODES, dtype=pl.Enum(list(CODES))).gather(self.code),
                "indicator": pl.Series(names, dtype=pl.String).gather(
                    np.where(self.spec >= 0, self.spec, len(self.specs))
                ),
                "member_id": member_ids.cast(pl.String)
                .gather(np.where(has_member, self.member, 0))
                .set(pl.Series(~has_member), None)
                if len(member_ids)
                else pl.Series([None] * len(self.code), dtype=pl.String),
            }
        )


def explain_batch(o: Outcome) -> Explanations:
    """Lay out every household's explanation items with array operations (see the module).

    ``o`` must come from ``evaluate(..., keep_causes=True)``.
    """
    t = o.t
    n = t.n
    ok = o.klass >= 0
    given = o.given & ok
    income = t.h["income_per_capita_month"] if n else np.zeros(0)
    line, near, upper = o.line, o.near, o.upper
    no_upper = np.isnan(upper)
    with np.errstate(invalid="ignore"):
        below_line, below_near, below_upper = income <= line, income <= near, income <= upper
    income_code = np.full(n, -1, np.int8)
    shown_line = line.copy()
    alone = np.zeros(n, bool)
    specs: list[tuple[Standard, IndicatorSpec]] = []
    bits = np.zeros(n, np.int64)
    # member-level indicators computed from members: (spec index, member rows causing them)
    member_causes: list[tuple[int, np.ndarray]] = []
    # (spec index, households with one item, households with member items, member causes)
    blocks: list[tuple[int, np.ndarray, np.ndarray, np.ndarray | None]] = []
    for s, std in enumerate(o.stds):
        rows = ok & (o.std_of == s)
        if std.class_rule == "income_alone_then_count":
            alone |= rows
            code = np.select(
                [below_line, below_near, no_upper, below_upper],
                [AT_OR_BELOW_POVERTY_LINE, BETWEEN_LINES, ABOVE_LINE, MIDDLE_BAND],
                ABOVE_MIDDLE_BAND,
            )
            shown_line[rows] = np.where(below_line | below_near, line, near)[rows]
        else:
            code = np.select(
                [below_line, no_upper, below_upper],
                [AT_OR_BELOW_LINE, ABOVE_LINE, MIDDLE_BAND],
                ABOVE_MIDDLE_BAND,
            )
        income_code[rows] = code[rows]
        first = len(specs)
        for spec in std.indicators:
            g = len(specs)
            specs.append((std, spec))
            flagged = rows & o.flags[spec.id]
            if not flagged.any():
                continue
            bits |= flagged.astype(np.int64) << (g - first)
            level = indicators.get(spec.kind).level
            computed = flagged & ~given
            cause = None
            if level == "member":
                cause = o.causes[(std.id, spec.id)] & computed[t.member_hh]
                member_causes.append((g, cause))
            if level == "household" or spec.kind == "dependency_ratio":
                blocks.append((g, flagged, np.zeros(n, bool), None))
                continue
            assert cause is not None
            blocks.append((g, flagged & given, computed, cause))
    klass = o.klass
    rule = np.select(
        [
            ((klass == 0) | (klass == 1)) & alone & below_line,
            klass == 0,
            klass == 1,
            klass == 2,
            no_upper,
        ],
        [0, 1, 2, 3, 5],
        4,
    ).astype(np.int8)
    rule[~ok] = -1

    # How many items each household has, then where each block's items go.
    per_block = []
    total = np.where(ok, 2 + given, 0).astype(np.int64)
    for _g, single, computed, cause in blocks:
        many = t.seg_count(cause) if cause is not None else None
        count = single.astype(np.int64)
        if many is not None:
            count = count + np.where(computed, many, 0)
        total += count
        per_block.append(count)
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(total, out=offsets[1:])
    size = int(offsets[-1])
    code_col = np.full(size, -1, np.int8)
    spec_col = np.full(size, -1, np.int16)
    member_col = np.full(size, -1, np.int64)
    start = offsets[:-1]
    code_col[start[ok]] = income_code[ok]
    code_col[offsets[1:][ok] - 1] = CLASS_RULE
    code_col[start[given] + 1] = DEPRIVATIONS_GIVEN
    running = start + 1 + given
    for (g, single, _computed, cause), count in zip(blocks, per_block, strict=True):
        at = running[single]
        spec_col[at] = g
        kind = specs[g][1].kind
        if cause is None:
            code_col[at] = DEPRIVED_SHARE if kind == "dependency_ratio" else DEPRIVED
        else:
            code_col[at] = np.where(given[single], DEPRIVED_GIVEN, DEPRIVED)
            j = np.flatnonzero(cause)
            if len(j):
                hh = t.member_hh[j]
                starts = np.flatnonzero(np.r_[True, hh[1:] != hh[:-1]])
                rank = np.arange(len(j)) - np.repeat(starts, np.diff(np.r_[starts, len(j)]))
                pos = running[hh] + rank
                code_col[pos] = DEPRIVED_MEMBER
                spec_col[pos] = g
                member_col[pos] = j
        running = running + count
    # Given households carry "deprived_given" for household-level indicators too.
    if given.any():
        on_given = given[np.repeat(np.arange(n), np.diff(offsets))]
        code_col[on_given & ((code_col == DEPRIVED) | (code_col == DEPRIVED_SHARE))] = (
            DEPRIVED_GIVEN
        )
    causes_offsets, causes_spec, causes_member = _causes_layout(t, member_causes)
    return Explanations(
        o,
        offsets,
        code_col,
        spec_col,
        member_col,
        rule,
        shown_line,
        specs,
        bits,
        causes_offsets,
        causes_spec,
        causes_member,
    )


def _causes_layout(
    t: Any, member_causes: list[tuple[int, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Members causing each member-level indicator, household by household, in the standard's
    indicator order and the household's member order (as ``deprived_members`` lists them)."""
    if not member_causes:
        return np.zeros(t.n + 1, np.int64), np.zeros(0, np.int16), np.zeros(0, np.int64)
    rows = [np.flatnonzero(cause) for _g, cause in member_causes]
    member = np.concatenate(rows)
    spec = np.concatenate(
        [np.full(len(r), g, np.int16) for (g, _c), r in zip(member_causes, rows, strict=True)]
    )
    order = np.lexsort((member, spec, t.member_hh[member]))
    member, spec = member[order], spec[order]
    offsets = np.zeros(t.n + 1, np.int64)
    np.cumsum(np.bincount(t.member_hh[member], minlength=t.n), out=offsets[1:])
    return offsets, spec, member
