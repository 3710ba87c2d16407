"""The poverty standards engine: the law as data, household facts in, explained classes out.

Pure Python (never imports Django). Contract: ``household-facts.md``; standards: ``data/*.toml``.

Public API (names are stable; other apps call these):

``load_standard(id_or_path) -> Standard``
    A national standard by id (``"vn-2016"``, ``"vn-2022"``, ``"vn-2027"``), a TOML file path, or a
    mapping in the same format; a file/mapping with ``base = "<national id>"`` is a province's own
    standard (the base's data with thresholds raised).
``available_standards() -> list[str]``
    Ids of the national standards shipped with the engine.
``select_standard(review_date, round_type, explicit=None, extra=None) -> Standard``
    The standard a review uses: ``explicit`` wins, even outside its validity dates; else
    periodic review in year N → standard in force on 1 January N+1; ad-hoc → in force on the
    review date. Raises ``StandardError``.
``require_in_force(standard, review_date, round_type)``
    Raises ``StandardError`` when the standard is not in force for that review (review rounds).
``standard_warnings(standard, review_date, round_type) -> list[dict]``
    ``[{"code": "standard_not_in_force", "params": …, "article": …}]`` when it is not, else ``[]``.
``classify_household(facts, *, standard=None, lang="vi") -> dict``
    One contract input object → the contract output line (or ``{"household_id", "error"}``).
``classify_batch(households, members, *, standard=None, explain=False) -> polars.DataFrame``
    Vectorised path over two tables joined on ``household_id``; the same answers.
``classify_records(records, *, standard=None, lang="vi") -> Iterator[dict]``
    A stream of input objects → output lines in order (CLI and ``POST /api/v1/classify``).
``classify_codes(records, *, standard=None) -> list[dict]``
    Input objects → output lines with codes only (no text: what a store keeps), the structured
    explanations laid out for the whole batch at once (``explain_batch.explain_batch``).
``ENGINE_VERSION``
    Stored with every classification.

Precedence of the named standard: the ``standard`` argument, then a household's ``standard``
field (a national id or an id in ``extra``, a mapping of province standards the caller hands in),
then the selection rule. An unknown ``standard`` argument raises ``StandardError``; everything
wrong with a household's own facts (its ``standard`` field included) is an error line instead.
A named standard used outside its validity dates classifies, and the output line's ``warnings``
(codes and params; ``warnings_text`` rendered) says so; ``classify_batch`` has a ``warnings`` column.

``Standard.af_parameters() -> AFParameters``
    The standard read as an Alkire–Foster measure: its number of indicators, equal weights and
    the cutoff ``k`` (the class rule's count threshold unless the file says otherwise).

Also: ``giamngheo.standards.af.measures`` (Alkire–Foster), ``giamngheo.standards.explain.render``
(explanation items to text) and ``giamngheo classify`` (``giamngheo.standards.cli:main``).
"""

from giamngheo.standards.api import (
    classify_batch,
    classify_codes,
    classify_household,
    classify_records,
)
from giamngheo.standards.standard import (
    AFParameters,
    Standard,
    StandardError,
    available_standards,
    load_standard,
    require_in_force,
    select_standard,
    standard_warnings,
)
from giamngheo.standards.version import ENGINE_VERSION

__all__ = [
    "ENGINE_VERSION",
    "AFParameters",
    "Standard",
    "StandardError",
    "available_standards",
    "classify_batch",
    "classify_codes",
    "classify_household",
    "classify_records",
    "load_standard",
    "require_in_force",
    "select_standard",
    "standard_warnings",
]
