"""Households and members as coded numpy columns, the one representation every rule reads.

Polars frames (from Parquet, CSV, Excel or JSON records) are decoded once (``decode.py``).
Members end up stored contiguously per household, so per-household figures are segment
reductions over the household index. Standard-independent input errors are recorded here,
first error per household wins.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import polars as pl

from giamngheo.standards.civil import calendar_of, civil_span
from giamngheo.standards.decode import (
    MISSING,
    NO_DATE,
    UNKNOWN,
    Columns,
    Deferred,
    col,
    decode_table,
    str_list,
)
from giamngheo.standards.runs import run_lengths
from giamngheo.standards.vocab import HOUSEHOLD_FIELDS, MEMBER_FIELDS

__all__ = ["MISSING", "NO_DATE", "UNKNOWN", "InputError", "Tables", "build_tables", "isin_codes"]

T = TypeVar("T")


@dataclass(frozen=True)
class Consecutive:
    """Row numbers ``first, first + 1, …`` read by index, without an array of them."""

    first: int

    def __getitem__(self, j: int) -> int:
        return self.first + j


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
    h: Columns
    mem: Columns
    member_hh: np.ndarray
    size: np.ndarray
    hh_row: np.ndarray
    mem_row: np.ndarray | Consecutive
    member_id: pl.Series
    raw_standard: pl.Series
    deprivations: pl.Series
    errors: dict[int, InputError] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict)
    complete: dict[str, set[str]] = field(
        default_factory=lambda: {"households": set(), "members": set()}
    )

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Intermediate masks shared by ``requires`` and the definition, computed once."""
        if key not in self.cache:
            self.cache[key] = compute()
        value: T = self.cache[key]
        return value

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

    def report(self, table: str, mask: np.ndarray, fld: str, message: str) -> None:
        if table == "households":
            self.household_error(mask, fld, message)
        else:
            self.member_error(mask, fld, message)

    def household_error(self, mask: np.ndarray, fld: str, message: str) -> None:
        for i in np.flatnonzero(mask).tolist():
            if i not in self.errors:
                self.errors[i] = InputError("households", int(self.hh_row[i]), fld, message)

    @property
    def given(self) -> np.ndarray:
        """Households whose deprivations were decided beforehand and given."""
        return self.memo(("given",), self._given)

    def _given(self) -> np.ndarray:
        d = self.deprivations
        if d.dtype == pl.Null or d.null_count() == len(d):
            return np.zeros(self.n, bool)
        return d.is_not_null().to_numpy()

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
        result: np.ndarray = household_values[self.member_hh]
        return result


def isin_codes(arr: np.ndarray, codes: list[int] | tuple[int, ...]) -> np.ndarray:
    """``np.isin`` for small enum codes: one shift into a byte of flags (absent codes never match)."""
    wanted = [c for c in codes if c >= 0]
    if not wanted:
        return np.zeros(arr.shape, bool)
    if max(wanted) < 8 and arr.dtype == np.int8:
        flags = np.uint8(sum(1 << c for c in wanted))
        hit = np.right_shift(flags, arr.view(np.uint8) & np.uint8(7)) & np.uint8(1)
        result: np.ndarray = hit.view(bool) & (arr >= 0)
        return result
    out = np.zeros(arr.shape, bool)
    for c in wanted:
        out |= arr == c
    return out


def build_tables(
    households: pl.DataFrame,
    members: pl.DataFrame | None,
    *,
    first_row: int = 1,
    first_member_row: int = 1,
    counts: np.ndarray | None = None,
) -> Tables:
    """Decode the two tables and check everything that does not depend on the standard.

    ``first_row``/``first_member_row`` number the rows of a slice of larger tables; ``counts``
    (members per household, members already in household order) skips the ordering check.
    """
    n = households.height
    hh_row = _row_numbers(households, n, first_row)
    hid = _text(col(households, "household_id"))
    members = members if members is not None and members.height else None
    mem_row: np.ndarray | Consecutive
    if members is None:
        member_hh = np.zeros(0, np.int32)
        mem_df = pl.DataFrame()
        mem_row = np.zeros(0, np.int64)
        size = np.zeros(n, np.int64)
    else:
        member_hh, mem_df, mem_row, size = _attach(hid, members, n, first_member_row, counts)
    m = len(member_hh)
    t = Tables(
        n=n,
        m=m,
        household_id=hid,
        h=Columns(),
        mem=Columns(),
        member_hh=member_hh,
        size=size,
        hh_row=hh_row,
        mem_row=mem_row,
        member_id=_text(col(mem_df, "member_id", m)),
        raw_standard=_text(col(households, "standard")),
        deprivations=str_list(col(households, "deprivations")),
    )
    if hid.null_count():
        t.household_error(hid.is_null().to_numpy(), "household_id", "household_id is required")
    t.h.update(
        decode_table(
            t.report, "households", households, HOUSEHOLD_FIELDS, n, t.complete["households"]
        )
    )
    t.mem.update(decode_table(t.report, "members", mem_df, MEMBER_FIELDS, m, t.complete["members"]))
    _household_checks(t)
    _member_ages(t)
    return t


