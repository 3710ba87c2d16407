"""How a stored classification reads on a page: class, deprived indicators and why.

The engine's structured explanation (codes, parameters, article) is stored; the sentences are
rendered again in the reader's language by the engine's own catalogue, so a stored result reads
the same in Vietnamese and English.
"""

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from giamngheo.households.models import Member
from giamngheo.reviews import legal
from giamngheo.reviews.facts import MEMBER_FACTS, SECTIONS, Fact, member_section
from giamngheo.reviews.models import Assessment
from giamngheo.standards import StandardError, load_standard
from giamngheo.standards.explain import render
from giamngheo.standards.i18n import translation


def value_text(fact: Fact, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if fact.kind in ("bool", "optional_bool"):
        return _("Yes") if value else _("No")
    labels = dict(fact.choices)
    if fact.kind == "multi":
        return ", ".join(str(labels.get(v, v)) for v in value) or "—"
    if fact.kind == "choice":
        return str(labels.get(value, value))
    if fact.kind == "int":
        return f"{value:,}".replace(",", ".")
    return str(value)


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def classification(assessment: Assessment) -> dict[str, Any]:
    """Everything the `_classification.html` include shows for one assessment."""
    lang = _lang()
    own = [i for i in assessment.explanation if i.get("code") == "screened_out"]
    engine_items = [i for i in assessment.explanation if i.get("code") != "screened_out"]
    lines: list[str] = [
        _("%(count)d form A markers (%(threshold)d or more): not poor, no form B needed.")
        % i["params"]
        + f" ({legal.SCREENING_ARTICLE})"
        for i in own
    ]
    titles: dict[str, str] = {}
    try:
        std = load_standard(assessment.standard) if assessment.standard else None
    except StandardError:
        std = None
    if std is not None:
        tr = translation(lang)
        titles = {spec.id: tr.gettext(spec.title) for spec in std.indicators}
        if engine_items:
            try:
                lines += render(engine_items, std, lang)
            except (KeyError, ValueError):
                lines += [f"{i.get('code')} ({i.get('article', '')})" for i in engine_items]
    member_ids = {
        int(m) for ids in assessment.deprived_members.values() for m in ids if str(m).isdigit()
    }
    names = dict(Member.objects.filter(pk__in=member_ids).values_list("pk", "full_name"))
    deprived = [
        {
            "id": ind,
            "title": titles.get(ind, ind),
            "members": [
                names.get(int(m), m)
                for m in assessment.deprived_members.get(ind, [])
                if str(m).isdigit()
            ],
        }
        for ind in assessment.deprived
    ]
    return {
        "assessment": assessment,
        "class_code": assessment.poverty_class,
        "class_label": assessment.get_poverty_class_display() if assessment.poverty_class else "",
        "deprived": deprived,
        "lines": lines,
        "standard": assessment.standard,
        "engine_version": assessment.engine_version,
        "round": assessment.round,
        "error": assessment.classification_error,
    }


def classification_context(assessment: Assessment, request=None) -> dict[str, Any]:
    return {"classification": classification(assessment)}


def member_names(assessment: Assessment) -> dict[str, str]:
    """Registry names of the assessment's members, by member ID: a member's section is titled
    with the name, not the number."""
    ids = [m["member_id"] for m in assessment.members]
    return {
        str(pk): name
        for pk, name in Member.objects.filter(
            household=assessment.household, pk__in=[int(i) for i in ids if i.isdigit()]
        ).values_list("pk", "full_name")
    }


def section_title(section: str, names: dict[str, str]) -> str:
    if section in SECTIONS:
        return str(SECTIONS[section][0])
    return _("Member: %(name)s") % {"name": names.get(section.removeprefix("member-"), "?")}


def section_values(assessment: Assessment, section: str) -> dict[str, Any]:
    """The stored answers a section's form starts from."""
    if section in SECTIONS:
        return assessment.facts
    member_id = section.removeprefix("member-")
    return next((m for m in assessment.members if m["member_id"] == member_id), {})


def section_list(assessment: Assessment | None, order: list[str]) -> list[tuple[str, str, bool]]:
    """(section, title, answered) in survey order, as the section menus list them."""
    names = member_names(assessment) if assessment else {}
    done = set(assessment.sections_done) if assessment else set()
    return [(key, section_title(key, names), key in done) for key in order]


def last_year_text(previous: Assessment | None, section: str) -> dict[str, str]:
    """Last year's answers to the section, as text beside this year's fields."""
    if previous is None:
        return {}
    facts = SECTIONS[section][1] if section in SECTIONS else MEMBER_FACTS
    if section in SECTIONS:
        values = previous.facts
    else:
        values = next(
            (m for m in previous.members if member_section(m["member_id"]) == section), {}
        )
    return {f.name: value_text(f, values[f.name]) for f in facts if f.name in values}
