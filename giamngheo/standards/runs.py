"""Members per household from the order of the members' household ids, without a join.

Members arrive grouped by household, in the households' order (the contract's layout); the
run lengths of their household ids are then the household sizes. The fast path compares
Arrow string views (16 bytes each) as two 64-bit words; any doubt falls back to Polars' ``rle``.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa

__all__ = ["run_lengths"]


def run_lengths(mid: pl.Series, hid: pl.Series, n: int) -> np.ndarray | None:
    """Members per household when members already come in runs in household order, else None."""
    if len(mid) <= 64:  # a handful of rows (one household): compare in Python, no query start-up
        ids, keys = mid.to_list(), hid.to_list()
        firsts = [i for i, v in enumerate(ids) if i == 0 or v != ids[i - 1]]
        if [ids[i] for i in firsts] != keys or None in keys:
            return None
        return np.diff(np.append(firsts, len(ids)))
    counts = _inline_run_lengths(mid, hid, n)
    if counts is not None:
        return counts
    runs = mid.rle()
    values = runs.struct.field("value")
    if len(values) == n and values.equals(hid, check_names=False):
        return runs.struct.field("len").to_numpy()
    return None


# Arrow string views (16 bytes: length, then the text when it fits in 12 bytes, zero-padded)
_INLINE = 12
_PAD_LO = np.array(
    [((1 << 64) - 1) ^ ((1 << (32 + 8 * k)) - 1) if k < 4 else 0 for k in range(_INLINE + 1)],
    np.uint64,
)
_PAD_HI = np.array(
    [((1 << 64) - 1) ^ ((1 << (8 * (k - 4))) - 1) if k >= 4 else (1 << 64) - 1 for k in range(13)],
    np.uint64,
)


def _views(s: pl.Series) -> list[np.ndarray] | None:
    """Each chunk's string views as (rows, 2) unsigned 64-bit words; None when not views or nulls."""
    if s.dtype != pl.String or s.null_count():
        return None
    out = []
    for chunk in s.to_frame().to_arrow(compat_level=pl.CompatLevel.newest()).column(0).chunks:
        if chunk.type != pa.string_view():
            return None
        words = np.frombuffer(chunk.buffers()[1], np.uint64).reshape(-1, 2)
        out.append(words[chunk.offset : chunk.offset + len(chunk)])
    return out


def _inline_run_lengths(mid: pl.Series, hid: pl.Series, n: int) -> np.ndarray | None:
    """``run_lengths`` over the ids' 16-byte string views, exact when the household ids fit inline.

    Equal views are equal strings. Household ids inline (≤ 12 bytes) with zero padding have one
    view per string, so adjacent ids that differ have views that differ. A run of equal member
    views whose first view is its household's id is that household's members; when every run is
    one, each member's id is its household's, exactly as ``rle`` says. Anything else: None.
    """
    hv, mv = _views(hid), _views(mid)
    if hv is None or mv is None or not hid.len() or not mid.len():
        return None
    h = hv[0] if len(hv) == 1 else np.concatenate(hv)
    lo, hi = h[:, 0], h[:, 1]
    length = lo.astype(np.uint32)
    shortest, longest = int(length.min()), int(length.max())
    if longest > _INLINE:
        return None
    if shortest == longest:  # ids of one length (codes): the padding is the same bits everywhere
        padded = bool((lo & _PAD_LO[longest]).any() or (hi & _PAD_HI[longest]).any())
    else:
        padded = bool(((lo & _PAD_LO[length]) | (hi & _PAD_HI[length])).any())
    if padded:
        return None  # padding that is not zero: views are not one per string
    if ((lo[1:] == lo[:-1]) & (hi[1:] == hi[:-1])).any():
        return None  # adjacent households with one id: members cannot be told apart by runs
    m = len(mid)
    new = np.empty(m, bool)
    new[0] = True
    pos = 0
    prev: np.ndarray | None = None
    for v in mv:
        k = len(v)
        if not k:
            continue
        a, b = v[:, 0], v[:, 1]
        seg = new[pos + 1 : pos + k]
        np.not_equal(a[1:], a[:-1], out=seg)
        seg |= b[1:] != b[:-1]
        if prev is not None:
            new[pos] = bool((v[0] != prev).any())
        prev = v[-1]
        pos += k
    starts = np.flatnonzero(new)
    if len(starts) != n:
        return None
    bounds = np.cumsum([0] + [len(v) for v in mv])
    at = np.searchsorted(starts, bounds)
    for j, v in enumerate(mv):
        local, mine = starts[at[j] : at[j + 1]] - bounds[j], slice(at[j], at[j + 1])
        if (v[:, 0].take(local) != lo[mine]).any() or (v[:, 1].take(local) != hi[mine]).any():
            return None
    return np.diff(np.append(starts, m))
