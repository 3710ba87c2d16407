"""Form A for a whole village at once (Decision 24/2021/QĐ-TTg, Art. 4(1); Circular 07/2021).

A commune lists hundreds of households; the officer goes through them village by village with
the village head. One call records every household the officer changed, and — only with an
explicit confirmation — those confirmed as unchanged since last year. Each recorded household
keeps who recorded its form A and when; a household nobody looked at stays unscreened.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.dbstats import analyze_after_commit
from giamngheo.errors import Conflict, DomainError
from giamngheo.geo.models import AdminUnit
from giamngheo.history import REASON_MAX
from giamngheo.households.vocab import PovertyClass
from giamngheo.law import cited
from giamngheo.reviews import screening, workflow
from giamngheo.reviews.flows import exempt_household_ids, previous_classes
from giamngheo.reviews.models import Assessment, ReviewRound
from giamngheo.reviews.services.assessments import apply_markers, previous_assessments
from giamngheo.reviews.services.classification import assessments_classify

# What a form A write changes on an assessment (apply_markers may also (un)classify it).
FIELDS = [
    "screening",
    "screened_out",
    "screened_by",
    "screened_at",
    "poverty_class",
    "standard",
    "deprived",
    "deprivation_count",
    "deprived_members",
    "explanation",
    "engine_version",
    "classified_at",
    "classification_error",
    "updated_at",
]


@dataclass
class Row:
    """One listed household on the village's form A table."""

    assessment: Assessment
    last_class: str  # the class recognised before the round ("" when on no list)
    last_markers: list[str] | None  # last year's form A, None when there was none
    exempt: bool

    @property
    def screened(self) -> bool:
        return bool(self.assessment.screening)

    @property
    def markers(self) -> list[str]:
        return list(self.assessment.screening.get("markers", []))

    @property
    def starting_markers(self) -> list[str]:
        """What the table shows ticked: this round's answer, else last year's."""
        if self.screened:
            return self.markers
        return sorted(set(self.last_markers or []))


def village_progress(review_round: ReviewRound) -> list[dict]:
    """Per village of the listed households: how many need form A and how many have it."""
    exempt = exempt_household_ids(review_round)
    villages: dict[int, dict] = {}
    rows = review_round.assessments.values_list("household_id", "household__unit_id", "screening")
    for household_id, unit_id, answers in rows:
        entry = villages.setdefault(unit_id, {"listed": 0, "exempt": 0, "due": 0, "screened": 0})
        entry["listed"] += 1
        if household_id in exempt:
            entry["exempt"] += 1
            continue
        entry["due"] += 1
        entry["screened"] += 1 if answers else 0
    units = AdminUnit.objects.in_bulk(list(villages))
    out = [
        {"village": units[pk], "todo": counts["due"] - counts["screened"], **counts}
        for pk, counts in villages.items()
    ]
    return sorted(out, key=lambda e: (e["village"].code, e["village"].pk))


def round_progress(progress: list[dict]) -> dict:
    return {key: sum(e[key] for e in progress) for key in ("listed", "exempt", "due", "screened")}


def village_rows(review_round: ReviewRound, village: AdminUnit, lock: bool = False) -> list[Row]:
    """Every listed household of `village`, with last year's class and form A."""
    qs = review_round.assessments.filter(household__unit=village)
    if lock:  # the rows written back, against a concurrent form A or form B save
        qs = qs.select_for_update(of=("self",))
    assessments = list(
        qs.select_related("household", "round", "screened_by").order_by("household__code")
    )
    classes = previous_classes(review_round)
    exempt = exempt_household_ids(review_round, classes)
    before = previous_assessments(review_round, [a.household_id for a in assessments])
    rows = []
    for a in assessments:
        old = before.get(a.household_id)
        rows.append(
            Row(
                assessment=a,
                last_class=classes.get(a.household_id, ""),
                last_markers=old.screening.get("markers", []) if old and old.screening else None,
                exempt=a.household_id in exempt,
            )
        )
    return rows


