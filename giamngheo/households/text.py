"""Text folded for search and duplicate checks: no diacritics, "đ" as "d", lower case.

Officers type names with and without Vietnamese tone marks, often on phones whose keyboards
drop them; "nguyen van an" must find "Nguyễn Văn An". One folding serves single records (this
function) and bulk imports (`fold_series`), built from the same table so the two never differ.
"""

import re

import polars as pl
from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def _build_table() -> dict[str, str]:
    # Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional hold every
    # Vietnamese letter; combining marks cover text typed in decomposed form.
    ranges = [(0x00C0, 0x024F), (0x0300, 0x036F), (0x1E00, 0x1EFF)]
    table: dict[str, str] = {}
    for start, end in ranges:
        for code in range(start, end + 1):
            char = chr(code)
            table[char] = unidecode(char).lower()
    return table


_TABLE = _build_table()
_TRANSLATE = str.maketrans(_TABLE)


def fold(text: str | None) -> str:
    """Lower-case ASCII with single spaces: the form `search_text` is stored and queried in."""
    if not text:
        return ""
    folded = str(text).translate(_TRANSLATE)
    if not folded.isascii():
        folded = unidecode(folded)
    return _SPACES.sub(" ", folded.lower()).strip()


def tokens(query: str) -> list[str]:
    """The words of a search query, folded; every one of them must match."""
    return [t for t in fold(query).split(" ") if t][:8]


def fold_series(series: pl.Series) -> pl.Series:
    """`fold` over a column at once, for imports of a million rows."""
    keys = list(_TABLE)
    out = (
        series.fill_null("")
        .cast(pl.String)
        .str.replace_many(keys, [_TABLE[k] for k in keys])
        .str.to_lowercase()
    )
    rest = out.str.contains(r"[^\x00-\x7f]")
    if rest.any():
        out = pl.Series(
            series.name,
            [fold(v) if r else v for v, r in zip(out.to_list(), rest.to_list(), strict=True)],
            dtype=pl.String,
        )
    return out.str.replace_all(r"\s+", " ").str.strip_chars()
