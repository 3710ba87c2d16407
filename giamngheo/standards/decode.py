"""Decoding the contract's columns into small integer codes, once, for every rule to read.

Enums become codes (-1 = absent, -2 = unknown value), booleans int8 (-1 = absent), numbers
float64 (NaN = absent), dates int32 days since 1970 (``NO_DATE`` = absent), ``info_devices`` a
bit mask. Columns already in the contract's dtypes (as Parquet gives them back) are copied from
their Arrow buffers; text (CSV, Excel, loose JSON) is parsed and anything invalid is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from giamngheo.standards.vocab import INFO_DEVICES

MISSING = -1
UNKNOWN = -2
NO_DATE = np.iinfo(np.int32).min

Report = Callable[[str, np.ndarray, str, str], None]
"""``report(table, bad_rows, field, message)``: record an input error."""


def col(df: pl.DataFrame, name: str, length: int | None = None) -> pl.Series:
    """A column, or an all-null one when the table lacks it (an Arrow null array: no query)."""
    if name in df.columns:
        return df[name]
    return nulls(name, df.height if length is None else length, pl.Null())


def nulls(name: str, n: int, dtype: pl.DataType) -> pl.Series:
    """An all-null column of ``n`` rows (one value repeated, no query)."""
    return pl.Series(name, [None], dtype=dtype).new_from_index(0, n)


def str_list(s: pl.Series) -> pl.Series:
    """A list column from a list or a ``;``-joined text column (CSV and Excel)."""
    if s.dtype == pl.String:
        return (
            s.str.split(";")
            .list.eval(pl.element().str.strip_chars())
            .list.eval(pl.element().filter(pl.element() != ""))
        )
    if s.dtype == pl.Null or s.dtype == pl.List(pl.String):
        return s  # all absent, or already text lists
    return s.cast(pl.List(pl.String))


def decode_table(
    report: Report,
    table: str,
    df: pl.DataFrame,
    fields: dict[str, Any],
    length: int,
    complete: set[str] | None = None,
) -> dict[str, np.ndarray]:
    """Decode every field; columns already in the contract's dtypes are read straight from Arrow.

    Those, and absent columns, cannot hold an invalid value, so they are decoded only when a
    rule first reads them (``Deferred``); text columns are parsed now, to report what is wrong.
    """
    out: dict[str, Any] = {}
    for name, (kind, values) in fields.items():
        if kind in ("str", "str_list"):
            continue
        if name not in df.columns:
            out[name] = Deferred(partial(_decode, report, table, df, name, kind, values, length))
            continue
        series = df[name]
        if _is_direct(series.dtype, kind, values):
            if complete is not None and not series.null_count():
                complete.add(name)  # nothing absent: required-fact checks can skip the column
            out[name] = Deferred(partial(_direct, series, kind, values))
        else:
            out[name] = _decode(report, table, df, name, kind, values, length)
    return out


class Deferred:
    """A column computed on first use (see ``Columns``), once."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._compute = compute
        self._value: Any = None

    def compute(self) -> Any:
        if self._value is None:
            self._value = self._compute()
        return self._value


class Columns(dict[str, "np.ndarray | Deferred"]):
    """Coded columns; a ``Deferred`` entry is computed when a rule first reads it."""

    def __getitem__(self, key: str) -> np.ndarray:
        value = super().__getitem__(key)
        if isinstance(value, Deferred):
            computed: np.ndarray = value.compute()
            self[key] = computed
            return computed
        return value


def _is_direct(dtype: Any, kind: str, values: Any) -> bool:
    if kind == "enum":
        return isinstance(dtype, pl.Enum) and dtype.categories.to_list() == list(values)
    if kind == "bool":
        return bool(dtype == pl.Boolean)
    if kind in ("number", "int"):
        return dtype in (pl.Float64, pl.Int64, pl.Int32, pl.Float32)
    return kind == "date" and dtype == pl.Date


