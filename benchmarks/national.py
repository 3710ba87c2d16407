"""National what-if on Dask: 27,000,000 synthetic households in 34 province partitions.

    python benchmarks/national.py [--households 27000000] [--provinces 34] [--communes 100]
                                  [--workers 2] [--data DIR] [--standard vn-2027]

Step 1 (not timed): ``benchmarks/classify.py``'s seeded generator writes each province's
households and members as Parquet in the layout ``giamngheo export_parquet`` writes
(``DIR/province=<code>/households.parquet``, ``members.parquet``), unless ``DIR`` already holds
them for the same size. Step 2 (timed): ``giamngheo.reports.national.simulate`` alone, run in a
fresh child process with a ``LocalCluster`` of ``--workers`` processes (one thread each).

Peak memory is the sum, over every process of the simulation's tree (client, scheduler,
nannies, workers), of each process's own peak RSS (``VmHWM`` in ``/proc``, read just before the
cluster closes) — never less than the tree's peak at any instant. Prints wall and CPU seconds
(the CPU of the whole tree, from ``/proc``) and the load average; the last line is
``RESULT households=… seconds=S peak_gib=G engine=dask workers=W``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from classify import generate  # noqa: E402

from giamngheo.standards.partitions import (  # noqa: E402
    COMMUNE,
    HOUSEHOLDS,
    MANIFEST,
    MEMBERS,
    PROVINCE,
    SCREENED_OUT,
    partition_dir,
)

GIB = 1024**3


def generate_dir(
    root: Path, households: int, provinces: int, communes: int, distinct: int = 4
) -> None:
    """Write the partitions (skipped when the manifest says they are already there).

    ``distinct`` partitions are generated; the others are copies of them (seeded generation of
    27 M households and 97 M members takes most of an hour on two shared cores, and the
    simulation does the same work on a copy as on a fresh draw).
    """
    manifest = root / MANIFEST
    wanted = {"households": households, "provinces": provinces, "communes": communes}
    if manifest.is_file() and json.loads(manifest.read_text()).get("synthetic") == wanted:
        print(f"data: reusing {root}")
        return
    root.mkdir(parents=True, exist_ok=True)
    base = households // provinces
    extra = households % provinces
    # Sources are the first partitions, which hold the extra household when there is one.
    distinct = max(1, min(distinct, provinces, extra or provinces))
    t0 = time.perf_counter()

    def one(i: int) -> None:
        code = f"{i + 1:02d}"
        out = partition_dir(root, code)
        if _complete(out, base + 1 if i < extra else base):
            print(f"data: province {code}: kept", flush=True)
            return
        n = base + 1 if i < extra else base
        h, m = generate(n, start=i * (base + 1))
        commune = pl.Series(np.random.default_rng(i).integers(0, communes, n)).cast(pl.String)
        h = h.with_columns(
            pl.lit(code).alias(PROVINCE),
            commune.str.zfill(3).alias(COMMUNE),
            pl.lit(False).alias(SCREENED_OUT),
        )
        out.mkdir(exist_ok=True)
        h.write_parquet(out / HOUSEHOLDS, row_group_size=256_000)
        m.write_parquet(out / MEMBERS, row_group_size=1_000_000)
        print(f"data: province {code}: {n:,} households, {m.height:,} members", flush=True)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, range(distinct)))
    for i in range(distinct, provinces):
        n = base + 1 if i < extra else base
        source = partition_dir(root, f"{i % distinct + 1:02d}")
        out = partition_dir(root, f"{i + 1:02d}")
        out.mkdir(exist_ok=True)
        if i < extra:
            shutil.copyfile(source / HOUSEHOLDS, out / HOUSEHOLDS)
            shutil.copyfile(source / MEMBERS, out / MEMBERS)
        else:  # one household fewer than its source
            h = pl.read_parquet(source / HOUSEHOLDS).head(n)
            m = pl.read_parquet(source / MEMBERS)
            m = m.filter(pl.col("household_id").is_in(h["household_id"].implode()))
            h.write_parquet(out / HOUSEHOLDS, row_group_size=256_000)
            m.write_parquet(out / MEMBERS, row_group_size=1_000_000)
        print(f"data: province {i + 1:02d}: a copy of {source.name}", flush=True)
    names = [{"code": f"{i + 1:02d}", "name": f"Province {i + 1:02d}"} for i in range(provinces)]
    manifest.write_text(json.dumps({"synthetic": wanted, "provinces": names}))
    print(f"data: generated in {time.perf_counter() - t0:.0f} s (not timed)")


def _complete(path: Path, n: int) -> bool:
    try:
        return (
            pl.scan_parquet(path / HOUSEHOLDS).select(pl.len()).collect().item() == n
            and pl.read_parquet_schema(path / MEMBERS) is not None
        )
    except (OSError, pl.exceptions.PolarsError):
        return False


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it (any thread may have started them)."""
    parent: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            parent.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += parent.get(p, [])
    return out


def _loadavg() -> list[str]:
    with open("/proc/loadavg") as fh:
        return fh.read().split()[:3]


def _status(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def run_simulation(root: Path, workers: int, standard: str) -> int:
    """The timed step, in this (fresh) process: prints one JSON line of figures."""
    from giamngheo.reports.national import _client, simulate
    from giamngheo.standards import load_standard

    std = load_standard(standard)
    client = _client(None, workers, "2.5GiB", True)
    client.wait_for_workers(workers)
    cpu_before = sum(_cpu(p) for p in _tree(os.getpid()))
    wall0 = time.perf_counter()
    national = simulate(root, std, client=client)
    wall = time.perf_counter() - wall0
    tree = _tree(os.getpid())
    peaks = {p: _status(p, "VmHWM") for p in tree}
    peak = sum(peaks.values())
    cpu = sum(_cpu(p) for p in tree) - cpu_before
    client.close()
    client.cluster.close()
    poor = int(national.counts.filter(pl.col("class") == "poor")["households"].sum())
    print(
        json.dumps(
            {
                "households": national.households,
                "seconds": wall,
                "cpu": cpu,
                "peak": peak,
                "processes": len(tree),
                "peak_by_process_mib": sorted(
                    (round(v / 2**20) for v in peaks.values()), reverse=True
                ),
                "workers": national.workers,
                "poor": poor,
                "unclassified": national.unclassified,
            }
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=27_000_000)
    ap.add_argument("--provinces", type=int, default=34)
    ap.add_argument("--communes", type=int, default=100, help="per province")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--standard", default="vn-2027")
    ap.add_argument("--data", type=Path, default=Path("var/bench-national"))
    ap.add_argument("--simulate-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.simulate_only:
        return run_simulation(args.data, args.workers, args.standard)
    generate_dir(args.data, args.households, args.provinces, args.communes)
    load = _loadavg()
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--simulate-only",
            "--data",
            str(args.data),
            "--workers",
            str(args.workers),
            "--standard",
            args.standard,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode:
        sys.stderr.write(child.stderr)
        return child.returncode
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    load_after = _loadavg()
    print(
        f"simulate: wall_s={figures['seconds']:.1f} cpu_s={figures['cpu']:.1f} "
        f"processes={figures['processes']} peak_mib={figures['peak_by_process_mib']} poor={figures['poor']:,} "
        f"unclassified={figures['unclassified']} load_before={'/'.join(load)} "
        f"load_after={'/'.join(load_after)}"
    )
    print(
        f"RESULT households={figures['households']} seconds={figures['seconds']:.1f} "
        f"peak_gib={figures['peak'] / GIB:.2f} engine=dask workers={figures['workers']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
