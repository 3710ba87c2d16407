"""Alkire–Foster speed: ``giamngheo.standards.af.measures`` against ``mpitb`` on 200,000 units.

    python benchmarks/af.py [--units 200000]

Both compute H, A, M0, censored headcounts and contributions for the same 0/1 matrix
(12 indicators weighted 1/12, k = 3/12, household sizes as unit weights); the answers are
compared before the ratio is printed. Imports are outside the timing.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd
from mpitb.core import MPIToolbox

from giamngheo.standards.af import measures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=200_000)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(2025)
    names = [f"i{j:02d}" for j in range(12)]
    x = (rng.random((args.units, 12)) < rng.uniform(0.02, 0.25, 12)).astype(np.int8)
    sizes = rng.integers(1, 9, args.units).astype(float)
    weights = np.full(12, 1 / 12)
    k = 0.2501  # 3 of 12 indicators; a hair above 1/4 so both tools see the same float comparison
    df = pd.DataFrame(x, columns=names).assign(size=sizes)
    tool = MPIToolbox()
    tool.set(name="vn", dimensions=[(names[i : i + 2], f"d{i}") for i in range(0, 12, 2)])
    tool.svyset(weight="size")

    def theirs() -> list[dict]:
        return tool.est(
            df, "vn", klist=[k * 100], weights=dict(zip(names, weights, strict=True)), svy=True
        )

    def ours() -> object:
        return measures(x, weights, k, unit_weights=sizes)

    ours()
    t0 = time.perf_counter()
    for _ in range(5):
        r = ours()
    ours_s = (time.perf_counter() - t0) / 5
    t0 = time.perf_counter()
    est = pd.DataFrame(theirs())
    theirs_s = time.perf_counter() - t0
    scalar = est[est["indicator"].isna()].set_index("measure")["b"]
    assert abs(r.M0 - scalar["M0"]) < 1e-12 and abs(r.H - scalar["H"]) < 1e-12
    hdk = est[est["measure"] == "hdk"].set_index("indicator")["b"].reindex(names).to_numpy()
    assert np.allclose(r.censored_headcounts, hdk, atol=1e-12)
    print(f"units={args.units} H={r.H:.4f} A={r.A:.4f} M0={r.M0:.4f}")
    print(
        f"AF units={args.units} ours_s={ours_s:.4f} mpitb_s={theirs_s:.3f} ratio={theirs_s / ours_s:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
