"""Standards as data: loading the TOML files, province overrides, and choosing the standard.

A standard is a frozen description of one legal text (see ``data/*.toml``); nothing here knows
what an indicator computes (that is :mod:`giamngheo.standards.indicators`).
"""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from giamngheo.standards.indicators import check_standard

DATA_DIR = Path(__file__).parent / "data"
NATIONAL_IDS = ("vn-2016", "vn-2022", "vn-2027")


class StandardError(ValueError):
    """A standard cannot be loaded, is unknown, or does not apply on the date."""


@dataclass(frozen=True)
class Lines:
    """Income lines for one area, VND per person per month; ``middle_upper`` None when unknown."""

    poverty_line: int
    near_poor_line: int
    middle_upper: int | None


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator of one standard: which registered kind computes it, with which parameters."""

    id: str
    kind: str
    dimension: str
    title: str
    article: str
    confirmed: bool
    note: str
    household_facts: tuple[str, ...]
    member_facts: tuple[str, ...]
    params: Mapping[str, Any]


@dataclass(frozen=True)
class AFParameters:
    """A standard read as an Alkire–Foster measure: equal weights, poor from ``k`` indicators."""

    indicators: int
    k: int
    article: str

    @property
    def weights(self) -> tuple[float, ...]:
        return (1 / self.indicators,) * self.indicators

    @property
    def cutoff(self) -> float:
        """``k`` as the share of the weighted score that ``af.measures`` takes."""
        return self.k / self.indicators


@dataclass(frozen=True)
class Standard:
    """A poverty standard as data (one national file, or a province's file with a ``base``)."""

    id: str
    title: str
    citation: str
    valid_from: dt.date
    valid_to: dt.date
    lines: Mapping[str, Lines]
    income_article: str
    middle_article: str
    class_rule: str
    threshold: int
    class_article: str
    indicators: tuple[IndicatorSpec, ...]
    dimensions: Mapping[str, str]
    provisional: bool = False
    base: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to

    def household_facts(self) -> tuple[str, ...]:
        """Household facts some indicator reads: the required household fields (contract)."""
        return tuple(dict.fromkeys(f for i in self.indicators for f in i.household_facts))

    def member_facts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for i in self.indicators for f in i.member_facts))

    def af_parameters(self) -> AFParameters:
        """How many indicators the AF measure weighs, and its cutoff ``k`` with the article.

        An ``[alkire_foster]`` section with ``k`` (and its ``article``) wins; without one, ``k``
        is the standard's own count threshold for a poor household ("deprived in at least N
        indicators", ``[class_rule]``), so the analytics start from the law's own line.
        """
        section = self.raw.get("alkire_foster", {})
        if "k" in section:
            k, article = int(section["k"]), str(section.get("article", ""))
        else:
            k, article = self.threshold, self.class_article
        n = len(self.indicators)
        if not 1 <= k <= n:
            raise StandardError(f"{self.id}: AF cutoff k = {k} is not between 1 and {n}")
        return AFParameters(indicators=n, k=k, article=article)

    def unconfirmed(self) -> list[str]:
        """Human-readable list of what the data file flags as not confirmed."""
        out = [f"{i.id}: {i.note}" for i in self.indicators if not i.confirmed]
        for key in ("income", "class_rule"):
            sect = self.raw.get(key, {})
            if not sect.get("confirmed", True) or sect.get("middle_confirmed") is False:
                out.append(f"{key}: {sect.get('note', '')}")
        return out


def available_standards() -> list[str]:
    """Ids of the national standards shipped with the engine, oldest first."""
    return sorted(p.stem for p in DATA_DIR.glob("vn-*.toml"))


