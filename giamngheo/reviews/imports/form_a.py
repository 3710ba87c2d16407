"""Form A only, during the screening step: the markers column and nothing else."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, scoped
from giamngheo.dbstats import analyze_after_commit
from giamngheo.history import REASON_MAX
from giamngheo.households.text import fold
from giamngheo.law import cited
from giamngheo.reviews import screening
from giamngheo.reviews.flows import exempt_household_ids
from giamngheo.reviews.imports.reading import (
    AnswersInvalid,
    Problem,
    _control_characters,
    keyed_by_code,
    markers,
)
from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus
from giamngheo.reviews.services.assessments import apply_markers
from giamngheo.reviews.services.classification import assessments_classify
from giamngheo.reviews.services.screening import FIELDS
from giamngheo.reviews.workbooks import HOUSEHOLD_SHEET, parse

# A markers cell meaning "checked: none of the markers" (an empty cell means "not looked at").
NO_MARKERS = {"0", "không", "khong", "none", "-"}


def import_markers(*, actor: User, review_round: ReviewRound, name: str, content: bytes) -> dict:
    """The workbook's `form_a_markers` column during the screening step; form B is not read.

    A row counts as screened only when its markers cell is filled (codes, or 0/không for none)
    and differs from what is recorded; an empty cell leaves the household as it is. Everything
    is checked first; then every change is saved, with who recorded it and when, or nothing.
    """
    parsed = keyed_by_code(parse(name, content))
    if not parsed.households:
        raise ValidationError(_("The file has no household rows."))
    problems = _control_characters(parsed)
    if problems:
        raise AnswersInvalid(problems)
    visible = scoped(
        Assessment.objects.filter(round=review_round),
        actor,
        Capability.COLLECT_ANSWERS,
        unit_field="household__unit",
    ).select_related("household", "round")
    by_code = {a.household.code: a for a in visible}
    exempt = exempt_household_ids(review_round)
    seen: set[str] = set()
    changes: dict[str, list[str]] = {}
    for row_no, row in parsed.households:
        code = str(row.get("household_code") or "").strip()
        if code not in by_code or code in seen:
            message = (
                _("household “%(c)s” appears twice; keep one row.")
                if code in seen
                else _(
                    "household “%(c)s” is not listed in this round of your commune; check the "
                    "code or list the household first."
                )
            )
            problems.append(
                Problem(
                    HOUSEHOLD_SHEET, row_no, "household_code", message % {"c": code}, value=code
                )
            )
            continue
        seen.add(code)
        text = str(row.get("form_a_markers") or "").strip()
        if not text:
            continue
        found, bad = ([], []) if fold(text) in NO_MARKERS else markers(text)
        if bad:
            problems.append(
                Problem(
                    HOUSEHOLD_SHEET,
                    row_no,
                    "form_a_markers",
                    _(
                        "unknown markers %(m)s; use codes from the guide sheet separated by ;, "
                        "or 0 when none applies."
                    )
                    % {"m": ", ".join(bad)},
                    value=text,
                )
            )
            continue
        a = by_code[code]
        if a.household_id in exempt:
            problems.append(
                Problem(
                    HOUSEHOLD_SHEET,
                    row_no,
                    "form_a_markers",
                    _("this household is exempt from form A (%(s)s); leave the cell empty.")
                    % {"s": cited(screening.EXEMPT_SOURCE)},
                    value=text,
                )
            )
            continue
        if not a.screening or sorted(set(found)) != a.screening.get("markers", []):
            changes[code] = sorted(set(found))
    if problems:
        raise AnswersInvalid(problems)
    now = timezone.now()
    with transaction.atomic():
        ReviewRound.objects.select_for_update().filter(pk=review_round.pk).first()
        review_round.refresh_from_db(fields=["status"])
        if review_round.status != RoundStatus.SCREENING:
            raise ValidationError(_("The round moved on while the file was read; import it again."))
        objs, due = [], []
        for code, codes in changes.items():
            a = by_code[code]
            if apply_markers(a, codes, classify=False):
                due.append(a)
            a.screened_by, a.screened_at, a.updated_at, a.source = actor, now, now, "import"
            objs.append(a)
        assessments_classify(due)
        if objs:
            bulk_update_with_history(
                objs,
                Assessment,
                fields=[*FIELDS, "source"],
                batch_size=500,
                default_user=actor,
                default_change_reason=str(_("Form A imported from %(name)s") % {"name": name})[
                    :REASON_MAX
                ],
                default_date=now,
            )
            analyze_after_commit([Assessment], len(objs))
    return {"rows": len(seen), "changed": len(objs), "form_b_ignored": True}
