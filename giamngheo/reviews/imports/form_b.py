"""Form B during the survey step: every household and member row, checked, then saved."""

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can, scoped
from giamngheo.reviews import screening, workflow
from giamngheo.reviews.facts import MEMBER_FACTS, SECTIONS, member_section
from giamngheo.reviews.imports.form_a import import_markers
from giamngheo.reviews.imports.reading import (
    HOUSEHOLD_FACTS,
    AnswersInvalid,
    Problem,
    _control_characters,
    coerce,
    keyed_by_code,
    markers,
)
from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus
from giamngheo.reviews.services.assessments import (
    apply_section,
    required_sections,
    survey_complete,
)
from giamngheo.reviews.services.classification import (
    CLASSIFICATION_FIELDS,
    assessments_classify,
    assessments_store,
)
from giamngheo.reviews.workbooks import HOUSEHOLD_SHEET, MEMBER_SHEET, Parsed, parse

# What an imported row may change: the answers, form A, and the classification that follows.
ANSWER_FIELDS = [
    "facts",
    "members",
    "income_per_capita_month",
    "b1_score",
    "sections_done",
    "screening",
    "screened_by",
    "screened_at",
    "screened_out",
    "source",
    *CLASSIFICATION_FIELDS,
]


def _check(actor: User, review_round: ReviewRound, parsed: Parsed):
    """Every problem of the file, and what each listed household's answers would become."""
    problems: list[Problem] = []
    visible = scoped(
        Assessment.objects.filter(round=review_round),
        actor,
        Capability.COLLECT_ANSWERS,
        unit_field="household__unit",
    ).select_related("household")
    by_code = {a.household.code: a for a in visible}
    updates: dict[str, dict[str, Any]] = {}
    for row_no, row in parsed.households:
        code = str(row.get("household_code") or "").strip()
        if code not in by_code:
            problems.append(
                Problem(
                    HOUSEHOLD_SHEET,
                    row_no,
                    "household_code",
                    _(
                        "household “%(c)s” is not listed in this round of your commune; check the code "
                        "or list the household first."
                    )
                    % {"c": code},
                    value=code,
                )
            )
            continue
        if code in updates:
            problems.append(
                Problem(
                    HOUSEHOLD_SHEET,
                    row_no,
                    "household_code",
                    _("household “%(c)s” appears twice; keep one row.") % {"c": code},
                    value=code,
                )
            )
            continue
        values: dict[str, Any] = {}
        for fact in HOUSEHOLD_FACTS:
            if fact.name not in row:
                problems.append(
                    Problem(
                        HOUSEHOLD_SHEET,
                        row_no,
                        fact.name,
                        _("column missing; start from the downloaded template."),
                    )
                )
                continue
            value, error = coerce(fact, row[fact.name])
            if error:
                problems.append(
                    Problem(HOUSEHOLD_SHEET, row_no, fact.name, error, value=row[fact.name])
                )
            values[fact.name] = value
        housing, area = values.get("housing_type"), values.get("floor_area_m2")
        if area == 0 and housing and housing != "none":
            problems.append(
                Problem(
                    HOUSEHOLD_SHEET,
                    row_no,
                    "floor_area_m2",
                    _("floor area 0 is only possible with housing_type none."),
                    value=row.get("floor_area_m2"),
                )
            )
        found, bad = markers(str(row.get("form_a_markers") or ""))
        if bad:
            problems.append(
                Problem(
                    HOUSEHOLD_SHEET,
                    row_no,
                    "form_a_markers",
                    _("unknown markers %(m)s; use codes from the guide sheet.")
                    % {"m": ", ".join(bad)},
                    value=row.get("form_a_markers"),
                )
            )
        updates[code] = {"sections": values, "markers": found, "members": {}, "row": row_no}
    for row_no, row in parsed.members:
        code = str(row.get("household_code") or "").strip()
        member_id = str(row.get("member_id") or "").strip()
        if code not in updates:
            problems.append(
                Problem(
                    MEMBER_SHEET,
                    row_no,
                    "household_code",
                    _("household “%(c)s” has no row in the households sheet.") % {"c": code},
                    value=code,
                )
            )
            continue
        known = {m["member_id"] for m in by_code[code].members}
        if member_id not in known:
            problems.append(
                Problem(
                    MEMBER_SHEET,
                    row_no,
                    "member_id",
                    _(
                        "member “%(m)s” is not in household %(c)s on the review date; members are added "
                        "in the registry."
                    )
                    % {"m": member_id, "c": code},
                    value=member_id,
                )
            )
            continue
        values = {}
        for fact in MEMBER_FACTS:
            value, error = coerce(fact, row.get(fact.name))
            if error:
                problems.append(
                    Problem(MEMBER_SHEET, row_no, fact.name, error, value=row.get(fact.name))
                )
            values[fact.name] = value
        updates[code]["members"][member_id] = values
    return problems, by_code, updates


