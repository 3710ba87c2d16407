"""Answers of forms A and B per household per round, and their classification by the engine."""

from collections.abc import Collection
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.errors import Conflict, DomainError
from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews import legal, screening, workflow
from giamngheo.reviews.facts import (
    HOUSEHOLD_SECTIONS,
    MEMBER_FACT_NAMES,
    SECTIONS,
    contract_input,
    member_facts_from_registry,
    member_section,
    members_on,
)
from giamngheo.reviews.models import Assessment, ReviewRound
from giamngheo.standards import StandardError, classify_household, load_standard, require_in_force


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The same household's assessment in the latest earlier round: last year's answers."""
    return (
        Assessment.objects.filter(
            household_id=assessment.household_id,
            round__review_date__lt=assessment.round.review_date,
        )
        .exclude(pk=assessment.pk)
        .select_related("round")
        .order_by("-round__review_date", "-pk")
        .first()
    )


def previous_assessments(review_round, household_ids) -> dict[int, Assessment]:
    """Each household's latest assessment before `review_round`, in one query."""
    found: dict[int, Assessment] = {}
    rows = Assessment.objects.filter(
        household_id__in=list(household_ids), round__review_date__lt=review_round.review_date
    ).order_by("household_id", "-round__review_date", "-pk")
    for a in rows:
        found.setdefault(a.household_id, a)
    return found


_UNSET = object()


def assessment_prefill(assessment: Assessment, previous=_UNSET) -> None:
    """Start from last year's answers, else the registry; the officer confirms each section."""
    if previous is _UNSET:
        previous = previous_assessment(assessment) if assessment.round_id else None
    before = {m["member_id"]: m for m in previous.members} if previous else {}
    assessment.facts = dict(previous.facts) if previous else {}
    assessment.facts["area"] = assessment.household.area
    assessment.members = []
    for member in members_on(assessment.household, assessment.round.review_date):
        facts = member_facts_from_registry(member)
        old = before.get(str(member.pk))
        if old:
            # Identity facts follow the registry; the rest start from last year.
            facts.update(
                {
                    k: old[k]
                    for k in MEMBER_FACT_NAMES
                    if k in old and k not in ("sex", "date_of_birth", "relation")
                }
            )
        assessment.members.append(facts)
    assessment.income_per_capita_month = assessment.facts.get("income_per_capita_month")


def required_sections(assessment: Assessment) -> list[str]:
    return [*HOUSEHOLD_SECTIONS, *(member_section(m["member_id"]) for m in assessment.members)]


def survey_complete(assessment: Assessment) -> bool:
    return sections_complete(assessment.members, assessment.sections_done)


def sections_complete(members: list[dict[str, Any]], sections_done: list[str]) -> bool:
    """Form B done for the household and each member, from the assessment's stored columns."""
    done = set(sections_done)
    return all(s in done for s in HOUSEHOLD_SECTIONS) and all(
        member_section(m["member_id"]) in done for m in members
    )


def _check_editable(actor: User, assessment: Assessment, open_steps: Collection[str]) -> None:
    if not can(actor, Capability.COLLECT_ANSWERS, assessment.household.unit):
        raise PermissionDenied(_("This is outside your unit or your role."))
    assessment.round.refresh_from_db(fields=["status"])
    if assessment.round.is_locked:
        raise Conflict(_("This round is approved and locked; changes go through a change request."))
    if assessment.round.status not in open_steps:
        raise DomainError(
            _(
                "Answers cannot be changed in step “%(step)s”; after the meeting only a "
                "complaint's re-check changes a result."
            )
            % {"step": assessment.round.get_status_display()}
        )


@transaction.atomic
def assessment_screen(
    *, actor: User, assessment: Assessment, markers: list[str], source: str = ""
) -> Assessment:
    """Record form A; 4 or more markers stop the household at screening (not poor).

    `source` names where the answers came from when it is not the web form (``"odk"``).
    """
    _check_editable(actor, assessment, workflow.SCREENING_OPEN)
    unknown = [m for m in markers if m not in screening.MARKER_CODES]
    if unknown:
        raise DomainError(_("Unknown form A markers: %(m)s") % {"m": ", ".join(unknown)})
    apply_markers(assessment, markers)
    assessment.screened_by = actor
    assessment.screened_at = timezone.now()
    if source:
        assessment.source = source
    assessment.save()
    return assessment


def apply_markers(assessment: Assessment, markers: list[str], *, classify: bool = True) -> bool:
    """Set form A's answers and what follows from them (no saving, no checks).

    A household back from screened out is classified again when its form B is complete; with
    ``classify=False`` it is left to the caller, told by the result (True: classify it), so a
    whole village or workbook goes through the engine's batch path at once.
    """
    count = len(set(markers))
    assessment.screening = {"markers": sorted(set(markers)), "count": count}
    was_out = assessment.screened_out
    assessment.screened_out = count >= screening.STOP_AT
    if assessment.screened_out:
        _store(
            assessment,
            {
                "class": PovertyClass.NOT_POOR,
                "standard": assessment.round.standard,
                "deprived": [],
                "deprivation_count": 0,
                "deprived_members": {},
                "engine_version": "",
                "explanation": [
                    {
                        "code": "screened_out",
                        "params": {"count": count, "threshold": screening.STOP_AT},
                        "article": legal.SCREENING_ARTICLE,
                    }
                ],
            },
        )
    elif was_out:
        _clear(assessment)
        if survey_complete(assessment):
            if not classify:
                return True
            assessment_classify(assessment)
    return False


