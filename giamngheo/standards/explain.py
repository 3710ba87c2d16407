"""The contract's output line: structured explanation (codes) and its rendering.

Codes and parameters are produced from the engine's results; text is attached here, in the
requested language, from the engine's own gettext catalogue.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from babel.dates import format_date
from babel.numbers import format_decimal

from giamngheo.standards import indicators
from giamngheo.standards.citations import cite, standard_name
from giamngheo.standards.engine import Outcome
from giamngheo.standards.i18n import translation
from giamngheo.standards.indicators import N_
from giamngheo.standards.standard import StandardError, load_standard
from giamngheo.standards.tables import MISSING
from giamngheo.standards.version import ENGINE_VERSION
from giamngheo.standards.vocab import CLASSES, HOUSEHOLD_FIELDS, INFO_DEVICES, MEMBER_FIELDS

MESSAGES = {
    "income_at_or_below_line": N_(
        "Income of {income} VND per person per month is at or below the line of {line} VND."
    ),
    "income_above_line": N_(
        "Income of {income} VND is above the line of {line} VND, and this standard defines no middle band."
    ),
    "income_in_middle_band": N_(
        "Income of {income} VND is above the line of {line} VND and at or below {upper} VND (middle living standard band)."
    ),
    "income_above_middle_band": N_(
        "Income of {income} VND is above the middle living standard band, whose upper bound is {upper} VND."
    ),
    "income_at_or_below_poverty_line": N_(
        "Income of {income} VND is at or below the poverty line of {line} VND: poor whatever the deprivations."
    ),
    "income_between_lines": N_(
        "Income of {income} VND is above the poverty line of {line} VND and at or below the near-poor line of {near} VND."
    ),
    "deprivations_given": N_("Deprivations were decided beforehand and given: {count}."),
    "deprived": N_("Deprived on “{indicator}”: {condition}."),
    "deprived_member": N_("Deprived on “{indicator}”: {condition} (member {member}, aged {age})."),
    "deprived_share": N_(
        "Deprived on “{indicator}”: {condition} ({dependants} of {members} members)."
    ),
    "deprived_given": N_("Deprived on “{indicator}” (given)."),
}
WARNINGS = {
    "standard_not_in_force": N_(
        "Classified under {standard}, as named, which is in force from {valid_from} to "
        "{valid_to}, not on {date}: the selection rule would not use it for this review."
    ),
}
COUNTED_RULES = {
    # (singular, plural) for ngettext
    "poor_by_count": (
        N_(
            "Class: poor — income at or below the line and deprived on {count} indicator, at least {threshold}."
        ),
        N_(
            "Class: poor — income at or below the line and deprived on {count} indicators, at least {threshold}."
        ),
    ),
    "near_poor_by_count": (
        N_(
            "Class: near-poor — income at or below the line and deprived on {count} indicator, fewer than {threshold}."
        ),
        N_(
            "Class: near-poor — income at or below the line and deprived on {count} indicators, fewer than {threshold}."
        ),
    ),
}
RULES = {
    "poor_by_income": N_(
        "Class: poor — income at or below the poverty line, whatever the deprivations."
    ),
    "middle_band": N_(
        "Class: middle living standard — income within the middle band, deprivations are not used."
    ),
    "above_band": N_("Class: not poor — income above the middle living standard band."),
    "above_line_no_band": N_(
        "Class: not poor — income above the line (no middle band in this standard)."
    ),
}


def output_line(
    o: Outcome,
    i: int,
    lang: str | None = "vi",
    starts: np.ndarray | None = None,
    member_ids: list[Any] | None = None,
) -> dict[str, Any]:
    """The contract's output object for household ``i`` (or its error line).

    ``lang=None`` leaves ``explanation_text`` out: stores keep the codes and render on display.
    """
    t = o.t
    hid = t.household_id[i]
    if i in o.errors:
        return {"household_id": hid, "error": o.errors[i].as_dict()}
    std = o.stds[int(o.std_of[i])]
    if starts is None:
        starts = np.concatenate([[0], np.cumsum(t.size)])
    lo, hi = int(starts[i]), int(starts[i + 1])
    items: list[dict[str, Any]] = [_income_item(o, i, std)]
    deprived: list[str] = []
    deprived_members: dict[str, list[str]] = {}
    if o.given[i]:
        items.append({"code": "deprivations_given", "params": {"count": int(o.count[i])}})
    for spec in std.indicators:
        if not o.flags[spec.id][i]:
            continue
        deprived.append(spec.id)
        kind = indicators.get(spec.kind)
        base = {"code": "deprived", "indicator": spec.id, "article": spec.article}
        if o.given[i]:
            items.append({**base, "code": "deprived_given", "params": {}})
            continue
        if kind.level == "household":
            items.append({**base, "params": _household_evidence(o, i, spec)})
            continue
        cause = o.causes[(std.id, spec.id)][lo:hi]
        all_ids = t.member_id if member_ids is None else member_ids
        ids = [str(all_ids[lo + j]) for j in np.flatnonzero(cause).tolist()]
        deprived_members[spec.id] = ids
        if spec.kind == "dependency_ratio":
            items.append(
                {
                    **base,
                    "code": "deprived_share",
                    "params": {
                        "dependants": len(ids),
                        "members": int(t.size[i]),
                        "max_share": spec.params["max_share"],
                    },
                }
            )
            continue
        for j in np.flatnonzero(cause).tolist():
            items.append(
                {
                    **base,
                    "code": "deprived_member",
                    "member": str(all_ids[lo + j]),
                    "params": _member_evidence(o, lo + j, spec),
                }
            )
    klass = CLASSES[int(o.klass[i])]
    items.append(
        {
            "code": "class_rule",
            "params": {
                "class": klass,
                "rule": _rule(o, i, std, klass),
                "count": int(o.count[i]),
                "threshold": std.threshold,
            },
            "article": std.class_article,
        }
    )
    warnings = o.warnings_of(i)
    return {
        "household_id": hid,
        "standard": std.id,
        "class": klass,
        "deprived": deprived,
        "deprivation_count": int(o.count[i]),
        "deprived_members": deprived_members,
        "poverty_line": _int(o.line[i]),
        "near_poor_line": _int(o.near[i]),
        "middle_upper": _int(o.upper[i]),
        "engine_version": ENGINE_VERSION,
        "explanation": items,
        "explanation_text": render(items, std, lang) if lang else None,
        "warnings": warnings,
        "warnings_text": render_warnings(warnings, lang) if lang else None,
    }


def _int(x: float) -> int | None:
    return None if np.isnan(x) else int(x)


def _income_item(o: Outcome, i: int, std: Any) -> dict[str, Any]:
    income = float(o.t.h["income_per_capita_month"][i])
    inc = int(income) if income.is_integer() else income
    line, near, upper = _int(o.line[i]), _int(o.near[i]), _int(o.upper[i])
    # a classified household always has its lines; only the middle band's upper one is optional
    assert line is not None and near is not None
    if std.class_rule == "income_alone_then_count":
        if income <= line:
            return {
                "code": "income_at_or_below_poverty_line",
                "params": {"income": inc, "line": line},
                "article": std.income_article,
            }
        if income <= near:
            return {
                "code": "income_between_lines",
                "params": {"income": inc, "line": line, "near": near},
                "article": std.income_article,
            }
        line = near
    elif income <= line:
        return {
            "code": "income_at_or_below_line",
            "params": {"income": inc, "line": line},
            "article": std.income_article,
        }
    if upper is None:
        return {
            "code": "income_above_line",
            "params": {"income": inc, "line": line},
            "article": std.income_article,
        }
    if income <= upper:
        return {
            "code": "income_in_middle_band",
            "params": {"income": inc, "line": line, "upper": upper},
            "article": std.middle_article,
        }
    return {
        "code": "income_above_middle_band",
        "params": {"income": inc, "upper": upper},
        "article": std.middle_article,
    }


def _rule(o: Outcome, i: int, std: Any, klass: str) -> str:
    if klass in ("poor", "near_poor"):
        if (
            std.class_rule == "income_alone_then_count"
            and o.t.h["income_per_capita_month"][i] <= o.line[i]
        ):
            return "poor_by_income"
        return f"{klass}_by_count"
    if klass == "middle":
        return "middle_band"
    return "above_line_no_band" if np.isnan(o.upper[i]) else "above_band"


def decode(table: str, name: str, value: Any) -> Any:
    """A coded value back to the contract's value (for explanation parameters)."""
    kind, values = (HOUSEHOLD_FIELDS if table == "households" else MEMBER_FIELDS)[name]
    if kind == "enum":
        assert values is not None  # an enum field lists its values
        return None if value < 0 else values[int(value)]
    if kind == "bool":
        return None if value == MISSING else bool(value)
    if kind == "enum_list":
        return (
            None if value == MISSING else [d for b, d in enumerate(INFO_DEVICES) if value >> b & 1]
        )
    if kind in ("number", "int"):
        v = float(value)
        return None if np.isnan(v) else (int(v) if v.is_integer() else v)
    return value