def _direct(s: pl.Series, kind: str, values: Any) -> np.ndarray | None:
    """Contract dtypes (as read back from Parquet) hold no invalid value: copy the Arrow buffers."""
    dtype = s.dtype
    if kind == "enum" and isinstance(dtype, pl.Enum) and dtype.categories.to_list() == list(values):
        if s.null_count() and s.to_physical().dtype == pl.UInt8:
            return _with_missing(s.to_physical())  # nulls filled in one pass, no bit masks
        arr = s.to_arrow().indices
        fill: Any = MISSING
    elif kind == "bool" and dtype == pl.Boolean:
        arr, fill = s.to_arrow(), MISSING
    elif kind in ("number", "int") and dtype in (pl.Float64, pl.Int64, pl.Int32, pl.Float32):
        arr, fill = s.to_arrow(), np.nan
    elif kind == "date" and dtype == pl.Date:
        arr, fill = s.to_arrow(), NO_DATE
    else:
        return None
    n, off = len(arr), arr.offset
    if arr.null_count == n:
        dtype_out = (
            np.float64 if kind in ("number", "int") else np.int32 if kind == "date" else np.int8
        )
        return np.full(n, fill, dtype_out)
    buffers = arr.buffers()
    if arr.type == pa.bool_():
        bits = np.unpackbits(np.frombuffer(buffers[1], np.uint8), count=n + off, bitorder="little")
        values_np = bits[off:].view(np.int8)
    else:
        raw = np.int32 if kind == "date" else arr.type.to_pandas_dtype()  # date32: days as int32
        values_np = np.frombuffer(buffers[1], raw, count=n + off)[off:]
        # views where the width already fits: read-only, and nothing writes to decoded columns
        if kind == "enum":
            one_byte = values_np.dtype.itemsize == 1
            values_np = values_np.view(np.int8) if one_byte else values_np.astype(np.int8)
        elif kind in ("number", "int"):
            values_np = values_np.astype(np.float64, copy=False)
        else:
            values_np = values_np.astype(np.int32, copy=False)
    if arr.null_count:
        valid = np.unpackbits(
            np.frombuffer(buffers[0], np.uint8), count=n + off, bitorder="little"
        )[off:]
        values_np = values_np.copy()
        np.copyto(values_np, fill, where=~valid.view(bool))
    return values_np


def _decode(
    report: Report, table: str, df: pl.DataFrame, name: str, kind: str, values: Any, length: int
) -> np.ndarray:
    s = col(df, name, length)
    if s.n_chunks() > 1:
        s = s.rechunk()  # numpy wants one buffer; Parquet readers hand over many chunks
    bad: np.ndarray | None = None
    message = ""
    if kind == "enum":
        codes = _enum_codes(s, values)
        bad, message = (
            codes == UNKNOWN,
            f"unknown {name} value; expected one of {', '.join(values)}",
        )
    elif kind == "bool":
        codes, bad = _bool_codes(s)
        message = f"{name} must be true or false"
    elif kind in ("number", "int"):
        codes, bad = _number(s)
        message = f"{name} must be a number"
    elif kind == "date":
        codes, bad = _days(s)
        message = f"{name} must be an ISO date (YYYY-MM-DD)"
    elif kind == "enum_list":
        codes, bad = _device_mask(s)
        message = f"unknown {name} value; expected any of {', '.join(INFO_DEVICES)}"
    else:  # pragma: no cover - vocab and decoder must agree
        raise AssertionError(kind)
    if bad is not None and bad.any():
        report(table, bad, name, message)
    return codes


@cache
def _enum(values: tuple[str, ...]) -> pl.Enum:
    return pl.Enum(list(values))


def _with_missing(s: pl.Series) -> np.ndarray:
    """Small integer codes of a physical column, -1 where null (one pass, no copies when dense)."""
    if s.dtype == pl.UInt8:
        # 255 read as int8 is -1 = MISSING: one pass, no second mask
        arr = (s.fill_null(255) if s.null_count() else s).to_numpy()
        return arr.view(np.int8)
    if not s.null_count():
        arr = s.to_numpy()
        return arr.view(np.int8) if arr.dtype.itemsize == 1 else arr.astype(np.int8)
    codes = s.fill_null(0).to_numpy().astype(np.int8)
    codes[s.is_null().to_numpy()] = MISSING
    return codes


def _enum_codes(s: pl.Series, values: tuple[str, ...]) -> np.ndarray:
    target = _enum(values)
    if isinstance(s.dtype, pl.Enum) and s.dtype.categories.to_list() == list(values):
        return _with_missing(s.to_physical())
    if s.dtype == pl.Null:
        return np.full(len(s), MISSING, np.int8)
    text = s.cast(pl.String, strict=False)
    cast = text.cast(target, strict=False)
    codes = cast.to_physical().cast(pl.Int8).fill_null(MISSING).to_numpy(writable=True)
    codes[(cast.is_null() & text.is_not_null()).to_numpy()] = UNKNOWN
    return codes


_TRUE = ("true", "1", "yes", "t", "y")
_FALSE = ("false", "0", "no", "f", "n")


def _bool_codes(s: pl.Series) -> tuple[np.ndarray, np.ndarray | None]:
    if s.dtype == pl.Boolean:
        return _with_missing(s), None
    if s.dtype == pl.Null:
        return np.full(len(s), MISSING, np.int8), None
    if s.dtype.is_numeric():
        codes = s.cast(pl.Int8, strict=False).fill_null(MISSING).to_numpy()
        bad = ~np.isin(codes, (0, 1, MISSING))
        return codes, bad
    text = s.cast(pl.String, strict=False).str.strip_chars().str.to_lowercase()
    codes = (
        pl.select(
            pl.when(text.is_in(_TRUE))
            .then(1)
            .when(text.is_in(_FALSE))
            .then(0)
            .when(text.is_null() | (text == ""))
            .then(MISSING)
            .otherwise(UNKNOWN)
            .cast(pl.Int8)
        )
        .to_series()
        .to_numpy(writable=True)
    )
    bad = codes == UNKNOWN
    codes[bad] = MISSING
    return codes, bad