def load_standard(source: str | Path | Mapping[str, Any] | Standard) -> Standard:
    """Load a standard by national id, by path to a TOML file, or from an already parsed mapping.

    A file or mapping with ``base = "<national id>"`` is a province's own standard: the base's
    data with the given values replacing it (thresholds may only be raised, see ``_check_raised``).
    """
    if isinstance(source, Standard):
        return source
    if isinstance(source, Mapping):
        return _build(_merge_base(dict(source)))
    text = str(source)
    if text in available_standards():
        return _load_national(text)
    path = Path(text)
    if path.suffix == ".toml" and path.is_file():
        with path.open("rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise StandardError(f"{path}: {exc}") from exc
        return _build(_merge_base(data))
    raise StandardError(f"unknown standard {text!r}; known: {', '.join(available_standards())}")


@cache
def _load_national(std_id: str) -> Standard:
    with (DATA_DIR / f"{std_id}.toml").open("rb") as fh:
        return _build(tomllib.load(fh))


def applicable_date(review_date: dt.date, round_type: str) -> dt.date:
    """The date a review's standard must be in force on (spec §0).

    A periodic review in year N sets the lists for N+1, so it uses 1 January N+1; an ad-hoc
    review uses its own date.
    """
    if round_type == "ad_hoc":
        return review_date
    return dt.date(review_date.year + 1, 1, 1)


def select_standard(
    review_date: dt.date,
    round_type: str = "periodic",
    explicit: str | Path | Standard | None = None,
    extra: Mapping[str, Standard] | None = None,
) -> Standard:
    """The standard a review uses: ``explicit`` wins, else the national one in force (spec §0).

    A named standard wins even outside its validity dates (household-facts.md, ``standard``:
    "wins over the selection rule"): that is how a province asks who would be poor under
    another standard today; :func:`standard_warnings` says when it is used out of force.
    ``extra`` maps further ids (province standards) that ``explicit`` may name. Raises
    :class:`StandardError` when the named one is unknown or, unnamed, none is in force.
    """
    if explicit is not None:
        if isinstance(explicit, str) and extra and explicit in extra:
            return extra[explicit]
        return load_standard(explicit)
    day = applicable_date(review_date, round_type)
    for std_id in available_standards():
        std = _load_national(std_id)
        if std.valid_on(day):
            return std
    raise StandardError(f"no national standard is in force on {day}")


def require_in_force(std: Standard, review_date: dt.date, round_type: str = "periodic") -> None:
    """Refuse a standard not in force for a review (the selection rule, spec §0).

    A review round applies only the standard in force on its applicable date, whatever a
    classification by name would allow. Raises :class:`StandardError`.
    """
    day = applicable_date(review_date, round_type)
    if not std.valid_on(day):
        raise StandardError(
            f"standard {std.id} is valid {std.valid_from}..{std.valid_to}, not on {day}"
        )


def standard_warnings(
    std: Standard, review_date: dt.date, round_type: str = "periodic"
) -> list[dict[str, Any]]:
    """Structured warnings (code, params, article) for classifying a review under ``std``.

    Empty when ``std`` is in force on the review's applicable date; otherwise
    ``standard_not_in_force``, so a result obtained under a named standard outside its dates
    is never mistaken for one the selection rule would give.
    """
    day = applicable_date(review_date, round_type)
    if std.valid_on(day):
        return []
    return [
        {
            "code": "standard_not_in_force",
            "params": {
                "standard": std.id,
                "valid_from": std.valid_from.isoformat(),
                "valid_to": std.valid_to.isoformat(),
                "date": day.isoformat(),
            },
            "article": str(std.raw.get("validity_article") or std.citation),
        }
    ]


def _merge_base(data: dict[str, Any]) -> dict[str, Any]:
    base_id = data.get("base")
    if not base_id:
        return data
    if base_id not in available_standards():
        raise StandardError(f"base {base_id!r} is not a national standard")
    base = copy.deepcopy(dict(_load_national(base_id).raw))
    merged = _deep_merge(base, {k: v for k, v in data.items() if k != "indicators"})
    by_id = {i["id"]: i for i in merged["indicators"]}
    for over in data.get("indicators", []):
        if over.get("id") not in by_id:
            raise StandardError(f"indicator {over.get('id')!r} is not in base {base_id}")
        by_id[over["id"]] = _deep_merge(by_id[over["id"]], over)
    merged["indicators"] = list(by_id.values())
    merged["base"] = base_id
    _check_raised(_load_national(base_id), merged)
    return merged


def _deep_merge(a: dict[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for key, val in b.items():
        out[key] = (
            _deep_merge(out[key], val)
            if isinstance(val, Mapping) and isinstance(out.get(key), dict)
            else val
        )
    return out


def _check_raised(base: Standard, merged: Mapping[str, Any]) -> None:
    # Provinces may set a standard higher than the national one, never lower (spec §0).
    for area, lines in base.lines.items():
        new = merged["income"][area]
        for key in ("poverty_line", "near_poor_line", "middle_upper"):
            old = getattr(lines, key)
            if old is not None and new.get(key) is not None and new[key] < old:
                raise StandardError(f"income.{area}.{key} {new[key]} is below the national {old}")


def _build(data: Mapping[str, Any]) -> Standard:
    try:
        income = data["income"]
        lines = {
            area: Lines(
                int(income[area]["poverty_line"]),
                int(income[area]["near_poor_line"]),
                None
                if income[area].get("middle_upper") is None
                else int(income[area]["middle_upper"]),
            )
            for area in ("rural", "urban")
        }
        indicators = tuple(
            IndicatorSpec(
                id=i["id"],
                kind=i["kind"],
                dimension=i["dimension"],
                title=i.get("title", i["id"]),
                article=i["article"],
                confirmed=bool(i.get("confirmed", False)),
                note=i.get("note", ""),
                household_facts=tuple(i.get("household_facts", ())),
                member_facts=tuple(i.get("member_facts", ())),
                params=dict(i.get("params", {})),
            )
            for i in data["indicators"]
        )
        std = Standard(
            id=data["id"],
            title=data.get("title", data["id"]),
            citation=data.get("citation", ""),
            valid_from=_as_date(data["valid_from"]),
            valid_to=_as_date(data["valid_to"]),
            lines=lines,
            income_article=income["article"],
            middle_article=income.get("middle_article", income["article"]),
            class_rule=data["class_rule"]["kind"],
            threshold=int(data["class_rule"]["threshold"]),
            class_article=data["class_rule"]["article"],
            indicators=indicators,
            dimensions={d["id"]: d.get("title", d["id"]) for d in data.get("dimensions", [])},
            provisional=bool(data.get("provisional", False)),
            base=data.get("base"),
            raw=copy.deepcopy(dict(data)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StandardError(f"standard data is incomplete or malformed: {exc!r}") from exc
    check_standard(std)
    return std


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