def _household_evidence(o: Outcome, i: int, spec: Any) -> dict[str, Any]:
    params = {f: decode("households", f, o.t.h[f][i]) for f in spec.household_facts}
    if spec.kind == "housing_area":
        size = int(indicators.effective_size(o.t)[i])
        params["size"] = size
        params["m2_per_person"] = (
            round(float(o.t.h["floor_area_m2"][i]) / size, 2) if size else None
        )
    return params


def _member_evidence(o: Outcome, j: int, spec: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"age": int(o.t.mem["_age"][j])}
    for f in spec.member_facts:
        params[f] = decode("members", f, o.t.mem[f][j])
    return params


def render(items: list[dict[str, Any]], std: Any, lang: str = "vi") -> list[str]:
    """Explanation items as sentences in ``lang`` (catalogue ``giamngheo_standards``)."""
    tr = translation(lang)
    _ = tr.gettext
    specs = {s.id: s for s in std.indicators}
    out = []
    for item in items:
        p = dict(item.get("params", {}))
        for key in ("income", "line", "near", "upper"):
            if key in p and p[key] is not None:
                p[key] = format_decimal(p[key], locale=lang)
        if item["code"] == "class_rule" and p["rule"] in COUNTED_RULES:
            singular, plural = COUNTED_RULES[p["rule"]]
            text = tr.ngettext(singular, plural, p["count"]).format(**p)
        elif item["code"] == "class_rule":
            text = _(RULES[p["rule"]]).format(**p)
        else:
            if "indicator" in item:
                spec = specs[item["indicator"]]
                p["indicator"] = _(spec.title)
                p["condition"] = indicators.get(spec.kind).describe(spec.params, _)
                p.setdefault("member", item.get("member"))
            text = _(MESSAGES[item["code"]]).format(**p)
        if item.get("article"):
            text = f"{text} ({cite(item['article'], lang)})"
        out.append(text)
    return out


def render_warnings(items: list[dict[str, Any]], lang: str = "vi") -> list[str]:
    """Warnings as sentences in ``lang``, with dates as the language writes them."""
    _ = translation(lang).gettext
    out = []
    for item in items:
        p = dict(item.get("params", {}))
        for key in ("valid_from", "valid_to", "date"):
            if isinstance(p.get(key), str):
                p[key] = _day(p[key], lang)
        if isinstance(p.get("standard"), str):
            p["standard"] = _standard_name(p["standard"], lang)
        text = _(WARNINGS[item["code"]]).format(**p)
        if item.get("article"):
            text = f"{text} ({cite(item['article'], lang)})"
        out.append(text)
    return out


def _day(iso: str, lang: str) -> str:
    # Vietnamese documents write dates day first (ngày/tháng/năm).
    return format_date(
        dt.date.fromisoformat(iso), "dd/MM/yyyy" if lang == "vi" else "long", locale=lang
    )


def _standard_name(std_id: str, lang: str) -> str:
    try:
        return standard_name(load_standard(std_id), lang)
    except StandardError:
        return std_id
