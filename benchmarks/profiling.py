"""The site's WSGI application under cProfile, for `benchmarks/load.py --profile DIR` only.

Each request is profiled in its own thread (cProfile follows one thread) and added to the
worker's totals, written to DIR/worker-PID.prof every 200 requests and at exit; `pstats` merges
the workers' files. Never used by `giamngheo serve`.
"""

from __future__ import annotations

import atexit
import cProfile
import os
import pstats
import threading
from pathlib import Path

from giamngheo.wsgi import application as site

FOLDER = Path(os.environ.get("GIAMNGHEO_PROFILE_DIR", "profile"))
_lock = threading.Lock()
_totals: list[pstats.Stats] = []
_count = [0]


def _dump() -> None:
    with _lock:
        if _totals:
            FOLDER.mkdir(parents=True, exist_ok=True)
            _totals[0].dump_stats(FOLDER / f"worker-{os.getpid()}.prof")


atexit.register(_dump)


def application(environ, start_response):
    profile = cProfile.Profile()
    profile.enable()
    try:
        body = b"".join(site(environ, start_response))
    finally:
        profile.disable()
    with _lock:
        if _totals:
            _totals[0].add(profile)
        else:
            _totals.append(pstats.Stats(profile))
        _count[0] += 1
        due = _count[0] % 200 == 0
    if due:
        _dump()
    return [body]
