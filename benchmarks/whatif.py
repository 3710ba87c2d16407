"""What-if counts: 1,000,000 synthetic households re-classified and counted per commune.

    python benchmarks/whatif.py [--households 1000000] [--communes 100]

The core a national simulation calls per partition (``giamngheo.standards.whatif``): the
vectorised engine classifies, Polars counts households and persons per unit and class. Runs
the national vn-2022, vn-2027 named on a 2026 date (with its warning) and vn-2022 with a
province's raised lines. Data: ``benchmarks/classify.py``'s seeded generator. Prints wall
time, CPU seconds and households per second; the last line is machine-readable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from classify import generate  # noqa: E402

from giamngheo.standards.whatif import raised_standard, whatif_counts  # noqa: E402

RAISED = {
    "rural": {"poverty_line": 1_800_000, "middle_upper": 2_700_000},
    "urban": {"poverty_line": 2_400_000, "middle_upper": 3_600_000},
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=1_000_000)
    ap.add_argument("--communes", type=int, default=100)
    args = ap.parse_args(argv)
    h, m = generate(args.households)
    h = h.with_columns((pl.int_range(pl.len()) % args.communes).alias("unit"))
    cases = {
        "vn-2022": ("vn-2022", None),
        "vn-2027@2026": ("vn-2027", dt.date(2025, 11, 15)),
        "vn-2022+raised": (raised_standard("vn-2022", RAISED), None),
    }
    whatif_counts(h.slice(0, 1000), m.slice(0, 4000), standard="vn-2022")  # warm-up
    summary = []
    for name, (std, day) in cases.items():
        wall0, cpu0 = time.perf_counter(), time.process_time()
        result = whatif_counts(h, m, standard=std, review_date=day)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        total = result.total()
        rate = args.households / wall
        print(
            f"{name:15s} wall_s={wall:.3f} cpu_s={cpu:.3f} households_per_s={rate:,.0f} "
            f"poor={total['poor'][0]} near_poor={total['near_poor'][0]} "
            f"units={result.counts['unit'].n_unique()} warnings={len(result.warnings)}"
        )
        summary.append(f"{name}={wall:.3f}")
    print(f"WHATIF households={args.households} " + " ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
