"""Year, month and day of day numbers, for whole columns of birth and review dates.

numpy's calendar conversions cost far more than a slice, so the days from 1850 to 2149 are
converted once per process and looked up.
"""

from __future__ import annotations

import numpy as np

__all__ = ["calendar_of", "civil_from_days", "civil_span"]


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of days since 1970-01-01, vectorised (numpy's calendar conversions)."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    y = d.astype("datetime64[Y]").astype(np.int32) + 1970
    m = months.astype(np.int32) % 12 + 1
    day = (d - months).astype(np.int32) + 1
    return y, m, day


# Year, month and day of every day from 1850 to 2149, computed once (numpy's calendar
# conversions cost far more than a slice): birth and review dates fall inside it.
_CAL_FIRST = int(np.datetime64("1850-01-01", "D").astype(np.int64))
_CAL_LAST = int(np.datetime64("2149-12-31", "D").astype(np.int64))
_CAL: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []


def civil_span(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``civil_from_days(np.arange(lo, hi + 1))``, sliced from a table kept for the process."""
    if lo < _CAL_FIRST or hi > _CAL_LAST:
        return civil_from_days(np.arange(lo, hi + 1))
    if not _CAL:
        table = civil_from_days(np.arange(_CAL_FIRST, _CAL_LAST + 1))
        for arr in table:
            arr.flags.writeable = False
        _CAL.append(table)
    start = lo - _CAL_FIRST
    y, m, d = _CAL[0]
    return (
        y[start : start + hi - lo + 1],
        m[start : start + hi - lo + 1],
        d[start : start + hi - lo + 1],
    )


def calendar_of(days: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of each day number, by lookup over the span of the input."""
    n = len(days)
    if not valid.any():
        return np.zeros(n, np.int32), np.zeros(n, np.int32), np.zeros(n, np.int32)
    lo, hi = int(days[valid].min()), int(days[valid].max())
    y, m, d = civil_span(lo, hi)
    idx = days - lo
    if not valid.all():
        idx = np.where(valid, idx, 0)
    return y.astype(np.int32)[idx], m.astype(np.int32)[idx], d.astype(np.int32)[idx]
