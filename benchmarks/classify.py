"""Benchmark of the standards engine: batch path vs a plain-Python row loop, and national scale.

    python benchmarks/classify.py [--households 1000000] [--national-households 27000000]
    python benchmarks/classify.py --explain [--households 1000000]

Synthetic data (seeded) is calibrated on shared/spec/statistics.md: ≈3.6 members per household,
≈62 % rural, per-capita income lognormal (median ≈ 4 m VND/month) so that a few percent of
households are at or under the 2022–2025 lines, deprivations more frequent in poorer households.
Columns carry the contract's names and the dtypes they have when read back from Parquet (enums
as dictionary-encoded ``polars.Enum``, dates as Date). The last line is machine-readable.

Timing: after one warm-up call, ``--runs`` (5) pairs of one batch call over every household and
one row-loop pass over the first ``--rowloop-households``, each with wall and CPU seconds
(``time.process_time``: every thread of the process) and the load average, the ratio of the two
rates on both clocks per run, then the medians. The machine is shared: the CPU ratios are the
evidence, the wall figures depend on what else runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from giamngheo.standards import classify_batch, load_standard, vocab
from giamngheo.standards.engine import evaluate
from giamngheo.standards.explain import output_line
from giamngheo.standards.explain_batch import explain_batch
from giamngheo.standards.indicators import retirement_months
from giamngheo.standards.tables import build_tables

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
    income = np.round(rng.lognormal(np.log(4_300_000), 0.62, n) * np.where(rural, 0.85, 1.1), -3)
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


def rowloop(households: list[dict], std_id: str = "vn-2022") -> list[tuple[str, tuple[str, ...]]]:
    """A straightforward pure-Python classifier over plain dicts (vn-2022 / vn-2027 indicators).

    Written independently of the engine from the same data file, it is both the speed baseline
    and a cross-check of the batch path's answers.
    """
    std = load_standard(std_id)
    p = {i.id: dict(i.params) for i in std.indicators}
    ids = std.indicator_ids
    lines = {a: (std.lines[a].poverty_line, std.lines[a].middle_upper) for a in ("rural", "urban")}
    retire: dict[int, dict[str, int]] = {}
    out = []
    for h in households:
        review = h["review_date"]
        ry, rm, rd = review.year, review.month, review.day
        if ry not in retire:
            female = np.array([False, True])
            months = retirement_months(female.view(np.int8), np.array([ry, ry]))
            retire[ry] = {"male": int(months[0]), "female": int(months[1])}
        ret = retire[ry]
        people = h["members"]
        size = len(people)
        found: set[str] = set()
        dependants = 0
        for mem in people:
            dob = mem["date_of_birth"]
            months = (ry - dob.year) * 12 + (rm - dob.month) - (rd < dob.day)
            age = months // 12
            if age < 16 or (mem["social_allowance"] and (age >= 60 or mem["disability"] != "none")):
                dependants += 1
            if 15 * 12 <= months < ret[mem["sex"]] and mem["employment"] in (
                "unemployed",
                "wage_without_contract",
            ):
                found.add("employment")
            if age < 16 and mem["child_nutrition"] in ("stunted", "underweight"):
                found.add("nutrition")
            if age >= 6 and not mem["health_insurance"]:
                found.add("health_insurance")
            if 16 <= age <= 30 and not mem["in_school"] and not mem["vocational_training"]:
                ok = p["adult_education"][
                    "qualified_below_split" if age < 18 else "qualified_from_split"
                ]
                if mem["diploma"] not in ok:
                    found.add("adult_education")
            if 3 <= age < 16 and not mem["in_school"]:
                found.add("child_school_attendance")
        if dependants > 0.5 * size:
            found.add("dependency_ratio")
        if h["housing_type"] in ("less_solid", "simple", "none"):
            found.add("housing_quality")
        if h["floor_area_m2"] < 8 * size:
            found.add("housing_area")
        if h["domestic_water"] == "unsafe":
            found.add("domestic_water")
        if not h["hygienic_latrine"]:
            found.add("hygienic_latrine")
        if not h["uses_telecom"]:
            found.add("telecom_use")
        seen = ("tv", "radio", "computer", "smartphone")
        if (
            "info_access_means" in ids
            and not h["hears_loudspeaker"]
            and not any(d in seen for d in h["info_devices"])
        ):
            found.add("info_access_means")
        if "waste_treatment" in ids and not h["waste_treated"]:
            found.add("waste_treatment")
        line, upper = lines[h["area"]]
        income = h["income_per_capita_month"]
        if income <= line:
            klass = "poor" if len(found) >= std.threshold else "near_poor"
        elif upper is not None and income <= upper:
            klass = "middle"
        else:
            klass = "not_poor"
        out.append((klass, tuple(i for i in ids if i in found)))
    return out


def batch_answers(out: pl.DataFrame, ids: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    flags = out.select([f"deprived_{i}" for i in ids]).to_numpy()
    return [
        (c, tuple(i for i, f in zip(ids, row, strict=True) if f))
        for c, row in zip(out["class"].to_list(), flags, strict=True)
    ]


def nested(households: pl.DataFrame, members: pl.DataFrame) -> list[dict]:
    rows = households.to_dicts()
    people = members.to_dicts()
    sizes = members.group_by("household_id", maintain_order=True).len()["len"].to_numpy()
    start = 0
    for row, size in zip(rows, sizes, strict=True):
        row["members"] = people[start : start + size]
        start += size
    return rows


def parquet_round_trip(
    households: pl.DataFrame, members: pl.DataFrame, folder: Path
) -> tuple[pl.DataFrame, pl.DataFrame]:
    households.write_parquet(folder / "h.parquet")
    members.write_parquet(folder / "m.parquet")
    return pl.read_parquet(folder / "h.parquet"), pl.read_parquet(folder / "m.parquet")


def write_national(n: int, folder: Path, chunk: int) -> tuple[Path, Path]:
    """National-scale Parquet, one row group per chunk in both files (members stay aligned)."""
    hpath, mpath = (
        folder / f"national-{n}-households.parquet",
        folder / f"national-{n}-members.parquet",
    )
    if hpath.exists() and mpath.exists():
        return hpath, mpath
    hw = mw = None
    for start in range(0, n, chunk):
        h, m = generate(min(chunk, n - start), start=start)
        ht, mt = h.to_arrow(), m.to_arrow()
        hw = hw or pq.ParquetWriter(hpath, ht.schema)
        mw = mw or pq.ParquetWriter(mpath, mt.schema)
        hw.write_table(ht, row_group_size=len(ht))
        mw.write_table(mt, row_group_size=len(mt))
        print(f"  wrote {start + len(ht):,} households", file=sys.stderr, flush=True)
    assert hw is not None and mw is not None
    hw.close()
    mw.close()
    return hpath, mpath


def stream_national(hpath: Path, mpath: Path) -> None:
    """Classify a national file row group by row group; prints seconds and peak RSS (GiB)."""
    start = time.perf_counter()
    hf, mf = pq.ParquetFile(hpath), pq.ParquetFile(mpath)
    counts = np.zeros(len(vocab.CLASSES), np.int64)
    total = 0

    def starts(f: pq.ParquetFile) -> list[int]:
        sizes = [f.metadata.row_group(i).num_rows for i in range(f.num_row_groups)]
        return [sum(sizes[:i]) for i in range(len(sizes) + 1)]

    hs, ms = starts(hf), starts(mf)

    def read(i: int) -> tuple[pl.DataFrame, pl.DataFrame]:
        # Polars' own reader (about twice pyarrow's speed here); slices map to row groups
        h = pl.scan_parquet(hpath).slice(hs[i], hs[i + 1] - hs[i]).collect()
        return h, pl.scan_parquet(mpath).slice(ms[i], ms[i + 1] - ms[i]).collect()

    with ThreadPoolExecutor(max_workers=1) as reader:  # read the next row group meanwhile
        ahead = reader.submit(read, 0)
        for i in range(hf.num_row_groups):
            h, m = ahead.result()
            if i + 1 < hf.num_row_groups:
                ahead = reader.submit(read, i + 1)
            out = classify_batch(h, m)
            codes = out["class"].to_physical().to_numpy()
            counts += np.bincount(codes, minlength=len(counts))
            total += out.height
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    shares = " ".join(f"{c}={k / total:.2%}" for c, k in zip(vocab.CLASSES, counts, strict=True))
    print(f"NATIONAL households={total} seconds={seconds:.2f} peak_gib={peak:.2f} {shares}")


def explain_mode(h: pl.DataFrame, m: pl.DataFrame, sample: int) -> None:
    """Classification with the structured explanation, in memory, one thread.

    Times decoding, the indicators with the members causing them, and the explanation items laid
    out as columns (``explain_batch``); then, apart, turning ``sample`` households' items into the
    contract's dicts (what a store does per row) and the per-household ``output_line`` it replaces.
    """
    runs = []
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        o = evaluate(build_tables(h, m), keep_causes=True)
        explained = explain_batch(o)
        runs.append((time.perf_counter() - t0, time.process_time() - c0))
    wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
    print("classify + explain_batch seconds:", " ".join(f"{w:.3f} (CPU {c:.3f})" for w, c in runs))
    k = min(sample, h.height)
    # The dicts of a sample of its own size (a commune's store), conversion of its columns included.
    hs = h.head(k)
    o = evaluate(
        build_tables(hs, m.filter(pl.col("household_id").is_in(hs["household_id"].implode()))),
        keep_causes=True,
    )
    t0, c0 = time.perf_counter(), time.process_time()
    converted = list(explain_batch(o).lines())
    lines_wall, lines_cpu = time.perf_counter() - t0, time.process_time() - c0
    starts = np.concatenate([[0], np.cumsum(o.t.size)])
    ids = o.t.member_id.to_list()
    t0, c0 = time.perf_counter(), time.process_time()
    reference = [output_line(o, i, None, starts, ids) for i in range(k)]
    old_wall, old_cpu = time.perf_counter() - t0, time.process_time() - c0
    assert converted == reference, "explain_batch and output_line disagree"
    print(f"{k:,} households' items as dicts equal output_line's")
    print(
        f"RESULT mode=explain households={h.height} explain_per_s={h.height / wall:.0f} "
        f"explain_per_cpu_s={h.height / cpu:.0f} items={len(explained.code)} "
        f"dicts_per_s={k / lines_wall:.0f} dicts_per_cpu_s={k / lines_cpu:.0f} "
        f"output_line_per_s={k / old_wall:.0f} output_line_per_cpu_s={k / old_cpu:.0f} "
        f"load_avg={os.getloadavg()[0]:.1f}"
    )


def _load() -> str:
    """The load average over 1, 5 and 15 minutes (the machine is shared)."""
    with open("/proc/loadavg") as f:
        return "/".join(f.read().split()[:3])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=1_000_000)
    ap.add_argument(
        "--rowloop-households",
        type=int,
        default=200_000,
        help="row-loop sample (the same households as the batch's first rows)",
    )
    ap.add_argument("--runs", type=int, default=5, help="paired batch / row-loop runs")
    ap.add_argument("--national-households", type=int, default=27_000_000)
    ap.add_argument("--chunk", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "giamngheo-bench")
    ap.add_argument("--stream", nargs=2, type=Path, help=argparse.SUPPRESS)
    ap.add_argument(
        "--explain",
        action="store_true",
        help="classification with structured explanations (columns, then dicts for a sample)",
    )
    ap.add_argument("--explain-sample", type=int, default=50_000)
    args = ap.parse_args(argv)
    if args.stream:
        stream_national(*args.stream)
        return 0
    if args.explain:
        explain_mode(*generate(args.households), args.explain_sample)
        return 0
    args.dir.mkdir(parents=True, exist_ok=True)
    h, m = parquet_round_trip(*generate(args.households), args.dir)
    print(
        f"{h.height:,} households, {m.height:,} members ({m.height / h.height:.2f} per household)"
    )
    classify_batch(h, m)  # warm-up
    k = min(args.rowloop_households, h.height)
    sample = nested(
        h.head(k), m.filter(pl.col("household_id").is_in(h["household_id"].head(k).implode()))
    )
    ids = load_standard("vn-2022").indicator_ids
    # Runs pair the batch path (every household) with the row loop (the first k), one after
    # the other, so each ratio compares the two under the same load.
    runs = []
    for i in range(args.runs):
        load = _load()
        t0, c0 = time.perf_counter(), time.process_time()
        out = classify_batch(h, m)
        bw, bc = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        expected = rowloop(sample)
        lw, lc = time.perf_counter() - t0, time.process_time() - c0
        if i == 0:
            assert batch_answers(out.head(k), ids) == expected, "row loop and batch path disagree"
        runs.append((bw, bc, lw, lc))
        print(
            f"run {i + 1}: batch {bw:.3f} s wall, {bc:.3f} s CPU "
            f"({h.height / bw / 1e6:.2f} M hh/s, {h.height / bc / 1e6:.2f} M hh per CPU-s); "
            f"row loop {lw:.2f} s wall, {lc:.2f} s CPU for {k:,} "
            f"({k / lw / 1e3:.0f} k hh/s, {k / lc / 1e3:.0f} k per CPU-s); "
            f"ratio {(h.height / bw) / (k / lw):.1f}× wall, {(h.height / bc) / (k / lc):.1f}× CPU; "
            f"load {load}",
            flush=True,
        )
    shares = out["class"].value_counts(normalize=True).sort("class")
    print("classes:", ", ".join(f"{c}={s:.2%}" for c, s in shares.iter_rows()))
    print(f"row loop: {k:,} households; answers equal the batch path's")
    batch_s, batch_cpu = (statistics.median(r[j] for r in runs) for j in (0, 1))
    loop_s, loop_cpu = (statistics.median(r[j] for r in runs) for j in (2, 3))
    wall_ratios = [(h.height / r[0]) / (k / r[2]) for r in runs]
    cpu_ratios = [(h.height / r[1]) / (k / r[3]) for r in runs]
    fastest = h.height / min(r[0] for r in runs)
    print(
        f"median of {len(runs)}: batch {batch_s:.3f} s wall ({h.height / batch_s / 1e6:.2f} M hh/s), "
        f"{batch_cpu:.3f} s CPU ({h.height / batch_cpu / 1e6:.2f} M hh per CPU-s); row loop "
        f"{k / loop_s / 1e3:.0f} k hh/s, {k / loop_cpu / 1e3:.0f} k per CPU-s; ratio of the medians "
        f"{(h.height / batch_s) / (k / loop_s):.1f}× wall, "
        f"{(h.height / batch_cpu) / (k / loop_cpu):.1f}× CPU; median of the runs' ratios "
        f"{statistics.median(wall_ratios):.1f}× wall, {statistics.median(cpu_ratios):.1f}× CPU; "
        f"fastest run {fastest / 1e6:.2f} M hh/s, highest ratio {max(wall_ratios):.1f}× wall"
    )
    batch_rate, loop_rate = h.height / batch_s, k / loop_s
    national_s = national_peak = float("nan")
    if args.national_households:
        hpath, mpath = write_national(args.national_households, args.dir, args.chunk)
        proc = subprocess.run(
            [sys.executable, __file__, "--stream", str(hpath), str(mpath)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ},
        )
        line = proc.stdout.strip().splitlines()[-1]
        print(line)
        fields = dict(kv.split("=", 1) for kv in line.split()[1:])
        national_s, national_peak = float(fields["seconds"]), float(fields["peak_gib"])
    print(
        f"RESULT households={h.height} runs={len(runs)} batch_per_s={batch_rate:.0f} "
        f"rowloop_per_s={loop_rate:.0f} ratio={batch_rate / loop_rate:.1f} "
        f"batch_cpu_s={batch_cpu:.3f} batch_per_cpu_s={h.height / batch_cpu:.0f} "
        f"rowloop_cpu_per_s={k / loop_cpu:.0f} "
        f"ratio_cpu={(h.height / batch_cpu) / (k / loop_cpu):.1f} "
        f"median_run_ratio={statistics.median(wall_ratios):.1f} "
        f"median_run_ratio_cpu={statistics.median(cpu_ratios):.1f} "
        f"best_batch_per_s={fastest:.0f} best_ratio={max(wall_ratios):.1f} "
        f"national_households={args.national_households} national_s={national_s:.2f} "
        f"national_peak_gib={national_peak:.2f} load_avg={_load()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