def _number(s: pl.Series) -> tuple[np.ndarray, np.ndarray | None]:
    if s.dtype == pl.Null:
        return np.full(len(s), np.nan), None
    if s.dtype.is_numeric():
        return s.cast(pl.Float64).fill_null(np.nan).to_numpy(), None
    text = s.cast(pl.String, strict=False).str.strip_chars()
    text = text.replace("", None)
    num = text.cast(pl.Float64, strict=False)
    return num.fill_null(np.nan).to_numpy(), (num.is_null() & text.is_not_null()).to_numpy()


def _days(s: pl.Series) -> tuple[np.ndarray, np.ndarray | None]:
    if s.dtype == pl.Date:
        phys = s.to_physical()
        return (
            phys.to_numpy() if not phys.null_count() else phys.fill_null(NO_DATE).to_numpy()
        ), None
    if s.dtype == pl.Null:
        return np.full(len(s), NO_DATE, np.int32), None
    if isinstance(s.dtype, pl.Datetime):
        return _days(s.dt.date())
    text = s.cast(pl.String, strict=False).str.strip_chars().replace("", None)
    d = text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    bad = (d.is_null() & text.is_not_null()).to_numpy()
    return d.to_physical().fill_null(NO_DATE).to_numpy(), bad


def _device_mask(s: pl.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """info_devices as a bit mask (bit i = INFO_DEVICES[i]); -1 when absent."""
    n = len(s)
    if s.dtype == pl.Null:
        return np.full(n, MISSING, np.int16), None
    lists = str_list(s) if s.dtype == pl.String else s
    inner = lists.dtype.inner if isinstance(lists.dtype, pl.List) else None
    if isinstance(inner, pl.Enum) and inner.categories.to_list() == list(INFO_DEVICES):
        return _device_mask_arrow(lists.to_arrow()), None
    lens = lists.list.len().fill_null(0).to_numpy().astype(np.int64)
    full = lens > 0
    flat = lists.explode(empty_as_null=False, keep_nulls=False)
    codes = _enum_codes(flat, INFO_DEVICES) if full.any() else np.zeros(0, np.int8)
    bad_item = codes < 0
    bits = np.left_shift(1, np.where(bad_item, 0, codes), dtype=np.int16)
    bits[bad_item] = 0
    mask = np.zeros(n, np.int16)
    if full.any():
        starts = (np.cumsum(lens) - lens)[full]
        mask[full] = np.bitwise_or.reduceat(bits, starts)
    bad = None
    if bad_item.any():
        owner = np.repeat(np.arange(n), lens)
        bad = np.bincount(owner[bad_item], minlength=n) > 0
    if lists.null_count():
        mask[lists.is_null().to_numpy()] = MISSING
    return mask, bad


def _device_mask_arrow(arr: pa.Array) -> np.ndarray:
    """List(Enum) straight from Arrow buffers: offsets and dictionary indices, no query."""
    offsets = np.asarray(arr.offsets)
    first = int(offsets[0]) if len(offsets) else 0
    # ``values`` is the whole child array, also under a slice: keep the slice's items
    items = arr.values.slice(first, int(offsets[-1]) - first if len(offsets) else 0)
    indices = items.indices if hasattr(items, "indices") else items
    codes = np.asarray(indices.fill_null(0) if indices.null_count else indices).astype(np.int16)
    bits = np.left_shift(np.int16(1), codes)
    lens = np.diff(offsets)
    # Each list's sum of bits, by differences of one running sum. A sum of k powers of two has
    # k bits set exactly when they are distinct, and then it is their OR; lists that repeat a
    # device (rare) are OR-reduced apart.
    running = np.zeros(len(bits) + 1, np.int64)
    np.cumsum(bits, out=running[1:])
    total = running[offsets[1:] - first] - running[offsets[:-1] - first]
    mask: np.ndarray = total.astype(np.int16)
    repeated = np.flatnonzero(np.bitwise_count(total) != lens)
    if repeated.size:
        starts = offsets[:-1][repeated] - first
        mask[repeated] = [
            np.bitwise_or.reduce(bits[a : a + k])
            for a, k in zip(starts.tolist(), lens[repeated].tolist(), strict=True)
        ]
    if arr.null_count:
        mask[np.asarray(arr.is_null())] = MISSING
    return mask