def _row_numbers(df: pl.DataFrame, n: int, first: int = 1) -> np.ndarray:
    if "_row" in df.columns:
        return df["_row"].cast(pl.Int64).to_numpy()
    return np.arange(first, first + n, dtype=np.int64)


def _attach(
    hid: pl.Series, members: pl.DataFrame, n: int, first: int = 1, counts: np.ndarray | None = None
) -> tuple[np.ndarray, pl.DataFrame, np.ndarray | Consecutive, np.ndarray]:
    """Household index per member, members reordered to lie contiguously in household order.

    Also the members' row numbers and the number of members of each household.
    """
    rows: np.ndarray | Consecutive = (
        members["_row"].cast(pl.Int64).to_numpy()
        if "_row" in members.columns
        else Consecutive(first)
    )
    if counts is None:
        counts = run_lengths(_text(col(members, "household_id")), hid, n)
    if counts is not None:
        size = counts.astype(np.int64)
        return np.repeat(np.arange(n, dtype=np.int32), size), members, rows, size
    mid = _text(col(members, "household_id"))
    mem_row = _row_numbers(members, members.height, first)
    index = pl.DataFrame({"household_id": hid, "_h": np.arange(n, dtype=np.int64)}).unique(
        "household_id", keep="first", maintain_order=True
    )
    joined = (
        members.with_columns(household_id=mid, _mrow=pl.Series(mem_row))
        .join(index, on="household_id", how="inner", maintain_order="left")
        .sort("_h", maintain_order=True)
    )
    member_hh = joined["_h"].to_numpy().astype(np.int32)
    return member_hh, joined, joined["_mrow"].to_numpy(), np.bincount(member_hh, minlength=n)


def _text(s: pl.Series) -> pl.Series:
    return s if s.dtype in (pl.String, pl.Null) else s.cast(pl.String, strict=False)


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
    given = t.given
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


def _member_ages(t: Tables) -> None:
    """Whole years on the review date (birthday counts on the day), plus bounds in months."""
    review = t.h["review_date"]
    has_review = review != NO_DATE
    g = t.member_hh
    dob = t.mem["date_of_birth"]
    has_dob = dob != NO_DATE
    ages_fast = None
    if t.n and t.m and has_review.all() and has_dob.all() and review.min() == review.max():
        # One review date (the usual batch): completed months by one lookup over the birth dates.
        lo, hi = int(dob.min()), int(dob.max())
        by_t, bm_t, bd_t = civil_span(lo, hi)
        r0 = int(review[0])
        ry0, rm0, rd0 = (int(x[0]) for x in civil_span(r0, r0))
        table = ((ry0 - by_t) * 12 + (rm0 - bm_t) - (rd0 < bd_t)).astype(np.int16)
        offset = np.subtract(dob, lo, dtype=np.intp)  # index type once, for both lookups
        months = table[offset]
        ages_fast = (table // 12)[offset]
        # only the 1986-cohort rule reads the birth year
        by: np.ndarray | Deferred = Deferred(lambda: by_t.astype(np.int16)[offset])
        ry = np.broadcast_to(np.int16(ry0), (t.m,))
        after = dob > review[0]
    else:
        ry_h, rm_h, rd_h = calendar_of(review, has_review)
        birth_year, bm, bd = calendar_of(dob, has_dob)
        ry = ry_h[g].astype(np.int16)
        # completed months (the day of the month counts on the day); whole years follow
        months = ((ry - birth_year) * 12 + (rm_h[g] - bm) - (rd_h[g] < bd)).astype(np.int16)
        by = birth_year.astype(np.int16)
        after = has_dob & has_review[g] & (dob > review[g])
    all_dob = bool(has_dob.all())
    if all_dob:  # the age column is not read
        age = ages_fast if ages_fast is not None else months // 12
    else:
        age_given = t.mem["age"]
        has_age = ~np.isnan(age_given)
        if has_age.any():
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
    # only an all-birth-dates batch defers the birth year (it returned above)
    assert not isinstance(by, Deferred)
    a12 = age * 12
    t.mem["_months_lo"] = np.where(has_dob, months, a12)
    t.mem["_months_hi"] = np.where(has_dob, months, a12 + 11)
    t.mem["_by_lo"] = np.where(has_dob, by, ry - age - 1)
    t.mem["_by_hi"] = np.where(has_dob, by, ry - age)
