"""Alkire–Foster counting measures (Alkire & Foster 2011, J. Public Economics 95: 476–487).

Conventions (spec poverty-standards.md §7): weights sum to 1; a unit is poor when its weighted
deprivation score is at least ``k``; censored headcount ratios are shares of the whole
population; an indicator's contribution is weight × censored headcount ÷ M0 (shares summing
to 1). ``unit_weights`` (e.g. household sizes) turn household rows into person-level figures.
These are analytics beside the official classes, never a substitute for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

# Weighted scores are sums of floats: 3 × (1/12) is 0.24999999999999997, which must still reach
# k = 3/12. Scores within this tolerance of k count as reaching it.
SCORE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Measures:
    """AF figures for one population (the whole, or one group of ``by_group``)."""

    H: float
    A: float
    M0: float
    censored_headcounts: np.ndarray
    contributions: np.ndarray
    population_share: float = 1.0
    by_group: dict[Any, Measures] = field(default_factory=dict)


def measures(
    deprivations: Any,
    weights: Sequence[float] | np.ndarray,
    k: float,
    *,
    unit_weights: Sequence[float] | np.ndarray | None = None,
    groups: Sequence[Any] | np.ndarray | pl.Series | None = None,
) -> Measures:
    """H, A, M0, censored headcounts and contributions, overall and per group.

    ``deprivations``: 0/1 matrix, one row per unit (list of lists, numpy array or Polars
    frame, columns in indicator order). ``k``: share of the weighted score (0 < k ≤ 1).
    Population-weighted group M0s sum to the total M0.
    """
    x = _matrix(deprivations)
    w = np.asarray(weights, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != len(w):
        raise ValueError(
            f"deprivations have {x.shape[-1] if x.ndim == 2 else '?'} columns, weights {len(w)}"
        )
    # np.isclose(sum, 1, atol=1e-9) written out (its default rtol is 1e-5)
    if not abs(float(w.sum()) - 1.0) <= 1e-9 + 1e-5 or (w < 0).any():
        raise ValueError("weights must be non-negative and sum to 1")
    if not 0 < k <= 1:
        raise ValueError("k must be in (0, 1]")
    if not _zeros_and_ones(x):
        raise ValueError("deprivations must be 0 or 1")
    n, d = x.shape
    uw = np.ones(n) if unit_weights is None else np.asarray(unit_weights, dtype=np.float64)
    if uw.shape != (n,) or (uw < 0).any():
        raise ValueError("unit_weights must be one non-negative number per row")
    labels = None
    if groups is not None:
        labels = np.asarray(
            groups.to_list() if isinstance(groups, pl.Series) else groups, dtype=object
        )
        if labels.shape != (n,):
            raise ValueError("groups must give one label per row")
    if d > MAX_PATTERN_BITS:
        return _direct(x.astype(np.float64), w, k, uw, labels)
    # Units with the same deprivation profile have the same score: sum unit weights per profile
    # (at most 2^d of them) and compute everything on profiles; one pass over the units.
    code = _profile_codes(x)
    profiles = ((np.arange(1 << d)[:, None] >> np.arange(d)) & 1).astype(np.float64)
    total_mass = uw.sum()
    total = _figures(profiles, w, k, np.bincount(code, weights=uw, minlength=1 << d), total_mass)
    if labels is None:
        return total
    keys, inverse = _group_index(labels)
    mass = np.bincount(inverse * (1 << d) + code, weights=uw, minlength=len(keys) << d)
    mass = mass.reshape(len(keys), 1 << d)
    by_group = {key: _figures(profiles, w, k, mass[j], total_mass) for j, key in enumerate(keys)}
    return Measures(
        total.H, total.A, total.M0, total.censored_headcounts, total.contributions, 1.0, by_group
    )


MAX_PATTERN_BITS = 16


def _zeros_and_ones(x: np.ndarray) -> bool:
    """Every entry is 0 or 1 (one reduction over the bytes for booleans and 8-bit integers)."""
    if x.dtype.kind == "b":
        return True
    if x.dtype.kind in "iu" and x.dtype.itemsize == 1:
        return not x.size or int(x.view(np.uint8).max()) <= 1  # -1 reads as 255
    if x.dtype.kind in "iu":
        return not x.size or (int(x.min()) >= 0 and int(x.max()) <= 1)
    return bool(((x == 0) | (x == 1)).all())


def _profile_codes(x: np.ndarray) -> np.ndarray:
    """Each row's 0/1 profile as an integer (bit j = indicator j), one column at a time."""
    n, d = x.shape  # d ≤ MAX_PATTERN_BITS = 16
    code = np.zeros(n, np.uint16)
    column = np.empty(n, np.uint16)
    for j in range(d):
        np.left_shift(x[:, j], j, out=column, dtype=np.uint16, casting="unsafe")  # 0 or 1 << j
        code |= column
    return code


def _group_index(labels: np.ndarray) -> tuple[list[Any], np.ndarray]:
    text = labels.astype(str)
    uniq, first, inverse = np.unique(text, return_index=True, return_inverse=True)
    return [labels[i] for i in first], inverse


def _direct(
    x: np.ndarray, w: np.ndarray, k: float, uw: np.ndarray, labels: np.ndarray | None
) -> Measures:
    """Many indicators: per-unit computation (each unit is its own profile)."""
    total = _figures(x, w, k, uw, uw.sum())
    if labels is None:
        return total
    keys, inverse = _group_index(labels)
    by_group = {
        key: _figures(x[inverse == j], w, k, uw[inverse == j], uw.sum())
        for j, key in enumerate(keys)
    }
    return Measures(
        total.H, total.A, total.M0, total.censored_headcounts, total.contributions, 1.0, by_group
    )


def _matrix(deprivations: Any) -> np.ndarray:
    if isinstance(deprivations, pl.DataFrame):
        return deprivations.cast(pl.Float64).to_numpy()
    x = np.asarray(deprivations)
    return x if x.dtype.kind in "biuf" else x.astype(np.float64)


def _figures(
    x: np.ndarray, w: np.ndarray, k: float, mass_of: np.ndarray, population: float
) -> Measures:
    """Figures over rows ``x`` (units or profiles) carrying ``mass_of`` weight each."""
    mass = mass_of.sum()
    if mass == 0:
        zeros = np.zeros(len(w))
        return Measures(0.0, 0.0, 0.0, zeros, zeros, 0.0)
    score = np.einsum("ij,j->i", x, w)
    pw = mass_of * (score >= k - SCORE_TOLERANCE)
    poor_mass = pw.sum()
    H = poor_mass / mass
    A = float(np.dot(pw, score) / poor_mass) if poor_mass > 0 else 0.0
    censored = np.einsum("i,ij->j", pw, x) / mass
    M0 = float(np.dot(censored, w))
    contributions = w * censored / M0 if M0 > 0 else np.zeros(len(w))
    return Measures(float(H), A, M0, censored, contributions, float(mass / population))
