"""Households and members as coded numpy columns, the one representation every rule reads.

Polars frames (from Parquet, CSV, Excel or JSON records) are decoded here once: enums become
small integer codes (-1 = absent, -2 = unknown value), booleans int8 (-1 = absent), numbers
float64 (NaN = absent), dates days since 1970. Members end up stored contiguously per household,
so per-household figures are segment reductions (``np.bincount`` over the household index).
Standard-independent input errors are recorded here, first error per household wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from giamngheo.standards.vocab import HOUSEHOLD_FIELDS, INFO_DEVICES, MEMBER_FIELDS

MISSING = -1
UNKNOWN = -2
NO_DATE = np.iinfo(np.int32).min


@dataclass(frozen=True)
class InputError:
    """Where a household's input is wrong, as the contract's ``error`` object."""

    table: str
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "field": self.field, "message": self.message}


@dataclass
class Tables:
    """Coded columns for ``n`` households and ``m`` members (members grouped by household)."""

    n: int
    m: int
    household_id: list[Any] | pl.Series
    h: dict[str, np.ndarray]
    mem: dict[str, np.ndarray]
    member_hh: np.ndarray
    size: np.ndarray
    hh_row: np.ndarray
    mem_row: np.ndarray
    member_id: pl.Series
    raw_standard: pl.Series
    deprivations: pl.Series
    errors: dict[int, InputError] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict)

    def memo(self, key: Any, compute: Any) -> Any:
        """Intermediate masks shared by ``requires`` and the definition, computed once."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def error(self, hh_idx: np.ndarray, make: Any) -> None:
        """Record an error for each household in ``hh_idx`` that has none yet."""
        for i in np.unique(hh_idx).tolist():
            if i not in self.errors:
                self.errors[i] = make(i)

    def member_error(self, mask: np.ndarray, fld: str, message: str) -> None:
        """Record an error at the first member in ``mask`` of each household that has none yet."""
        idx = np.flatnonzero(mask)
        if not idx.size:
            return
        hh, first = np.unique(self.member_hh[idx], return_index=True)
        for i, j in zip(hh.tolist(), idx[first].tolist(), strict=True):
            if i not in self.errors:
                self.errors[i] = InputError("members", int(self.mem_row[j]), fld, message)

    def household_error(self, mask: np.ndarray, fld: str, message: str) -> None:
        for i in np.flatnonzero(mask).tolist():
            if i not in self.errors:
                self.errors[i] = InputError("households", int(self.hh_row[i]), fld, message)

    def seg_any(self, member_mask: np.ndarray) -> np.ndarray:
        """Per household: does any member satisfy ``member_mask``."""
        out = np.zeros(self.n, bool)
        out[self.member_hh[np.flatnonzero(member_mask)]] = True
        return out

    def seg_count(self, member_mask: np.ndarray) -> np.ndarray:
        """Per household: how many members satisfy ``member_mask``."""
        return np.bincount(self.member_hh[np.flatnonzero(member_mask)], minlength=self.n)

    def per_member(self, household_values: np.ndarray) -> np.ndarray:
        """Broadcast a household column to its members (contiguous, so a gather)."""
        return household_values[self.member_hh]


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of days since 1970-01-01, vectorised (numpy's calendar conversions)."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    y = d.astype("datetime64[Y]").astype(np.int32) + 1970
    m = months.astype(np.int32) % 12 + 1
    day = (d - months).astype(np.int32) + 1
    return y, m, day


def isin_codes(arr: np.ndarray, codes: list[int] | tuple[int, ...]) -> np.ndarray:
    """``np.isin`` for small enum codes: one shift into a byte of flags (absent codes never match)."""
    wanted = [c for c in codes if c >= 0]
    if not wanted:
        return np.zeros(arr.shape, bool)
    if max(wanted) < 8 and arr.dtype == np.int8:
        flags = np.uint8(sum(1 << c for c in wanted))
        hit = np.right_shift(flags, arr.view(np.uint8) & np.uint8(7)) & np.uint8(1)
        return hit.view(bool) & (arr >= 0)
    out = np.zeros(arr.shape, bool)
    for c in wanted:
        out |= arr == c
    return out


def build_tables(households: pl.DataFrame, members: pl.DataFrame | None) -> Tables:
    """Decode the two tables and check everything that does not depend on the standard."""
    n = households.height
    hh_row = _row_numbers(households, n)
    hid = _col(households, "household_id").cast(pl.String, strict=False)
    members = members if members is not None and members.height else None
    if members is None:
        member_hh = np.zeros(0, np.int32)
        mem_df = pl.DataFrame()
        mem_row = np.zeros(0, np.int64)
    else:
        member_hh, mem_df, mem_row = _attach(hid, members, n)
    m = len(member_hh)
    t = Tables(
        n=n,
        m=m,
        household_id=hid,
        h={},
        mem={},
        member_hh=member_hh,
        size=np.bincount(member_hh, minlength=n),
        hh_row=hh_row,
        mem_row=mem_row,
        member_id=_col(mem_df, "member_id", m).cast(pl.String, strict=False),
        raw_standard=_col(households, "standard").cast(pl.String, strict=False),
        deprivations=_str_list(_col(households, "deprivations")),
    )
    t.household_error(hid.is_null().to_numpy(), "household_id", "household_id is required")
    t.h.update(_decode_table(t, "households", households, HOUSEHOLD_FIELDS, n))
    t.mem.update(_decode_table(t, "members", mem_df, MEMBER_FIELDS, m))
    _household_checks(t)
    _member_ages(t)
    return t


def _row_numbers(df: pl.DataFrame, n: int) -> np.ndarray:
    if "_row" in df.columns:
        return df["_row"].cast(pl.Int64).to_numpy()
    return np.arange(1, n + 1, dtype=np.int64)


def _attach(
    hid: pl.Series, members: pl.DataFrame, n: int
) -> tuple[np.ndarray, pl.DataFrame, np.ndarray]:
    """Household index per member, members reordered to lie contiguously in household order."""
    mid = _col(members, "household_id").cast(pl.String, strict=False)
    mem_row = _row_numbers(members, members.height)
    counts = _run_lengths(mid, hid, n)
    if counts is not None:
        return np.repeat(np.arange(n, dtype=np.int32), counts), members, mem_row
    index = pl.DataFrame({"household_id": hid, "_h": np.arange(n, dtype=np.int64)}).unique(
        "household_id", keep="first", maintain_order=True
    )
    joined = (
        members.with_columns(household_id=mid, _mrow=pl.Series(mem_row))
        .join(index, on="household_id", how="inner", maintain_order="left")
        .sort("_h", maintain_order=True)
    )
    return joined["_h"].to_numpy().astype(np.int32), joined, joined["_mrow"].to_numpy()


def _run_lengths(mid: pl.Series, hid: pl.Series, n: int) -> np.ndarray | None:
    """Members per household when members already come in runs in household order, else None."""
    if len(mid) <= 64:  # a handful of rows (one household): compare in Python, no query start-up
        ids, keys = mid.to_list(), hid.to_list()
        firsts = [i for i, v in enumerate(ids) if i == 0 or v != ids[i - 1]]
        if [ids[i] for i in firsts] != keys or None in keys:
            return None
        return np.diff(np.append(firsts, len(ids)))
    starts = mid.ne_missing(mid.shift(1)).fill_null(True)
    runs = mid.filter(starts)
    if runs.len() == n and runs.equals(hid, check_names=False):
        return np.diff(np.append(np.flatnonzero(starts.to_numpy()), len(mid)))
    return None


def _col(df: pl.DataFrame, name: str, length: int | None = None) -> pl.Series:
    if name in df.columns:
        return df[name]
    return pl.repeat(
        None, df.height if length is None else length, dtype=pl.Null, eager=True
    ).alias(name)


def _str_list(s: pl.Series) -> pl.Series:
    """A list column from a list or a ``;``-joined text column (CSV and Excel)."""
    if s.dtype == pl.String:
        return (
            s.str.split(";")
            .list.eval(pl.element().str.strip_chars())
            .list.eval(pl.element().filter(pl.element() != ""))
        )
    return s.cast(pl.List(pl.String))


def _decode_table(
    t: Tables, table: str, df: pl.DataFrame, fields: dict[str, Any], length: int
) -> dict[str, np.ndarray]:
    """Decode every field; columns already in the contract's dtypes are read straight from Arrow."""
    out: dict[str, np.ndarray] = {}
    for name, (kind, values) in fields.items():
        if kind in ("str", "str_list"):
            continue
        direct = _direct(df[name], kind, values) if name in df.columns else None
        out[name] = (
            direct if direct is not None else _decode(t, table, df, name, kind, values, length)
        )
    return out


def _direct(s: pl.Series, kind: str, values: Any) -> np.ndarray | None:
    """Contract dtypes (as read back from Parquet) hold no invalid value: copy the Arrow buffers."""
    dtype = s.dtype
    if kind == "enum" and isinstance(dtype, pl.Enum) and dtype.categories.to_list() == list(values):
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
        if kind == "enum":
            values_np = values_np.astype(np.int8)
        elif kind in ("number", "int"):
            values_np = values_np.astype(np.float64)
        else:
            values_np = values_np.astype(np.int32)
    if arr.null_count:
        valid = np.unpackbits(
            np.frombuffer(buffers[0], np.uint8), count=n + off, bitorder="little"
        )[off:]
        values_np = values_np.copy()
        values_np[valid == 0] = fill
    return values_np


def _decode(
    t: Tables, table: str, df: pl.DataFrame, name: str, kind: str, values: Any, length: int
) -> np.ndarray:
    s = _col(df, name, length)
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
        if table == "households":
            t.household_error(bad, name, message)
        else:
            t.member_error(bad, name, message)
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
    lists = _str_list(s) if s.dtype == pl.String else s
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
    n = len(arr)
    offsets = np.asarray(arr.offsets)
    items = arr.values
    indices = items.indices if hasattr(items, "indices") else items
    codes = np.asarray(indices.fill_null(0) if indices.null_count else indices).astype(np.int16)
    bits = np.left_shift(np.int16(1), codes)
    mask = np.zeros(n, np.int16)
    lens = np.diff(offsets)
    full = lens > 0
    if full.any():
        mask[full] = np.bitwise_or.reduceat(bits, offsets[:-1][full] - offsets[0])
    if arr.null_count:
        mask[np.asarray(arr.is_null())] = MISSING
    return mask


def _household_checks(t: Tables) -> None:
    """Standard-independent checks of the contract's "Bad input" list, in field order."""
    h = t.h
    t.household_error(h["review_date"] == NO_DATE, "review_date", "review_date is required")
    t.household_error(h["area"] == MISSING, "area", "area is required")
    income = h["income_per_capita_month"]
    t.household_error(
        np.isnan(income), "income_per_capita_month", "income_per_capita_month is required"
    )
    t.household_error(
        income < 0, "income_per_capita_month", "income_per_capita_month must not be negative"
    )
    area = h["floor_area_m2"]
    t.household_error(area < 0, "floor_area_m2", "floor_area_m2 must not be negative")
    dwelling = (h["housing_type"] >= 0) & (h["housing_type"] != 4)
    t.household_error(
        (area == 0) & dwelling,
        "floor_area_m2",
        "floor_area_m2 is 0 but the household has a dwelling",
    )
    size = h["size"]
    t.household_error(size < 1, "size", "size must be at least 1")
    given = t.deprivations.is_not_null().to_numpy()
    t.household_error(
        (t.size == 0) & ~given,
        "members",
        "the household has no members (give deprivations and size instead)",
    )
    t.household_error(
        (t.size == 0) & given & np.isnan(size), "size", "size is required when members are omitted"
    )
    t.household_error(
        (t.size > 0) & ~np.isnan(size) & (size != t.size),
        "size",
        "size does not match the number of members",
    )


def _calendar(days: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of each day number, by lookup over the span of the input."""
    n = len(days)
    if not valid.any():
        return np.zeros(n, np.int32), np.zeros(n, np.int32), np.zeros(n, np.int32)
    lo, hi = int(days[valid].min()), int(days[valid].max())
    y, m, d = civil_from_days(np.arange(lo, hi + 1))
    idx = days - lo
    if not valid.all():
        idx = np.where(valid, idx, 0)
    return y.astype(np.int32)[idx], m.astype(np.int32)[idx], d.astype(np.int32)[idx]


def _member_ages(t: Tables) -> None:
    """Whole years on the review date (birthday counts on the day), plus bounds in months."""
    review = t.h["review_date"]
    has_review = review != NO_DATE
    g = t.member_hh
    dob = t.mem["date_of_birth"]
    has_dob = dob != NO_DATE
    if t.n and t.m and has_review.all() and has_dob.all() and review.min() == review.max():
        # One review date (the usual batch): completed months by one lookup over the birth dates.
        lo, hi = int(dob.min()), int(dob.max())
        span = np.arange(lo, hi + 1)
        by_t, bm_t, bd_t = civil_from_days(span)
        ry0, rm0, rd0 = (int(x[0]) for x in civil_from_days(review[:1]))
        table = ((ry0 - by_t) * 12 + (rm0 - bm_t) - (rd0 < bd_t)).astype(np.int16)
        months = table[dob - lo]
        by = by_t.astype(np.int16)[dob - lo]
        ry = np.full(t.m, ry0, np.int16)
        after = dob > review[0]
    else:
        ry_h, rm_h, rd_h = _calendar(review, has_review)
        by, bm, bd = _calendar(dob, has_dob)
        ry = ry_h[g].astype(np.int16)
        # completed months (the day of the month counts on the day); whole years follow
        months = ((ry - by) * 12 + (rm_h[g] - bm) - (rd_h[g] < bd)).astype(np.int16)
        by = by.astype(np.int16)
        after = has_dob & has_review[g] & (dob > review[g])
    all_dob = bool(has_dob.all())
    age_given = t.mem["age"]
    has_age = ~np.isnan(age_given)
    if all_dob:
        age = months // 12
    elif has_age.any():
        given = np.clip(np.nan_to_num(age_given), -1, 1000)
        age = np.where(has_dob, months // 12, np.where(has_age, given, -1)).astype(np.int16)
    else:
        age = np.where(has_dob, months // 12, -1).astype(np.int16)
    if t.m:
        t.member_error(
            after,
            "date_of_birth",
            "date_of_birth is after review_date",
        )
        if not all_dob:
            t.member_error(
                ~has_dob & ~has_age, "date_of_birth", "date_of_birth (or age) is required"
            )
            t.member_error(
                ~has_dob & has_age & ((age_given < 0) | (age_given != np.floor(age_given))),
                "age",
                "age must be a whole number of years ≥ 0",
            )
    t.mem["_age"] = age
    t.mem["_ry"] = ry
    if all_dob:
        # exact birth dates: the bounds coincide
        t.mem["_months_lo"] = t.mem["_months_hi"] = months
        t.mem["_by_lo"] = t.mem["_by_hi"] = by
        return
    a12 = age * 12
    t.mem["_months_lo"] = np.where(has_dob, months, a12)
    t.mem["_months_hi"] = np.where(has_dob, months, a12 + 11)
    t.mem["_by_lo"] = np.where(has_dob, by, ry - age - 1)
    t.mem["_by_hi"] = np.where(has_dob, by, ry - age)
