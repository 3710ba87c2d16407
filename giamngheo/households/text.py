"""Text folded for search and duplicate checks: no diacritics, "đ" as "d", lower case.

Officers type names with and without Vietnamese tone marks, often on phones whose keyboards
drop them; "nguyen van an" must find "Nguyễn Văn An". One folding serves single records (this
function) and bulk imports (`fold_series`), built from the same table so the two never differ.

A household's `search_text` holds its code between hashes, then its names and address as folded
words, each field between slashes and every word between spaces:
"#79-001-0007# / nguyen van an / nguyen thi van / xom dinh /". A word is then found whole with
LIKE '% an %' ("an" is not inside "van"), the start of a word with '% an', a full name with
'/ nguyen van an /' and a code or its start with '#79-001-0007#' or '#79-001', the same on
SQLite and PostgreSQL (whose trigram index answers every one of these) without extensions.
"""

import re
from collections.abc import Iterable

import polars as pl
from unidecode import unidecode

_SPACES = re.compile(r"\s+")
_NOT_WORD = r"[^a-z0-9]+"
_NOT_WORDS = re.compile(_NOT_WORD)
FIELD = "/"
CODE = "#"
_NOT_CODE = re.compile(r"[\s#/]+")
# A query of more words is no name; the first eight narrow enough.
MAX_TOKENS = 8


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


def words(text: str | None) -> str:
    """Folded words separated by single spaces, punctuation dropped ("12/3 Lê Lợi" → "12 3 le loi")."""
    return _NOT_WORDS.sub(" ", fold(text)).strip()


def tokens(query: str) -> list[str]:
    """The words of a search query, folded; every one of them must match."""
    return words(query).split()[:MAX_TOKENS]


def code_key(code: str | None) -> str:
    """A household code as `search_text` holds it: folded, without spaces, hashes or slashes."""
    return _NOT_CODE.sub("", fold(code))


def search_text(code: str | None, fields: Iterable[str | None]) -> str:
    """What `Household.search_text` holds for a code and its fields (head, members, address):
    the code between hashes, then each field's words once, between slashes."""
    kept: list[str] = []
    for field in fields:
        folded = words(field)
        if folded and folded not in kept:
            kept.append(folded)
    text = f"{CODE}{code_key(code)}{CODE}"
    return f"{text} {FIELD} {f' {FIELD} '.join(kept)} {FIELD}" if kept else text


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


def search_text_series(codes: pl.Series, fields: pl.Series) -> pl.Series:
    """`search_text` over a column of codes and one of lists of fields at once, for imports and
    the demo."""
    rows = pl.DataFrame({"row": pl.int_range(0, len(fields), eager=True), "field": fields})
    exploded = rows.explode("field")
    folded = fold_series(exploded["field"]).str.replace_all(_NOT_WORD, " ").str.strip_chars()
    joined = (
        exploded.with_columns(folded.alias("field"))
        .filter(pl.col("field") != "")
        .group_by("row", maintain_order=True)
        .agg(pl.col("field").unique(maintain_order=True))
        .select(
            "row",
            (f" {FIELD} " + pl.col("field").list.join(f" {FIELD} ") + f" {FIELD}").alias("text"),
        )
    )
    keys = fold_series(codes).str.replace_all(_NOT_CODE.pattern, "")
    names = rows.select("row").join(joined, on="row", how="left", maintain_order="left")["text"]
    return (CODE + keys + CODE + names.fill_null("")).alias(fields.name)
