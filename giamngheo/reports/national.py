"""The national what-if: every province partition re-classified on Dask, beside the approved figures.

    giamngheo simulate --standard ID [--standard-file F] --input DIR [--scheduler tcp://HOST:8786]
                       [--workers N] [--memory-limit 2GiB] [--output DIR]

Reads the directory ``giamngheo export_parquet`` writes (layout in
:mod:`giamngheo.standards.partitions`). Each province partition is one Dask task,
:func:`partitions.partition_counts`, which imports only the rule engine: workers need the
``giamngheo`` package, never Django settings or a database. Without ``--scheduler`` the run
starts a ``LocalCluster`` (``--workers`` processes, one thread each); with it, a ministry's
scheduler spreads the partitions over its machines (each worker must reach ``--input``).

Writes ``provinces.csv`` and ``communes.csv`` (one row per unit: households and persons per class
under the standard, their rates, and the approved Form 1 figures with the difference) through
``giamngheo.spreadsheets``. A rate is over the unit's resident households when the export carried
them (report-forms.md §5.2), else over the households simulated, and ``rate_base`` says which;
rates are rounded by ``households.rates.percent``. This module imports no Django.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from giamngheo.households.rates import percent
from giamngheo.spreadsheets import csv_writer
from giamngheo.standards.explain import render_warnings
from giamngheo.standards.partitions import (
    APPROVED,
    COMMUNE,
    MANIFEST,
    PROVINCE,
    PartitionError,
    partition_counts,
    partitions,
)
from giamngheo.standards.standard import Standard, StandardError, load_standard
from giamngheo.standards.whatif import COUNT_CLASSES, WhatIf, combine

# Form 1 publishes these three classes; the others have no approved figure to stand beside.
APPROVED_CLASSES = ("poor", "near_poor", "middle")
RESIDENT, SIMULATED = "resident", "simulated"


@dataclass
class National:
    """Counts per province, commune and class; the approved figures as exported; run facts."""

    standard: Standard
    counts: pl.DataFrame  # province, commune, class, households, persons
    approved: pl.DataFrame  # province, commune, commune_name, year, households, persons, <class>…
    provinces: dict[str, str]  # code → name (from the manifest)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[tuple[Any, str, int, str, str]] = field(default_factory=list)
    unclassified: int = 0
    workers: int = 0

    @property
    def households(self) -> int:
        return int(self.counts["households"].sum()) if self.counts.height else 0


def choose_standard(standard_id: str | None, standard_file: Path | str | None) -> Standard:
    """The standard named, or the data file given (a province's own file names its base)."""
    if standard_file is not None:
        path = Path(standard_file)
        if not path.is_file():
            raise StandardError(f"{path}: no such file")
        std = load_standard(path)
        if standard_id and standard_id not in (std.id, std.base):
            raise StandardError(
                f"{path} is the standard {std.id!r}, not {standard_id!r}: give one or the other"
            )
        return std
    if not standard_id:
        raise StandardError("name a standard with --standard ID or give --standard-file F")
    return load_standard(standard_id)


def _client(scheduler: str | None, workers: int, memory_limit: str, processes: bool) -> Any:
    import dask
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    # Each worker's Polars pool gets its share of the cores, so N workers never run N × cores
    # threads on a small machine.
    # (set before the worker process starts: Polars reads it once, on import).
    threads = str(max(1, (os.cpu_count() or 1) // workers))
    with dask.config.set({"distributed.nanny.pre-spawn-environ.POLARS_MAX_THREADS": threads}):
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            memory_limit=memory_limit,
            processes=processes,
            dashboard_address=None,
        )
    return Client(cluster)


def simulate(
    input_dir: Path | str,
    standard: Standard,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    memory_limit: str = "2.5GiB",
    processes: bool = True,
    client: Any = None,
) -> National:
    """Every partition of ``input_dir`` classified under ``standard``, one Dask task each."""
    parts = partitions(input_dir)
    own = client is None
    if own:
        client = _client(scheduler, workers, memory_limit, processes)
    try:
        futures = client.map(
            partition_counts, [str(path) for _code, path in parts], standard=standard, pure=False
        )
        results: list[tuple[str, WhatIf]] = client.gather(futures)
        used = len(client.scheduler_info().get("workers", {}))
    finally:
        if own:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
    frames = [
        r.counts.with_columns(pl.lit(code).alias(PROVINCE)).rename({"unit": COMMUNE})
        for code, r in results
    ]
    counts = pl.concat(frames, how="vertical_relaxed").select(
        PROVINCE, pl.col(COMMUNE).cast(pl.String), "class", "households", "persons"
    )
    whole = combine([r for _c, r in results])
    return National(
        standard=standard,
        counts=counts,
        approved=read_approved(input_dir, [code for code, _p in parts]),
        provinces=_province_names(input_dir),
        warnings=whole.warnings,
        errors=whole.errors,
        unclassified=whole.unclassified,
        workers=used,
    )


def read_approved(input_dir: Path | str, provinces: Sequence[str]) -> pl.DataFrame:
    """The approved figures exported beside each partition (empty when none were)."""
    frames = []
    for code in provinces:
        path = Path(input_dir) / f"province={code}" / APPROVED
        if path.is_file():
            frames.append(pl.read_parquet(path).with_columns(pl.lit(code).alias(PROVINCE)))
    if not frames:
        return pl.DataFrame(schema={PROVINCE: pl.String, COMMUNE: pl.String})
    return pl.concat(frames, how="diagonal_relaxed")


def _province_names(input_dir: Path | str) -> dict[str, str]:
    path = Path(input_dir) / MANIFEST
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {p["code"]: p.get("name", "") for p in data.get("provinces", [])}


def _wide(counts: pl.DataFrame, keys: list[str]) -> dict[tuple[str, ...], dict[str, int]]:
    out: dict[tuple[str, ...], dict[str, int]] = {}
    grouped = counts.group_by([*keys, "class"]).agg(
        pl.col("households").sum(), pl.col("persons").sum()
    )
    for row in grouped.iter_rows(named=True):
        cell = out.setdefault(tuple(row[k] for k in keys), {})
        cell[f"{row['class']}_households"] = int(row["households"])
        cell[f"{row['class']}_persons"] = int(row["persons"])
    return out


def _approved_wide(approved: pl.DataFrame, keys: list[str]) -> dict[tuple[str, ...], dict]:
    if approved.height == 0:
        return {}
    figures = [c for c in ("households", "persons", *APPROVED_CLASSES) if c in approved.columns] + [
        f"{k}_persons" for k in APPROVED_CLASSES if f"{k}_persons" in approved.columns
    ]
    grouped = approved.group_by(keys).agg(
        *[pl.col(c).sum().alias(c) for c in figures],
        *[pl.col(c).is_null().any().alias(f"{c}_missing") for c in figures],
        *([pl.col("commune_name").first()] if "commune_name" in approved.columns else []),
    )
    out: dict[tuple[str, ...], dict] = {}
    for row in grouped.iter_rows(named=True):
        cell = {c: None if row[f"{c}_missing"] else row[c] for c in figures}
        cell["commune_name"] = row.get("commune_name")
        out[tuple(row[k] for k in keys)] = cell
    return out


def _points(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else b - a


def table(national: National, *, by_commune: bool) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of ``communes.csv`` (``by_commune``) or ``provinces.csv``."""
    keys = [PROVINCE, COMMUNE] if by_commune else [PROVINCE]
    simulated = _wide(national.counts, keys)
    approved = _approved_wide(national.approved, keys)
    header = [PROVINCE, "province_name"]
    if by_commune:
        header += [COMMUNE, "commune_name"]
    header += ["resident_households", "resident_persons", "simulated_households", "rate_base"]
    for k in COUNT_CLASSES:
        header += [f"{k}_households", f"{k}_persons", f"{k}_rate", f"{k}_persons_rate"]
    for k in APPROVED_CLASSES:
        header += [f"approved_{k}_households", f"approved_{k}_rate"]
        header += [f"difference_{k}_households", f"difference_{k}_rate_points"]
    rows = []
    for key in sorted(set(simulated) | set(approved)):
        sim = simulated.get(key, {})
        app = approved.get(key)
        total = sum(sim.get(f"{k}_households", 0) for k in COUNT_CLASSES)
        persons = sum(sim.get(f"{k}_persons", 0) for k in COUNT_CLASSES)
        resident = app.get("households") if app else None
        resident_p = app.get("persons") if app else None
        base, base_p = (resident, resident_p) if resident is not None else (total, persons)
        row: list[Any] = [key[0], national.provinces.get(key[0], "")]
        if by_commune:
            row += [key[1], (app or {}).get("commune_name") or ""]
        row += [resident, resident_p, total, RESIDENT if resident is not None else SIMULATED]
        for k in COUNT_CLASSES:
            n, p = sim.get(f"{k}_households", 0), sim.get(f"{k}_persons", 0)
            row += [n, p, percent(n, base), percent(p, base_p)]
        for k in APPROVED_CLASSES:
            a = app.get(k) if app else None
            a_rate = percent(a, resident) if a is not None else None
            n = sim.get(f"{k}_households", 0)
            row += [a, a_rate, None if a is None else n - a, _points(a_rate, percent(n, resident))]
        rows.append(row)
    return header, rows


def write_outputs(national: National, output: Path | str) -> list[Path]:
    """``provinces.csv`` and ``communes.csv`` under ``output`` (created)."""
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, by_commune in (("provinces.csv", False), ("communes.csv", True)):
        header, rows = table(national, by_commune=by_commune)
        path = out / name
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv_writer(fh)
            writer.writerow(header)
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
        written.append(path)
    return written


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="giamngheo simulate",
        description="Re-classify every province partition under a standard, on Dask.",
    )
    ap.add_argument("--standard", help="a national standard id, e.g. vn-2027")
    ap.add_argument("--standard-file", type=Path, help="a standard's TOML data file")
    ap.add_argument("--input", type=Path, required=True, help="the export_parquet directory")
    ap.add_argument("--scheduler", help="a Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    ap.add_argument("--workers", type=int, default=2, help="local worker processes (default 2)")
    ap.add_argument("--memory-limit", default="2.5GiB", help="per local worker (default 2.5GiB)")
    ap.add_argument("--output", type=Path, help="directory for provinces.csv and communes.csv")
    return ap


def main(argv: list[str]) -> int:
    """``giamngheo simulate``: 0 done, 1 some households could not be classified, 2 bad input."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.workers < 1:
        sys.stderr.write("giamngheo simulate: --workers must be 1 or more\n")
        return 2
    try:
        standard = choose_standard(args.standard, args.standard_file)
        partitions(args.input)
        wall0 = time.perf_counter()
        national = simulate(
            args.input,
            standard,
            scheduler=args.scheduler,
            workers=args.workers,
            memory_limit=args.memory_limit,
        )
        wall = time.perf_counter() - wall0
    except (StandardError, PartitionError, OSError) as exc:
        sys.stderr.write(f"giamngheo simulate: {exc}\n")
        return 2
    sys.stdout.write(summary(national, wall) + "\n")
    if args.output is not None:
        for path in write_outputs(national, args.output):
            sys.stdout.write(f"wrote {path}\n")
    for warning in render_warnings(national.warnings, "en"):
        sys.stderr.write(f"warning: {warning}\n")
    for household_id, _table, _row, fld, message in national.errors:
        sys.stderr.write(f"not classified: {household_id} {fld}: {message}\n")
    return 1 if national.unclassified else 0


def summary(national: National, wall: float) -> str:
    total = national.counts.group_by("class").agg(pl.col("households").sum())
    by_class = dict(total.iter_rows())
    households = national.households
    parts = [
        f"standard={national.standard.id}",
        f"provinces={national.counts[PROVINCE].n_unique()}",
        f"communes={national.counts[COMMUNE].n_unique()}",
        f"households={households}",
        *(f"{k}={int(by_class.get(k, 0))}" for k in COUNT_CLASSES),
        f"poor_rate={percent(int(by_class.get('poor', 0)), households)}",
        f"workers={national.workers}",
        f"seconds={wall:.1f}",
    ]
    return " ".join(parts)
