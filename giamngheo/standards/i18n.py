"""The engine's own message catalogue, with the standard library's gettext (no Django).

``.mo`` files are not committed: when one is missing, the ``.po`` is compiled in memory with
Babel, so a fresh clone renders Vietnamese without a build step.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "giamngheo_standards"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("vi", "en")


@cache
def translation(lang: str = "vi") -> gettext.NullTranslations:
    """The catalogue for ``lang`` (``vi`` or ``en``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return load_catalogue(LOCALE_DIR, lang)


def load_catalogue(locale_dir: Path, lang: str) -> gettext.NullTranslations:
    """The compiled ``.mo`` when present, else the ``.po`` compiled in memory."""
    folder = locale_dir / lang / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    po = folder / f"{DOMAIN}.po"
    # A compiled catalogue older than its source would render stale text: compile in memory.
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)
