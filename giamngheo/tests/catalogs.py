"""Compile the message catalogues before the tests, so a fresh clone's `pytest` needs no build step.

`.mo` files are not committed (see `.gitignore`); `make messages` compiles them with `pybabel
compile`. This does the same in pure Python with Babel, for every
`giamngheo/**/locale/<lang>/LC_MESSAGES/*.po` whose `.mo` is missing or older than it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent.parent


def stale_catalogs(root: Path = PACKAGE) -> list[Path]:
    """Every `.po` under `root` whose `.mo` is missing or older than it."""
    stale = []
    for po in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def compile_catalog(po: Path) -> Path:
    """Write `po`'s `.mo` beside it, as `pybabel compile` would (fuzzy entries left out)."""
    lang = po.parent.parent.name
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    mo = po.with_suffix(".mo")
    # Written aside then renamed: parallel test processes never read a half-written file.
    fd, tmp = tempfile.mkstemp(dir=po.parent, prefix=f".{po.stem}-", suffix=".mo")
    try:
        with os.fdopen(fd, "wb") as fh:
            write_mo(fh, catalog)
        os.replace(tmp, mo)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return mo


def compile_stale_catalogs(root: Path = PACKAGE) -> list[Path]:
    """Compile every stale catalogue under `root`; the `.mo` files written."""
    return [compile_catalog(po) for po in stale_catalogs(root)]


def forget_loaded_translations() -> None:
    """Make Django read the catalogues again, as it does when a test changes LOCALE_PATHS."""
    from django.test.signals import language_changed

    language_changed(setting="LOCALE_PATHS")
