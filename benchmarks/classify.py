"""Benchmark of the standards engine: batch path vs a plain-Python row loop, and national scale.

    python benchmarks/classify.py [--households 1000000] [--national-households 27000000]

Synthetic data (seeded) is calibrated on shared/spec/statistics.md: ≈3.6 members per household,
≈62 % rural, per-capita income lognormal (median ≈ 4 m VND/month) so that a few percent of
households are at or under the 2022–2025 lines, deprivations more frequent in poorer households.
Columns carry the contract's names and the dtypes they have when read back from Parquet (enums
as dictionary-encoded ``polars.Enum``, dates as Date). The last line is machine-readable.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pyarrow as pa

from giamngheo.standards import vocab

REVIEW = dt.date(2025, 10, 15)  # a periodic review in 2025 → vn-2022 (in force 1 January 2026)


def _enum(values: tuple[str, ...], codes: np.ndarray) -> pl.Series:
    return pl.Series(codes.astype(np.uint32)).replace_strict(
        dict(enumerate(values)), return_dtype=pl.Enum(list(values))
    )


def generate(n: int, seed: int = 2025, start: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``n`` households (ids from ``start``) and their members, stored contiguously."""
    rng = np.random.default_rng(seed + start)
    size = np.clip(1 + rng.poisson(2.6, n), 1, 12)
    m = int(size.sum())
    hh_of = np.repeat(np.arange(n), size)
    rural = rng.random(n) < 0.62
    income = np.round(rng.lognormal(np.log(4_000_000), 0.62, n) * np.where(rural, 0.8, 1.1), -3)
    p = np.clip(1.8 - np.log(income / 1e6), 0.05, 3.0) / 3.0  # "poorness", ≈0 when better-off
    pm = p[hh_of]

    def rare(base: float, boost: float, pp: np.ndarray) -> np.ndarray:
        return rng.random(len(pp)) < base + boost * pp

    housing = np.where(rare(0.04, 0.35, p), rng.choice([2, 3], n), rng.choice([0, 1], n))
    area = np.round(size * rng.gamma(4.0, 6.0, n) * (1 - 0.5 * p), 1) + 1
    owned = rng.random((n, 4)) < np.array([0.85, 0.15, 0.3, 0.8]) * (1 - 0.5 * p[:, None])
    flat = np.nonzero(owned)[1]
    offsets = np.concatenate([[0], np.cumsum(owned.sum(axis=1))]).astype(np.int32)
    devices = (
        pl.from_arrow(pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat.astype(np.int8))))
        .cast(pl.List(pl.UInt8))
        .list.eval(
            pl.element().replace_strict(
                dict(enumerate(vocab.INFO_DEVICES)), return_dtype=pl.Enum(list(vocab.INFO_DEVICES))
            )
        )
    )
    ids = "31-" + pl.Series(np.arange(start, start + n)).cast(pl.String).str.zfill(9)
    households = pl.DataFrame(
        {
            "household_id": ids,
            "review_date": pl.repeat(REVIEW, n, eager=True),
            "round_type": _enum(vocab.ROUND_TYPE, np.zeros(n, int)),
            "area": _enum(vocab.AREA, (~rural).astype(int)),
            "income_per_capita_month": income.astype(np.int64),
            "nlnn": rural & (rng.random(n) < 0.5),
            "housing_type": _enum(vocab.HOUSING_TYPE, housing),
            "floor_area_m2": area,
            "domestic_water": _enum(vocab.DOMESTIC_WATER, rare(0.03, 0.3, p).astype(int)),
            "hygienic_latrine": ~rare(0.05, 0.4, p),
            "uses_telecom": ~rare(0.02, 0.2, p),
            "info_devices": devices,
            "hears_loudspeaker": rng.random(n) < 0.6,
            "waste_treated": ~rare(0.1, 0.3, p),
        }
    )
    pos = np.arange(m) - np.repeat(np.concatenate([[0], np.cumsum(size)[:-1]]), size)
    mix = rng.random(m)
    age = np.where(
        pos == 0,
        rng.integers(25, 76, m),
        np.where(
            mix < 0.45,
            rng.integers(0, 18, m),
            np.where(mix < 0.85, rng.integers(18, 60, m), rng.integers(60, 95, m)),
        ),
    )
    born = np.datetime64(REVIEW) - (age * 365.25 + rng.integers(1, 365, m)).astype("timedelta64[D]")
    in_school = np.where(
        (age >= 3) & (age < 18),
        rng.random(m) > 0.03 + 0.2 * pm,
        (age <= 24) & (rng.random(m) < 0.3),
    )
    low = rng.random(m) < 0.08 + 0.4 * pm
    diploma = np.where(
        age < 11,
        0,
        np.where(
            age < 15, 1, np.where(low, rng.choice([0, 1, 2], m), rng.choice([2, 3, 4, 5, 6, 7], m))
        ),
    )
    working = (age >= 15) & (age < 62) & ~in_school
    employment = np.where(
        ~working, 4, np.where(rare(0.03, 0.3, pm), rng.choice([1, 3], m), rng.choice([0, 2], m))
    )
    nutrition = np.where(rare(0.03, 0.3, pm), rng.choice([1, 2], m), 0)
    members = pl.DataFrame(
        {
            "household_id": ids.gather(hh_of),
            "member_id": pl.Series(pos + 1).cast(pl.String),
            "date_of_birth": pl.Series(born),
            "sex": _enum(vocab.SEX, rng.integers(0, 2, m)),
            "relation": _enum(
                vocab.RELATION,
                np.where(pos == 0, 0, np.where(age < 18, 2, np.where(age >= 60, 3, 1))),
            ),
            "health_insurance": ~rare(0.04, 0.25, pm),
            "in_school": in_school,
            "diploma": _enum(vocab.DIPLOMA, diploma),
            "vocational_training": rng.random(m) < 0.1,
            "employment": _enum(vocab.EMPLOYMENT, employment),
            "working_capacity": rng.random(m) > 0.03,
            "disability": _enum(
                vocab.DISABILITY, np.where(rng.random(m) < 0.05, rng.integers(1, 4, m), 0)
            ),
            "social_allowance": (age >= 75) | (rng.random(m) < 0.02),
            "child_nutrition": _enum(vocab.CHILD_NUTRITION, nutrition).set(
                pl.Series(age >= 16), None
            ),
            "ill_untreated": rng.random(m) < 0.02,
        }
    )
    return households, members