@transaction.atomic
def village_sheet(
    review_round: ReviewRound,
    village: AdminUnit,
    *,
    posted: QueryDict | None,
    todo_only: bool,
    pick_all: bool,
) -> dict[str, Any]:
    """The village's form A table as the page shows it: the ticks posted back after a refusal,
    else what each row starts with; `todo_only` hides screened and exempt rows, `pick_all`
    ticks every row not yet screened as confirmed unchanged."""
    rows = village_rows(review_round, village)
    due = [row for row in rows if not row.exempt]
    picked = set(posted.getlist("unchanged")) if posted is not None else set()
    pick_all = pick_all and posted is None
    number = {m.code: i for i, m in enumerate(screening.MARKERS, start=1)}
    table = []
    confirming = 0  # as village_screen counts them: not yet screened, ticks left as shown
    for row in rows:
        if todo_only and (row.screened or row.exempt):
            continue
        key = str(row.assessment.pk)
        ticks = set(posted.getlist(f"m-{key}")) if posted is not None else set(row.starting_markers)
        is_picked = (key in picked) or (pick_all and not row.screened and not row.exempt)
        if is_picked and not row.screened and sorted(ticks) == row.starting_markers:
            confirming += 1
        table.append(
            {
                "row": row,
                "marks": [(m, m.code in ticks) for m in screening.MARKERS],
                "picked": is_picked,
                "last": None
                if row.last_markers is None
                else sorted(number[c] for c in row.last_markers if c in number),
            }
        )
    classes = dict(PovertyClass.choices)
    return {
        "table": table,
        "markers": screening.MARKERS,
        "picked_count": confirming if posted is not None else 0,
        "classes": classes,
        "due": len(due),
        "screened": sum(1 for row in due if row.screened),
        "exempt": len(rows) - len(due),
        "round_total": round_progress(village_progress(review_round)),
        "editable": review_round.status in workflow.SCREENING_OPEN,
        "stop_at": screening.STOP_AT,
        "source": screening.SOURCE,
        "markers_article": screening.MARKERS_ARTICLE,
        "exempt_classes": [classes.get(c, c) for c in screening.FORM_A_EXEMPT_CLASSES],
        "exempt_source": screening.EXEMPT_SOURCE,
    }


def village_screen(
    *,
    actor: User,
    review_round: ReviewRound,
    village: AdminUnit,
    rows: dict[int, list[str]],
    confirm_unchanged: Iterable[int] = (),
    confirmed: bool = False,
) -> dict[str, int]:
    """Record form A for the village's households in one go; all or nothing.

    `rows` maps assessment id → the markers ticked for every household shown; only those whose
    markers differ from what the table started with (this round's answer, else last year's)
    are recorded. `confirm_unchanged` lists households not yet screened that the officer
    confirms with last year's markers (or none); that needs `confirmed` (checked with the
    village head), else nothing at all is recorded.
    """
    if not can(actor, Capability.COLLECT_ANSWERS, village):
        raise PermissionDenied(_("This is outside your unit or your role."))
    ReviewRound.objects.select_for_update().filter(pk=review_round.pk).first()
    review_round.refresh_from_db()
    if not review_round.unit.contains(village):
        raise PermissionDenied(_("This is outside your unit or your role."))
    if review_round.is_locked:
        raise Conflict(_("This round is approved and locked; changes go through a change request."))
    if review_round.status not in workflow.SCREENING_OPEN:
        raise DomainError(
            _("Form A is recorded during the screening and survey steps, not in “%(step)s”.")
            % {"step": review_round.get_status_display()}
        )
    table = {row.assessment.pk: row for row in village_rows(review_round, village, lock=True)}
    wanted = set(rows) | set(confirm_unchanged)
    errors = []
    strangers = sorted(wanted - set(table))
    if strangers:
        errors.append(
            _(
                "%(n)d of the households sent are not listed in this round for this village; "
                "reload the page."
            )
            % {"n": len(strangers)}
        )
    for pk, markers in rows.items():
        row = table.get(pk)
        unknown = sorted(set(markers) - set(screening.MARKER_CODES))
        if row and unknown:
            errors.append(
                _("Household %(code)s: unknown form A markers %(m)s.")
                % {"code": row.assessment.household.code, "m": ", ".join(unknown)}
            )
    exempt_sent = sorted(
        table[pk].assessment.household.code for pk in wanted & set(table) if table[pk].exempt
    )
    if exempt_sent:
        errors.append(
            _("Households %(codes)s are exempt from form A (%(source)s); they go to form B.")
            % {"codes": ", ".join(exempt_sent), "source": cited(screening.EXEMPT_SOURCE)}
        )
    if errors:
        raise ValidationError(errors)

    changed: dict[int, list[str]] = {}
    for pk, markers in rows.items():
        row = table[pk]
        if sorted(set(markers)) != row.starting_markers:
            changed[pk] = sorted(set(markers))
    confirming = {
        pk: sorted(set(table[pk].last_markers or []))
        for pk in confirm_unchanged
        if not table[pk].screened and pk not in changed
    }
    if confirming and not confirmed:
        raise ValidationError(
            ngettext(
                "Tick “I have checked this %(n)d household with the village head” to confirm "
                "it unchanged; nothing was saved.",
                "Tick “I have checked these %(n)d households with the village head” to confirm "
                "them unchanged; nothing was saved.",
                len(confirming),
            )
            % {"n": len(confirming)}
        )
    now = timezone.now()
    objs, due = [], []
    for pk, markers in {**changed, **confirming}.items():
        a = table[pk].assessment
        if apply_markers(a, markers, classify=False):
            due.append(a)
        a.screened_by = actor
        a.screened_at = now
        a.updated_at = now
        objs.append(a)
    assessments_classify(due)
    if objs:
        reason = _("Form A, village %(village)s") % {"village": village.name}
        bulk_update_with_history(
            objs,
            Assessment,
            fields=FIELDS,
            batch_size=500,
            default_user=actor,
            default_change_reason=reason[:REASON_MAX],
            default_date=now,
        )
        analyze_after_commit([Assessment], len(objs))
    return {"changed": len(changed), "confirmed": len(confirming)}
