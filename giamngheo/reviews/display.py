"""How a stored classification reads on a page: class, deprived indicators and why.

The engine's structured explanation (codes, parameters, article) is stored; the sentences are
rendered again in the reader's language by the engine's own catalogue, so a stored result reads
the same in Vietnamese and English.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from giamngheo.households.models import Member
from giamngheo.households.vocab import Relation
from giamngheo.reviews import legal
from giamngheo.reviews.facts import MEMBER_FACTS, SECTIONS, Fact, member_section
from giamngheo.reviews.models import Assessment
from giamngheo.standards import StandardError, load_standard
from giamngheo.standards.citations import cite, standard_name
from giamngheo.standards.explain import entries


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
    """Everything the `_classification.html` include shows for one assessment.

    The reasons read as an officer writes them (``standards.explain.entries``): the income, one
    entry per deprived indicator naming the members concerned by relation, name and age, with
    the legal condition once, then the class rule.
    """
    lang = _lang()
    own = [i for i in assessment.explanation if i.get("code") == "screened_out"]
    engine_items = [i for i in assessment.explanation if i.get("code") != "screened_out"]
    before: list[dict[str, str]] = [
        {
            "text": _(
                "%(count)d form A markers (%(threshold)d or more): not poor, no form B needed."
            )
            % i["params"],
            "citation": cite(legal.SCREENING_ARTICLE, lang),
        }
        for i in own
    ]
    after: list[dict[str, str]] = []
    deprived: list[dict[str, Any]] = []
    try:
        std = load_standard(assessment.standard) if assessment.standard else None
    except StandardError:
        std = None
    if std is not None and engine_items:
        try:
            found = entries(
                engine_items,
                std,
                lang,
                member_label=member_labeller(assessment),
                deprived_members=assessment.deprived_members,
            )
        except (KeyError, ValueError):
            found = []
            before += [{"text": str(i.get("code")), "citation": ""} for i in engine_items]
        for entry in found:
            if entry.deprivation:
                deprived.append(
                    {
                        "id": entry.indicator,
                        "title": entry.title,
                        "detail": entry.detail,
                        "members": list(entry.members),
                        "condition": entry.condition,
                        "citation": entry.citation,
                    }
                )
            else:
                reason = {"text": entry.sentence, "citation": entry.citation}
                (after if entry.code == "class_rule" else before).append(reason)
    return {
        "assessment": assessment,
        "class_code": assessment.poverty_class,
        "class_label": assessment.get_poverty_class_display() if assessment.poverty_class else "",
        "before": before,
        "deprived": deprived,
        "after": after,
        "standard": assessment.standard,
        "standard_name": standard_name(std, lang) if std is not None else assessment.standard,
        "engine_version": assessment.engine_version,
        "round": assessment.round,
        "error": assessment.classification_error,
    }


def member_labeller(assessment: Assessment) -> Callable[[str, Mapping[str, Any]], str]:
    """Names the assessment's members as an officer does: "Con: Nguyễn Văn An, 7 tuổi".

    Relation and age are the assessment's, as on the review date (the engine's evidence carries
    the age it used); the name is the registry's, read in one query. A member deleted since is
    said to be so, never shown by number.
    """
    wanted = {str(m) for ids in assessment.deprived_members.values() for m in ids}
    registry = {
        str(pk): (name, relation)
        for pk, name, relation in Member.objects.filter(
            pk__in=[int(m) for m in wanted if m.isdigit()]
        ).values_list("pk", "full_name", "relation")
    }
    facts = {str(m.get("member_id")): m for m in assessment.members}
    review_date = assessment.round.review_date

    def label(member_id: str, evidence: Mapping[str, Any]) -> str:
        fact = facts.get(member_id, {})
        name, relation = registry.get(member_id, ("", ""))
        who = name or _("member since removed from the household")
        if said := relation_label(fact.get("relation") or relation, fact.get("sex", "")):
            who = _("%(relation)s: %(name)s") % {"relation": said, "name": who}
        age = evidence.get("age")
        if age is None:
            age = _age(fact, review_date)
        if age is not None:
            who = _("%(member)s, aged %(age)d") % {"member": who, "age": age}
        return str(who)

    return label


def relation_label(relation: str, sex: str) -> str:
    """How an officer names a member's relation to the head: "Vợ", "Con", "Mẹ" ("" for other)."""
    by_sex: dict[tuple[str, str], str] = {
        (Relation.SPOUSE, "female"): pgettext("relation to the head", "Wife"),
        (Relation.SPOUSE, "male"): pgettext("relation to the head", "Husband"),
        (Relation.PARENT, "female"): pgettext("relation to the head", "Mother"),
        (Relation.PARENT, "male"): pgettext("relation to the head", "Father"),
    }
    if (relation, sex) in by_sex:
        return by_sex[(relation, sex)]
    if not relation or relation == Relation.OTHER:
        return ""
    return str(dict(Relation.choices).get(relation, ""))


def _age(fact: Mapping[str, Any], on: dt.date) -> int | None:
    if fact.get("age") is not None:
        return int(fact["age"])
    try:
        born = dt.date.fromisoformat(str(fact.get("date_of_birth")))
    except ValueError:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


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
