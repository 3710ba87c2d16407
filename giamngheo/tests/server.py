"""A throw-away installation (SQLite in a temporary folder) for tests that start real processes."""

import os
import subprocess
import sys
from pathlib import Path

# Settings the test session sets for itself must not leak into the installation under test.
_CLEARED = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "TASKS_BACKEND", "DJANGO_SETTINGS_MODULE"}


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "giamngheo", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def scratch_installation(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """Environment for a migrated installation of its own, and the path of its database."""
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env["GIAMNGHEO_VAR_DIR"] = str(tmp_path / "var")
    env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[2]))
    manage(env, "migrate", "--noinput")
    return env, tmp_path / "var" / "giamngheo.sqlite3"
