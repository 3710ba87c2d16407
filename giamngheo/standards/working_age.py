"""The Labour Code 2019 retirement schedule (``data/working-age.toml``), read once.

Its own module, below both `indicators` (which needs it) and `standard` (which checks each
standard against the registered indicators), so the two import in one direction only.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


@cache
def working_age() -> dict[str, Any]:
    """Labour Code 2019 retirement schedule (``data/working-age.toml``)."""
    with (DATA_DIR / "working-age.toml").open("rb") as fh:
        return tomllib.load(fh)
