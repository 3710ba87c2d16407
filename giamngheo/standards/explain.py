"""The contract's output line: structured explanation (codes) and its rendering.

Codes and parameters are produced from the engine's results; text is attached here, in the
requested language, from the engine's own gettext catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
from giamngheo.standards.vocab import (
    CLASSES,
    HOUSEHOLD_FIELDS,
    INFO_DEVICES,
    LABELS,
    MEMBER_FIELDS,
)

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
        "explanation_text": render(items, std, lang, deprived_members) if lang else None,
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


MemberLabel = Callable[[str, Mapping[str, Any]], str]
"""Names one member: ``(member_id, evidence params) -> "Con: Nguyễn Văn An, 7 tuổi"``."""

GROUPED = {
    # One sentence per deprived indicator; the members concerned are listed, the law once.
    "members": N_("Deprived on “{indicator}”: {condition}. Members concerned: {members}."),
    "detail": N_("Deprived on “{indicator}”: {condition} ({detail})."),
    "detail_members": N_("Deprived on “{indicator}”: {condition} ({detail}): {members}."),
}
DETAILS = {
    # What the household's own facts show, beside the indicator's legal condition.
    "dependants": N_("{dependants} of {members} members are dependants"),
    "housing_area": N_("{floor_area_m2} m² for {size} members, {m2_per_person} m² per person"),
}
MEMBER = {
    # The engine's own member labels, for the CLI and the API (applications name members). No
    # ";" inside a sentence: CSV and Excel outputs join a household's sentences with it.
    "facts": N_("member {member} ({facts})"),
    "plain": N_("member {member}"),
    "age": N_("aged {age}"),
}
MEMBER_DETAILS = {
    # What concerns one member, as an officer notes it after the name.
    "health_insurance": N_("no health insurance card"),
    "untreated_illness": N_("ill without medical treatment"),
    "child_school": N_("not attending school"),
    "not_qualified": N_("not in school, no {qualification}"),
    "not_qualified_or": N_("not in school, no {qualification} or {alternative}"),
}


@dataclass(frozen=True)
class Entry:
    """One line of an explanation as an officer writes it.

    ``code`` is the first structured item's code; a deprived indicator is one entry whatever
    the number of members concerned (``members``: their labels), with its legal ``condition``
    and ``citation`` once. ``sentence`` says it all but the citation; ``text`` adds it.
    """

    code: str
    sentence: str
    citation: str = ""
    indicator: str = ""
    title: str = ""
    condition: str = ""
    detail: str = ""
    members: tuple[str, ...] = ()

    @property
    def deprivation(self) -> bool:
        return bool(self.indicator)

    @property
    def text(self) -> str:
        return f"{self.sentence} ({self.citation})" if self.citation else self.sentence


def entries(
    items: list[dict[str, Any]],
    std: Any,
    lang: str = "vi",
    member_label: MemberLabel | None = None,
    deprived_members: Mapping[str, list[str]] | None = None,
) -> list[Entry]:
    """Structured items as an officer writes them: the income, one entry per deprived indicator
    listing its members, then the class rule (any other item keeps its own line).

    ``member_label`` names a member from its id and evidence ("Con: Nguyễn Văn An, 7 tuổi");
    what concerns the member for the indicator ("không có thẻ bảo hiểm y tế") is added after
    it. Without one, the engine says "thành viên 216 (8 tuổi, không có thẻ bảo hiểm y tế)". ``deprived_members`` (the output's) names the dependants,
    whose items carry only a count.
    """
    specs = {s.id: s for s in std.indicators}
    label = _labeller(member_label, lang)
    grouped: dict[str, list[dict[str, Any]]] = {}
    order: list[tuple[str, Any]] = []
    for item in items:
        ind = item.get("indicator")
        if ind and ind in specs:
            if ind not in grouped:
                grouped[ind] = []
                order.append(("indicator", ind))
            grouped[ind].append(item)
        else:
            order.append(("item", item))
    out = []
    for kind, value in order:
        if kind == "item":
            out.append(_plain_entry(value, lang))
        else:
            spec = specs[value]
            out.append(
                _indicator_entry(
                    grouped[value], spec, lang, label, (deprived_members or {}).get(value, [])
                )
            )
    return out


def render(
    items: list[dict[str, Any]],
    std: Any,
    lang: str = "vi",
    deprived_members: Mapping[str, list[str]] | None = None,
    member_label: MemberLabel | None = None,
) -> list[str]:
    """Explanation items as sentences in ``lang``: one per entry (:func:`entries`), so a
    deprived indicator reads once whatever the number of members concerned."""
    found = entries(items, std, lang, member_label=member_label, deprived_members=deprived_members)
    return [e.text for e in found]


def _plain_entry(item: dict[str, Any], lang: str) -> Entry:
    tr = translation(lang)
    p = dict(item.get("params", {}))
    for key in ("income", "line", "near", "upper"):
        if key in p and p[key] is not None:
            p[key] = format_decimal(p[key], locale=lang)
    if item["code"] == "class_rule" and p["rule"] in COUNTED_RULES:
        singular, plural = COUNTED_RULES[p["rule"]]
        text = tr.ngettext(singular, plural, p["count"]).format(**p)
    elif item["code"] == "class_rule":
        text = tr.gettext(RULES[p["rule"]]).format(**p)
    else:
        text = tr.gettext(MESSAGES[item["code"]]).format(**p)
    return Entry(item["code"], text, _citation(item, lang))


def _indicator_entry(
    items: list[dict[str, Any]],
    spec: Any,
    lang: str,
    label: Callable[[str, Mapping[str, Any], str], str],
    dependants: list[str],
) -> Entry:
    tr = translation(lang)
    _ = tr.gettext
    first = items[0]
    kind = indicators.get(spec.kind)
    title = _(spec.title)
    condition = kind.describe(spec.params, _)
    p = {"indicator": title, "condition": condition}
    detail, members = "", []
    if first["code"] == "deprived_given":
        text = _(MESSAGES["deprived_given"]).format(**p)
    else:
        if first["code"] == "deprived_share":
            detail = _(DETAILS["dependants"]).format(**first["params"])
            members = [label(str(m), {}, "") for m in dependants]
        elif first["code"] == "deprived_member":
            for item in items:
                params = item.get("params", {})
                members.append(
                    label(str(item["member"]), params, _member_detail(spec, params, lang))
                )
        else:
            detail = _household_detail(spec, first.get("params", {}), lang)
        listed = ", ".join(members)
        if detail and listed:
            text = _(GROUPED["detail_members"]).format(**p, detail=detail, members=listed)
        elif listed:
            text = _(GROUPED["members"]).format(**p, members=listed)
        elif detail:
            text = _(GROUPED["detail"]).format(**p, detail=detail)
        else:
            text = _(MESSAGES["deprived"]).format(**p)
    return Entry(
        first["code"],
        text,
        _citation(first, lang),
        indicator=spec.id,
        title=title,
        condition=condition,
        detail=detail,
        members=tuple(members),
    )


def _citation(item: Mapping[str, Any], lang: str) -> str:
    return cite(item["article"], lang) if item.get("article") else ""


def _labeller(
    member_label: MemberLabel | None, lang: str
) -> Callable[[str, Mapping[str, Any], str], str]:
    """A member's label followed by what concerns them (``what``)."""
    _ = translation(lang).gettext

    def named(member: str, params: Mapping[str, Any], what: str) -> str:
        assert member_label is not None
        who = member_label(member, params)
        return f"{who}, {what}" if what else who

    def numbered(member: str, params: Mapping[str, Any], what: str) -> str:
        facts = (
            [_(MEMBER["age"]).format(age=params["age"])] if params.get("age") is not None else []
        )
        facts += [what] if what else []
        if not facts:
            return _(MEMBER["plain"]).format(member=member)
        return _(MEMBER["facts"]).format(member=member, facts=", ".join(facts))

    return named if member_label is not None else numbered


def _value(value: Any, lang: str) -> str:
    return translation(lang).gettext(LABELS.get(str(value), str(value)))


def _member_detail(spec: Any, params: Mapping[str, Any], lang: str) -> str:
    """What the member's facts show for the indicator ("không có thẻ bảo hiểm y tế")."""
    _ = translation(lang).gettext
    if spec.kind in ("health_insurance", "untreated_illness", "child_school"):
        return _(MEMBER_DETAILS[spec.kind])
    if spec.kind == "child_nutrition" and params.get("child_nutrition"):
        return _value(params["child_nutrition"], lang)
    if spec.kind == "employment" and params.get("employment"):
        return _value(params["employment"], lang)
    if spec.kind in ("adult_education", "adult_education_cohort"):
        p = spec.params
        if spec.kind == "adult_education_cohort":
            qualified = p["qualified"]
        elif params.get("age") is not None and params["age"] < p["split_age"]:
            qualified = p["qualified_below_split"]
        else:
            qualified = p["qualified_from_split"]
        return _qualification(list(qualified), lang)
    return ""


def _qualification(qualified: list[str], lang: str) -> str:
    # The lowest school diploma that qualifies, and the lowest vocational one when it also does.
    _ = translation(lang).gettext
    if not qualified:
        return ""
    first = qualified[0]
    other = next((q for q in qualified[1:] if q.startswith("vocational")), None)
    if other is None or first.startswith("vocational"):
        return _(MEMBER_DETAILS["not_qualified"]).format(qualification=_value(first, lang))
    return _(MEMBER_DETAILS["not_qualified_or"]).format(
        qualification=_value(first, lang), alternative=_value(other, lang)
    )


def _household_detail(spec: Any, params: Mapping[str, Any], lang: str) -> str:
    """What the household's facts show, where the condition alone does not say it."""
    if spec.kind == "housing_quality" and params.get("housing_type"):
        return _value(params["housing_type"], lang)
    if spec.kind == "housing_area" and params.get("m2_per_person") is not None:
        numbers = {
            k: format_decimal(params[k], locale=lang)
            for k in ("m2_per_person", "floor_area_m2", "size")
        }
        return translation(lang).gettext(DETAILS["housing_area"]).format(**numbers)
    return ""


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
