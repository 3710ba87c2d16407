"""Alkire–Foster speed: ``giamngheo.standards.af.measures`` against ``mpitb`` on the same work.

    python benchmarks/af.py [--units 200000] [--runs 5]

The same work on both sides: point estimates only — H, A, M0, censored headcounts and
contributions (absolute and relative) for one 0/1 matrix (12 indicators weighted 1/12,
k = 3/12, household sizes as unit weights). ``mpitb``'s ``est`` always computes standard
errors and confidence bounds for H, A and M0 and has no switch to skip them, so its point
estimates are timed through its own ``est`` source with those lines removed (the lines are
named in the output); it is called with ``aux=[]`` because we do not compute uncensored
headcounts. Its answers are checked against the full ``est`` and against ours.

Each run is a fresh process timing the FIRST call of each tool (imports and data outside the
timing), wall and CPU seconds; the output gives every run, the median of the runs, the ratios
on both clocks and the load average (``/proc/loadavg``). The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import inspect
import json
import statistics
import subprocess
import sys
import textwrap
import time
import types
from typing import Any

import numpy as np


def _without_standard_errors() -> tuple[Any, list[str]]:
    """``mpitb``'s ``MPIToolbox.est``, compiled from its own source minus the standard-error lines."""
    import mpitb.core

    lines = textwrap.dedent(inspect.getsource(mpitb.core.MPIToolbox.est)).splitlines()
    stripped = [line.strip() for line in lines]
    try:
        z = stripped.index("z = norm.ppf(0.975)")
        first = stripped.index('if mname == "H":')
        last = stripped.index('rec["ll"] = rec["ul"] = rec["tval"] = rec["pval"] = None')
    except ValueError as exc:  # another mpitb version: the lines to remove must be found anew
        raise SystemExit(f"mpitb's est changed; standard-error lines not found ({exc})") from exc
    removed = [lines[z]] + lines[first : last + 1]
    kept = lines[:z] + lines[z + 1 : first] + lines[last + 1 :]
    namespace = dict(vars(mpitb.core))
    exec(compile("\n".join(kept), "<mpitb est without standard errors>", "exec"), namespace)
    return namespace["est"], removed


def once(units: int) -> dict[str, Any]:
    """One process: the first call of each tool on the same data, then the answers checked."""
    import pandas as pd
    from mpitb.core import MPIToolbox

    from giamngheo.standards.af import measures

    rng = np.random.default_rng(2025)
    names = [f"i{j:02d}" for j in range(12)]
    x = (rng.random((units, 12)) < rng.uniform(0.02, 0.25, 12)).astype(np.int8)
    sizes = rng.integers(1, 9, units).astype(float)
    weights = np.full(12, 1 / 12)
    k = 0.2501  # 3 of 12 indicators; a hair above 1/4 so both tools see the same float comparison
    df = pd.DataFrame(x, columns=names).assign(size=sizes)
    tool = MPIToolbox()
    tool.set(name="vn", dimensions=[(names[i : i + 2], f"d{i}") for i in range(0, 12, 2)])
    tool.svyset(weight="size")
    est_point, _ = _without_standard_errors()
    point = types.MethodType(est_point, tool)
    wdict = dict(zip(names, weights, strict=True))

    def clock(f: Any) -> tuple[Any, float, float]:
        t0, c0 = time.perf_counter(), time.process_time()
        out = f()
        return out, time.perf_counter() - t0, time.process_time() - c0

    r, ours_wall, ours_cpu = clock(lambda: measures(x, weights, k, unit_weights=sizes))
    est, theirs_wall, theirs_cpu = clock(
        lambda: point(df.copy(), "vn", klist=[k * 100], weights=wdict, svy=True, aux=[])
    )
    # the answers: ours, mpitb's point estimates, and mpitb's full est (standard errors included)
    full = pd.DataFrame(tool.est(df.copy(), "vn", klist=[k * 100], weights=wdict, svy=True))
    est = pd.DataFrame(est)
    for table in (est, full):
        scalar = table[table["indicator"].isna()].set_index("measure")["b"]
        assert abs(r.M0 - scalar["M0"]) < 1e-12 and abs(r.H - scalar["H"]) < 1e-12
        assert abs(r.A - scalar["A"]) < 1e-12
        for measure, ours in (("hdk", r.censored_headcounts), ("pctb", r.contributions)):
            b = table[table["measure"] == measure].set_index("indicator")["b"]
            assert np.allclose(ours, b.reindex(names).to_numpy(), atol=1e-12), measure
    assert "se" not in est.columns and "se" in full.columns
    return {
        "ours_wall": ours_wall,
        "ours_cpu": ours_cpu,
        "mpitb_wall": theirs_wall,
        "mpitb_cpu": theirs_cpu,
        "H": r.H,
        "A": r.A,
        "M0": r.M0,
    }


def _load() -> str:
    """The 1-minute load average (the machine is shared: read the figures beside it)."""
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.once:
        print(json.dumps(once(args.units)))
        return 0
    _, removed = _without_standard_errors()
    print(f"mpitb timed without its {len(removed)} standard-error lines of MPIToolbox.est:")
    print(textwrap.indent(textwrap.dedent("\n".join(removed)), "    | "))
    runs = []
    for i in range(args.runs):
        load = _load()
        proc = subprocess.run(
            [sys.executable, __file__, "--once", "--units", str(args.units)],
            capture_output=True,
            text=True,
            check=True,
        )
        run = json.loads(proc.stdout.strip().splitlines()[-1])
        runs.append(run)
        print(
            f"run {i + 1}: ours {run['ours_wall'] * 1e3:.1f} ms wall / "
            f"{run['ours_cpu'] * 1e3:.1f} ms CPU; mpitb point estimates "
            f"{run['mpitb_wall'] * 1e3:.1f} ms wall / {run['mpitb_cpu'] * 1e3:.1f} ms CPU; "
            f"ratio {run['mpitb_wall'] / run['ours_wall']:.1f}× wall, "
            f"{run['mpitb_cpu'] / run['ours_cpu']:.1f}× CPU; load {load}"
        )
    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(f"units={args.units} H={med['H']:.4f} A={med['A']:.4f} M0={med['M0']:.4f}")
    print(
        f"AF units={args.units} runs={len(runs)} first_call=1 same_work=point_estimates "
        f"ours_wall_s={med['ours_wall']:.4f} ours_cpu_s={med['ours_cpu']:.4f} "
        f"mpitb_wall_s={med['mpitb_wall']:.4f} mpitb_cpu_s={med['mpitb_cpu']:.4f} "
        f"ratio_wall={med['mpitb_wall'] / med['ours_wall']:.1f} "
        f"ratio_cpu={med['mpitb_cpu'] / med['ours_cpu']:.1f} "
        f"load_avg={_load()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
