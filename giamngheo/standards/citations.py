"""Legal citations as officials write them: "điểm c khoản 1 Điều 3 Nghị định số 07/2021/NĐ-CP".

The data files cite in one compact form, ``"Decree 07/2021/NĐ-CP, Art. 3(1)(c)"``, several
citations joined by ``"; "`` and a remark in brackets at the end. English pages show that form;
Vietnamese pages and documents show it rewritten here, with the instrument's Vietnamese name
from ``data/instruments.toml``. Nothing is guessed: a citation that does not follow the form, or
names an instrument or remark the data does not know, raises :class:`CitationError` (the tests
read every citation in the data), and :func:`cite` then shows the original text unchanged.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "instruments.toml"

# "Art. 3", "Art. 3(1)", "Art. 3(1)(c)", "Art. 3(2)(a)–(b)", "Art. 2(1)–(2)"
_ARTICLE = re.compile(
    r"Art\. (?P<art>\d+)"
    r"(?:\((?P<k1>\d+)\)(?:–\((?P<k2>\d+)\))?)?"
    r"(?:\((?P<p1>[a-zđ])\)(?:–\((?P<p2>[a-zđ])\))?)?"
)
_ARTICLES = re.compile(r"Articles (?P<a1>\d+)–(?P<a2>\d+)")
_ANNEX = re.compile(r"Annex (?P<annex>[IVXLC]+)")
_REMARK = re.compile(r"^(?P<body>.*?) \((?P<note>[^()]+)\)$")


class CitationError(ValueError):
    """A citation the data cannot name in Vietnamese."""


@dataclass(frozen=True)
class _Data:
    instruments: dict[str, str]
    notes: dict[str, str]


@cache
def _data() -> _Data:
    with DATA.open("rb") as fh:
        raw = tomllib.load(fh)
    # longest names first: "Labour Code 2019 (Law 45/2019/QH14)" before "Labour Code 2019"
    names = sorted(raw["instruments"], key=len, reverse=True)
    return _Data({n: raw["instruments"][n] for n in names}, dict(raw.get("notes", {})))


def instrument_name(name: str, lang: str = "vi") -> str:
    """An instrument's name in ``lang``: ``"Decree 07/2021/NĐ-CP"`` → ``"Nghị định số 07/2021/NĐ-CP"``."""
    if lang != "vi":
        return name
    try:
        return _data().instruments[name]
    except KeyError:
        raise CitationError(f"unknown legal instrument {name!r}; add it to {DATA.name}") from None


def cite_strict(text: str, lang: str = "vi") -> str:
    """``text`` in ``lang``; raises :class:`CitationError` when a part is not in the data."""
    if lang != "vi" or not text:
        return text
    return "; ".join(_segment(part) for part in text.split("; "))


def cite(text: str, lang: str = "vi") -> str:
    """``text`` in ``lang``, or unchanged when the data cannot name it (never a guessed name)."""
    try:
        return cite_strict(text, lang)
    except CitationError:
        return text


def _segment(text: str) -> str:
    for name, vi in _data().instruments.items():
        if text == name:
            return vi
        if text.startswith(name + " (") and text.endswith(")"):
            return f"{vi}{_note(text[len(name) + 2 : -1])}"
        if text.startswith(name + ", "):
            rest, note = text[len(name) + 2 :], ""
            if match := _REMARK.match(rest):
                rest, note = match["body"], _note(match["note"])
            return f"{_references(rest)} {vi}{note}"
    raise CitationError(f"citation {text!r} names no instrument of {DATA.name}")


def _note(note: str) -> str:
    try:
        return f" ({_data().notes[note]})"
    except KeyError:
        raise CitationError(f"remark {note!r} has no Vietnamese text in {DATA.name}") from None


def _references(text: str) -> str:
    return " và ".join(_reference(part.strip()) for part in text.split(" and "))


def _reference(part: str) -> str:
    if m := _ARTICLE.fullmatch(part):
        words = []
        if m["p1"]:
            points = [m["p1"]] + ([m["p2"]] if m["p2"] else [])
            words.append(", ".join(f"điểm {p}" for p in points))
        if m["k1"]:
            clauses = [m["k1"]] + ([m["k2"]] if m["k2"] else [])
            words.append(", ".join(f"khoản {k}" for k in clauses))
        words.append(f"Điều {m['art']}")
        return " ".join(words)
    if m := _ARTICLES.fullmatch(part):
        return f"Điều {m['a1']} và Điều {m['a2']}"
    if m := _ANNEX.fullmatch(part):
        return f"Phụ lục {m['annex']}"
    raise CitationError(f"reference {part!r} is not 'Art. N(k)(p)', 'Articles N–M' or 'Annex X'")


def standard_title(std: Any, lang: str = "vi") -> str:
    """A standard's title for pages: its ``title_vi`` in Vietnamese, never its internal id."""
    raw = getattr(std, "raw", {}) or {}
    if lang == "vi" and raw.get("title_vi"):
        return str(raw["title_vi"])
    return str(getattr(std, "title", "") or raw.get("title") or "")


def standard_instrument(std: Any, lang: str = "vi") -> str:
    """The instrument that issues a standard ("Nghị định số 07/2021/NĐ-CP"), or ""."""
    raw = getattr(std, "raw", {}) or {}
    name = raw.get("instrument")
    return instrument_name(str(name), lang) if name else ""


def standard_name(std: Any, lang: str = "vi") -> str:
    """Title and issuing instrument: "Chuẩn nghèo đa chiều … (Nghị định số 07/2021/NĐ-CP)"."""
    title, instrument = standard_title(std, lang), standard_instrument(std, lang)
    return f"{title} ({instrument})" if instrument else title