def apply_section(assessment: Assessment, section: str, data: dict[str, Any]) -> None:
    """Merge one section's cleaned values into the assessment (no saving, no checks)."""
    if section in SECTIONS:
        names = [f.name for f in SECTIONS[section][1]]
        for name in names:
            if name in data:
                assessment.facts[name] = data[name]
        if "income_per_capita_month" in data:
            assessment.income_per_capita_month = data["income_per_capita_month"]
        if "b1_score" in data:
            assessment.b1_score = data["b1_score"]
    else:
        member_id = section.removeprefix("member-")
        member = next((m for m in assessment.members if m["member_id"] == member_id), None)
        if member is None:
            raise DomainError(_("This member is not part of the household on the review date."))
        member.update({k: v for k, v in data.items() if k in MEMBER_FACT_NAMES})
    if section not in assessment.sections_done:
        assessment.sections_done = [*assessment.sections_done, section]


@transaction.atomic
def assessment_save_section(
    *, actor: User, assessment: Assessment, section: str, data: dict[str, Any]
) -> Assessment:
    """Save one form B section; once every section is in, classify with the engine."""
    _check_editable(actor, assessment, workflow.SURVEY_OPEN)
    if section not in required_sections(assessment):
        raise DomainError(_("Unknown form section."))
    apply_section(assessment, section, data)
    if not assessment.screened_out:
        _classify_if_complete(assessment)
    assessment.save()
    return assessment


@transaction.atomic
def assessment_answers_receive(
    *,
    actor: User,
    assessment: Assessment,
    sections: dict[str, dict[str, Any]],
    members: list[dict[str, Any]],
    source: str,
    instance_id: str,
) -> Assessment:
    """Save a whole form B that arrived at once (an ODK submission), section by section through
    the same checks as the web form, and keep where it came from.

    `members` are rows with a ``member_id`` and that member's answers. A refusal of any section
    rolls back every section: a form is applied whole or not at all.
    """
    for section, data in sections.items():
        assessment_save_section(actor=actor, assessment=assessment, section=section, data=data)
    for member in members:
        data = {k: v for k, v in member.items() if k != "member_id"}
        assessment_save_section(
            actor=actor,
            assessment=assessment,
            section=member_section(member["member_id"]),
            data=data,
        )
    assessment.source = source
    assessment.instance_id = instance_id
    assessment.save(update_fields=["source", "instance_id", "updated_at"])
    return assessment


def _classify_if_complete(assessment: Assessment) -> None:
    if survey_complete(assessment):
        assessment_classify(assessment)


def assessment_reclassify(assessment: Assessment) -> None:
    """After its member list changed: classify when every section is in, else clear the class
    (no saving)."""
    if assessment.screened_out:
        return
    if survey_complete(assessment):
        assessment_classify(assessment)
    else:
        _clear(assessment)
        assessment.classification_error = {}


def round_standard_error(review_round: ReviewRound) -> dict[str, Any] | None:
    """The round's standard when it is not in force for the round, as an engine error line.

    The engine classifies under a named standard whatever its dates (household-facts.md); a
    round applies only the one the selection rule gives for its date (poverty-standards.md §0),
    so a round whose date was changed after it opened is refused here, not classified.
    """
    try:
        require_in_force(
            load_standard(review_round.standard), review_round.review_date, review_round.round_type
        )
    except StandardError as exc:
        return {"table": "households", "row": 1, "field": "standard", "message": str(exc)}
    return None


def assessment_classify(assessment: Assessment) -> None:
    """Ask the engine (never a local rule) and keep its answer with its version."""
    refused = round_standard_error(assessment.round)
    if refused is not None:
        _clear(assessment)
        assessment.classification_error = refused
        return
    result = classify_household(contract_input(assessment), standard=assessment.round.standard)
    if "error" in result:
        _clear(assessment)
        assessment.classification_error = result["error"]
        return
    _store(assessment, result)


def _store(assessment: Assessment, result: dict[str, Any]) -> None:
    assessment.poverty_class = result["class"]
    assessment.standard = result["standard"]
    assessment.deprived = list(result.get("deprived", []))
    assessment.deprivation_count = result.get("deprivation_count", 0)
    assessment.deprived_members = result.get("deprived_members", {})
    assessment.explanation = result.get("explanation", [])
    assessment.engine_version = result.get("engine_version", "")
    assessment.classified_at = timezone.now()
    assessment.classification_error = {}


def _clear(assessment: Assessment) -> None:
    assessment.poverty_class = ""
    assessment.deprived = []
    assessment.deprivation_count = 0
    assessment.deprived_members = {}
    assessment.explanation = []
    assessment.engine_version = ""
    assessment.classified_at = None
