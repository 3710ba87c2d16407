"""A round's answers from a spreadsheet: the template the app generates, filled in and uploaded.

Every bad row and field is reported in one pass with the fix; nothing is saved unless everything
is valid; a re-import of the same file changes nothing (matched by household code); households
outside the actor's territory or the round are refused. Every upload runs as a background job
whose page lists each problem; households saved but not yet classifiable are listed there too.
CSV carries the households table only (member answers stay as entered).
"""

import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Font
from simple_history.utils import bulk_update_with_history

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can, scoped
from giamngheo.history import REASON_MAX
from giamngheo.jobs.models import Job
from giamngheo.jobs.results import ERRORS_KEPT, JobError, JobResult
from giamngheo.jobs.services import job_kind, job_start
from giamngheo.reviews import screening, workflow
from giamngheo.reviews.facts import MEMBER_FACTS, SECTIONS, Fact, member_section
from giamngheo.reviews.flows import exempt_household_ids
from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus
from giamngheo.reviews.services.assessments import (
    apply_markers,
    apply_section,
    assessment_classify,
    required_sections,
    survey_complete,
)
from giamngheo.reviews.services.screening import FIELDS
from giamngheo.reviews.workbooks import HOUSEHOLD_SHEET, MEMBER_SHEET, Parsed, parse
from giamngheo.spreadsheets import append_row
from giamngheo.storage import random_name
from giamngheo.validators import control_character, date_range_error

GUIDE_SHEET = "huong_dan"
HOUSEHOLD_FACTS = [f for _title, facts in SECTIONS.values() for f in facts]
HOUSEHOLD_COLUMNS = ["household_code", "head_name", "form_a_markers"] + [
    f.name for f in HOUSEHOLD_FACTS
]
MEMBER_COLUMNS = ["household_code", "member_id", "full_name"] + [f.name for f in MEMBER_FACTS]
TRUE = {"true", "1", "có", "co", "yes", "x", "đúng"}
FALSE = {"false", "0", "không", "khong", "no"}


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    message: str
    value: Any = ""  # what the cell held

    def __str__(self) -> str:
        return _("Sheet %(sheet)s, row %(row)d, column %(field)s: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "field": self.column,
            "message": self.message,
        }

    def as_job_error(self) -> JobError:
        value = "" if self.value is None else str(self.value)
        return JobError(
            sheet=self.sheet, row=self.row, column=self.column, value=value, message=self.message
        )


class AnswersInvalid(ValidationError):
    """The file's rows have problems; nothing was saved. `problems` says where each one is."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__([str(p) for p in problems])


def _facts_text(fact: Fact) -> str:
    if fact.choices:
        return " | ".join(code for code, _label in fact.choices)
    return {
        "int": _("whole number"),
        "decimal": _("number"),
        "bool": _("yes/no (có/không)"),
        "optional_bool": _("yes/no or empty"),
        "date": _("date YYYY-MM-DD or DD/MM/YYYY"),
    }.get(fact.kind, "")


def template_xlsx(review_round: ReviewRound) -> bytes:
    """The import template, prefilled with the round's listed households and current answers."""
    wb = Workbook()
    hh = wb.active
    hh.title = HOUSEHOLD_SHEET
    append_row(hh, HOUSEHOLD_COLUMNS)
    mm = wb.create_sheet(MEMBER_SHEET)
    append_row(mm, MEMBER_COLUMNS)
    names = {}
    assessments = review_round.assessments.select_related("household").order_by("household__code")
    for a in assessments:
        names.update(a.household.members.values_list("pk", "full_name"))
        append_row(
            hh,
            [a.household.code, a.household.head_name, ";".join(a.screening.get("markers", []))]
            + [_cell(f, a.facts.get(f.name)) for f in HOUSEHOLD_FACTS],
        )
        for m in a.members:
            append_row(
                mm,
                [a.household.code, m["member_id"], names.get(int(m["member_id"]), "")]
                + [_cell(f, m.get(f.name)) for f in MEMBER_FACTS],
            )
    guide = wb.create_sheet(GUIDE_SHEET)
    append_row(guide, [_("Column"), _("Meaning"), _("Allowed values")])
    append_row(
        guide,
        ["form_a_markers", _("Form A markers, separated by ;"), " | ".join(screening.MARKER_CODES)],
    )
    for f in HOUSEHOLD_FACTS + list(MEMBER_FACTS):
        append_row(guide, [f.name, str(f.label), _facts_text(f)])
    for ws in (hh, mm, guide):
        for cell in ws[1]:
            cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(fact: Fact, value: Any) -> Any:
    if value is None:
        return None
    if fact.kind == "multi":
        return ";".join(value)
    if fact.kind in ("bool", "optional_bool"):
        return "có" if value else "không"
    return value