def _canonical(a: Assessment) -> str:
    """The answers as text with sorted keys: PostgreSQL's jsonb does not keep key order."""
    return json.dumps(
        [a.facts, a.members, a.screening, a.sections_done], sort_keys=True, default=str
    )


def import_answers(*, actor: User, review_round: ReviewRound, name: str, content: bytes) -> dict:
    """Validate everything, then save everything or nothing. Returns counts."""
    if not can(actor, Capability.COLLECT_ANSWERS, review_round.unit):
        raise PermissionDenied(_("This is outside your unit or your role."))
    if review_round.status == RoundStatus.SCREENING:
        return import_markers(actor=actor, review_round=review_round, name=name, content=content)
    if review_round.status not in workflow.SURVEY_OPEN:
        raise ValidationError(_("Answers are imported during the survey step."))
    parsed = keyed_by_code(parse(name, content))
    if not parsed.households:
        raise ValidationError(_("The file has no household rows."))
    problems = _control_characters(parsed)
    if not problems:
        problems, by_code, updates = _check(actor, review_round, parsed)
    if problems:
        raise AnswersInvalid(problems)
    changed: list[Assessment] = []
    due: list[Assessment] = []
    with transaction.atomic():
        # The round's row, not each household's: one lock against a concurrent step change.
        ReviewRound.objects.select_for_update().filter(pk=review_round.pk).first()
        review_round.refresh_from_db(fields=["status"])
        if review_round.status not in workflow.SURVEY_OPEN:
            raise ValidationError(_("The round moved on while the file was read; import it again."))
        fresh = Assessment.objects.select_related("household").in_bulk(
            [by_code[code].pk for code in updates]
        )
        now = timezone.now()
        for code, update in updates.items():
            a = fresh[by_code[code].pk]
            a.round = review_round
            before = _canonical(a)
            for section, (_title, facts) in SECTIONS.items():
                apply_section(a, section, {f.name: update["sections"].get(f.name) for f in facts})
            for member_id, values in update["members"].items():
                apply_section(a, member_section(member_id), values)
            screened_before = a.screening
            a.screening = {
                "markers": sorted(set(update["markers"])),
                "count": len(set(update["markers"])),
            }
            if a.screening != screened_before:
                a.screened_by, a.screened_at = actor, now
            a.screened_out = len(set(update["markers"])) >= screening.STOP_AT
            if _canonical(a) == before:
                continue
            if not a.screened_out and survey_complete(a):
                due.append(a)
            a.source = "import"
            changed.append(a)
        assessments_classify(due)
        assessments_store(
            changed,
            actor=actor,
            fields=ANSWER_FIELDS,
            reason=_("Form B imported from %(name)s") % {"name": name},
        )
    unclassified = [
        _why_unclassified(a, updates[a.household.code]["row"])
        for a in Assessment.objects.filter(pk__in=[by_code[c].pk for c in updates])
        .select_related("household")
        .order_by("household__code")
        if not a.screened_out and not a.poverty_class
    ]
    return {"rows": len(updates), "changed": len(changed), "unclassified": unclassified}


def _why_unclassified(a: Assessment, row_no: int) -> Problem:
    """A saved household the standard could not classify yet: where to look, and why."""
    error = a.classification_error or {}
    if error:
        return Problem(
            MEMBER_SHEET if error.get("table") == "members" else HOUSEHOLD_SHEET,
            row_no,
            str(error.get("field") or ""),
            _("saved, but not classified: %(why)s") % {"why": error.get("message", "")},
        )
    missing = [s for s in required_sections(a) if s not in set(a.sections_done)]
    return Problem(
        HOUSEHOLD_SHEET,
        row_no,
        "",
        _("saved, but not classified: form B is not complete (%(sections)s).")
        % {"sections": ", ".join(missing)},
    )