def coerce(fact: Fact, raw: Any) -> tuple[Any, str]:
    """(value, error) for one cell; the error says how to fix it."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if fact.required:
            return None, _("required; enter %(what)s.") % {"what": _facts_text(fact)}
        return ([] if fact.kind == "multi" else None), ""
    text = str(raw).strip()
    if fact.kind == "int":
        cleaned = re.sub(r"[.,\s]", "", text) if isinstance(raw, str) else text
        try:
            value = int(float(cleaned)) if not isinstance(raw, str) else int(cleaned)
        except ValueError:
            return None, _("“%(v)s” is not a whole number; write digits only, e.g. 1200000.") % {
                "v": text
            }
        return _bounded(fact, value)
    if fact.kind == "decimal":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None, _("“%(v)s” is not a number; write e.g. 24.5.") % {"v": text}
        return _bounded(fact, number)
    if fact.kind in ("bool", "optional_bool"):
        low = text.lower()
        if low in TRUE:
            return True, ""
        if low in FALSE:
            return False, ""
        return None, _("“%(v)s” is not yes/no; write “có” or “không”.") % {"v": text}
    if fact.kind == "choice":
        codes = [c for c, _label in fact.choices]
        return (
            (text, "")
            if text in codes
            else (
                None,
                _("“%(v)s” is not allowed; use one of: %(codes)s.")
                % {"v": text, "codes": ", ".join(codes)},
            )
        )
    if fact.kind == "multi":
        codes = [c for c, _label in fact.choices]
        values = [v.strip() for v in text.split(";") if v.strip()]
        bad = [v for v in values if v not in codes]
        if bad:
            return None, _("“%(v)s” is not allowed; use codes from: %(codes)s, separated by ;.") % {
                "v": ", ".join(bad),
                "codes": ", ".join(codes),
            }
        return values, ""
    if fact.kind == "date":
        day = _date(raw, text)
        if day is None:
            return None, _("“%(v)s” is not a date; write YYYY-MM-DD or DD/MM/YYYY.") % {"v": text}
        outside = date_range_error(str(fact.label), day)
        if outside:
            return None, outside
        return day.isoformat(), ""
    return None, "?"


def _date(raw: Any, text: str) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _bounded(fact: Fact, value: float) -> tuple[Any, str]:
    if fact.min_value is not None and value < fact.min_value:
        return None, _("must be at least %(n)s.") % {"n": fact.min_value}
    if fact.max_value is not None and value > fact.max_value:
        return None, _("must be at most %(n)s.") % {"n": fact.max_value}
    return value, ""


def _control_characters(parsed: Parsed) -> list[Problem]:
    """Cells with NUL or other control characters: never typed on purpose, and PostgreSQL
    refuses NUL in text, so they are reported before any lookup reads the file."""
    problems = []
    for sheet, rows in ((HOUSEHOLD_SHEET, parsed.households), (MEMBER_SHEET, parsed.members)):
        for row_no, row in rows:
            for column, value in row.items():
                code = control_character(value)
                if code is not None:
                    problems.append(
                        Problem(
                            sheet,
                            row_no,
                            str(column),
                            _("contains a control character (%(code)s); retype the cell.")
                            % {"code": code},
                            value=value,
                        )
                    )
    return problems


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
        markers = [m.strip() for m in str(row.get("form_a_markers") or "").split(";") if m.strip()]
        bad = [m for m in markers if m not in screening.MARKER_CODES]
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
        updates[code] = {"sections": values, "markers": markers, "members": {}, "row": row_no}
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
    parsed = parse(name, content)
    if not parsed.households:
        raise ValidationError(_("The file has no household rows."))
    problems = _control_characters(parsed)
    if not problems:
        problems, by_code, updates = _check(actor, review_round, parsed)
    if problems:
        raise AnswersInvalid(problems)
    changed = 0
    with transaction.atomic():
        for code, update in updates.items():
            a = Assessment.objects.select_for_update().get(pk=by_code[code].pk)
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
                a.screened_by, a.screened_at = actor, timezone.now()
            a.screened_out = len(set(update["markers"])) >= screening.STOP_AT
            if _canonical(a) == before:
                continue
            if not a.screened_out and survey_complete(a):
                assessment_classify(a)
            a.source = "import"
            a.save()
            changed += 1
    unclassified = [
        _why_unclassified(a, updates[a.household.code]["row"])
        for a in Assessment.objects.filter(pk__in=[by_code[c].pk for c in updates])
        .select_related("household")
        .order_by("household__code")
        if not a.screened_out and not a.poverty_class
    ]
    return {"rows": len(updates), "changed": changed, "unclassified": unclassified}


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


# --- Form A only, during the screening step -------------------------------------------------

# A markers cell meaning "checked: none of the markers" (an empty cell means "not looked at").
NO_MARKERS = {"0", "không", "khong", "none", "-"}


def import_markers(*, actor: User, review_round: ReviewRound, name: str, content: bytes) -> dict:
    """The workbook's `form_a_markers` column during the screening step; form B is not read.

    A row counts as screened only when its markers cell is filled (codes, or 0/không for none)
    and differs from what is recorded; an empty cell leaves the household as it is. Everything
    is checked first; then every change is saved, with who recorded it and when, or nothing.
    """
    parsed = parse(name, content)
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
        markers = [] if text.lower() in NO_MARKERS else [m.strip() for m in text.split(";")]
        markers = [m for m in markers if m]
        bad = [m for m in markers if m not in screening.MARKER_CODES]
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
                    % {"s": screening.EXEMPT_SOURCE},
                    value=text,
                )
            )
            continue
        if not a.screening or sorted(set(markers)) != a.screening.get("markers", []):
            changes[code] = sorted(set(markers))
    if problems:
        raise AnswersInvalid(problems)
    now = timezone.now()
    with transaction.atomic():
        ReviewRound.objects.select_for_update().filter(pk=review_round.pk).first()
        review_round.refresh_from_db(fields=["status"])
        if review_round.status != RoundStatus.SCREENING:
            raise ValidationError(_("The round moved on while the file was read; import it again."))
        objs = []
        for code, markers in changes.items():
            a = by_code[code]
            apply_markers(a, markers)
            a.screened_by, a.screened_at, a.updated_at, a.source = actor, now, now, "import"
            objs.append(a)
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
    return {"rows": len(seen), "changed": len(objs), "form_b_ignored": True}


def _run_job(reporter, params: dict) -> JobResult:
    try:
        actor = User.objects.get(pk=params["actor_id"])
        review_round = ReviewRound.objects.get(pk=params["round_id"])
        with default_storage.open(params["path"], "rb") as fh:
            content = fh.read()
        reporter.total(1)
        with translation.override(params.get("language") or settings.LANGUAGE_CODE):
            result = _import_result(actor, review_round, params["name"], content)
    finally:
        # The upload holds personal answers: it goes when the job ends, however it ends.
        default_storage.delete(params["path"])
    reporter.progress(1)
    return result


def _import_result(actor: User, review_round: ReviewRound, name: str, content: bytes) -> JobResult:
    try:
        counts = import_answers(actor=actor, review_round=review_round, name=name, content=content)
    except AnswersInvalid as exc:
        return JobResult(
            summary=ngettext(
                "%(n)s problem found; nothing was saved.",
                "%(n)s problems found; nothing was saved.",
                len(exc.problems),
            )
            % {"n": len(exc.problems)},
            errors=[p.as_job_error() for p in exc.problems[:ERRORS_KEPT]],
            error_count=len(exc.problems),
        )
    except ValidationError as exc:  # the file as a whole: unreadable, empty, wrong step
        return JobResult(
            summary=_("The file was refused; nothing was saved."),
            errors=[JobError(message=m) for m in exc.messages],
        )
    unclassified = counts.pop("unclassified", [])
    summary = _("%(rows)d households read, %(changed)d changed.") % counts
    if unclassified:
        summary += " " + ngettext(
            "%(n)d household is saved but cannot be classified yet: fill the cells named below.",
            "%(n)d households are saved but cannot be classified yet: fill the cells named below.",
            len(unclassified),
        ) % {"n": len(unclassified)}
    return JobResult(
        summary=summary,
        errors=[p.as_job_error() for p in unclassified[:ERRORS_KEPT]],
        error_count=len(unclassified),
        extra=counts,
    )


def import_start(*, actor: User, review_round: ReviewRound, upload) -> Job:
    """Every upload runs as a job: one page shows its progress, its errors row by row and the
    error report, whatever the file's size (the worker takes a commune's file in seconds)."""
    content = upload.read()
    if not can(actor, Capability.COLLECT_ANSWERS, review_round.unit):
        raise PermissionDenied(_("This is outside your unit or your role."))
    path = default_storage.save(random_name("imports/reviews", upload.name), ContentFile(content))
    return job_start(
        actor=actor,
        kind="reviews.import_answers",
        title=_("Import of answers, %(round)s") % {"round": review_round},
        params={
            "actor_id": actor.pk,
            "round_id": review_round.pk,
            "path": path,
            "name": upload.name,
            "language": translation.get_language(),
        },
    )


def _register() -> None:
    job_kind("reviews.import_answers")(_run_job)


_register()
