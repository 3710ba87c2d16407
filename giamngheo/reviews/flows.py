"""Movements on and off the lists between the start and the end of a round (forms 2 and 3): reads.

Start-of-period lists are those recognised before the round: the commune's imported baseline
(the province's decision) overlaid with every later approved round's results. A household not
reviewed this round keeps its class. Relapse ("tái nghèo") needs history: poor again after an
escape recorded earlier under the same standard (report-forms.md §5.6).

Which flows make which column of forms 2 and 3 is `FORM_COLUMNS`, here once: the round page's
identity and the approval check (`flow_identity`) and the reports' forms, dashboard and drill-down
(`reports.selectors.flows`) all count by it.

Reads only, below the workflow, the selectors and the services that all ask them; the write
(storing the flows on approval) is `services.outcomes.outcomes_compute`.
"""

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Q

from giamngheo.households.models import Household, HouseholdStatus, LifeEvent
from giamngheo.households.vocab import LEAVING_EVENTS, LifeEventKind, PovertyClass
from giamngheo.reviews import screening
from giamngheo.reviews.models import (
    Assessment,
    Baseline,
    Flow,
    Outcome,
    ReviewRound,
    RoundStatus,
)

P, N = PovertyClass.POOR, PovertyClass.NEAR_POOR
ON_LISTS = {P, N}
LOCKED = [RoundStatus.APPROVED, RoundStatus.REPORTED]
ENTERING_EVENTS = {LifeEventKind.MOVED_IN, LifeEventKind.SPLIT}
ESCAPED_POOR = {Flow.ESCAPED_TO_NEAR_POOR, Flow.ESCAPED_ABOVE_NEAR_POOR}
# A listed household's flow by its end class, when it started poor or near-poor.
AFTER_POOR: dict[str, Flow] = {P: Flow.STAYED_POOR, N: Flow.ESCAPED_TO_NEAR_POOR}
AFTER_NEAR_POOR: dict[str, Flow] = {N: Flow.STAYED_NEAR_POOR, P: Flow.NEAR_POOR_TO_POOR}


@dataclass(frozen=True)
class FormColumn:
    """One column of Form 2 or 3 and the outcomes it counts; an empty field matches any value."""

    key: str  # the column's name on the round page (`flow_identity`)
    flow: str = ""
    start_class: str = ""
    end_class: str = ""

    def counts(self, flow: str, start_class: str, end_class: str) -> bool:
        """Whether an outcome (its flow, start and end class) is counted in this column."""
        return (
            self.flow in ("", flow)
            and self.start_class in ("", start_class)
            and self.end_class in ("", end_class)
        )

    def q(self) -> Q:
        """The same condition over `Outcome` rows, for the reports' aggregates."""
        fields = {"flow": self.flow, "start_class": self.start_class, "end_class": self.end_class}
        return Q(**{name: value for name, value in fields.items() if value})


# Forms 2 (poor) and 3 (near-poor), column by column (report-forms.md §2, §5.6). Form 3's
# column 2 (near-poor became poor) is Form 2's column 5, and its column 5 Form 2's column 2:
# the cross-check of §5.10.
FORM_COLUMNS: dict[str, dict[int, FormColumn]] = {
    "poor": {
        1: FormColumn("start", start_class=P),
        2: FormColumn("escaped_to_near_poor", Flow.ESCAPED_TO_NEAR_POOR),
        3: FormColumn("escaped_above_near_poor", Flow.ESCAPED_ABOVE_NEAR_POOR),
        4: FormColumn("other_out", Flow.LEFT_LISTS, start_class=P),
        5: FormColumn("from_other_list", Flow.NEAR_POOR_TO_POOR),
        6: FormColumn("relapsed", Flow.RELAPSED_POOR),
        7: FormColumn("new", Flow.NEW_POOR),
        8: FormColumn("other_in", Flow.ENTERED_LISTS, end_class=P),
        9: FormColumn("end", end_class=P),
    },
    "near_poor": {
        1: FormColumn("start", start_class=N),
        2: FormColumn("to_poor", Flow.NEAR_POOR_TO_POOR),
        3: FormColumn("escaped_near_poverty", Flow.ESCAPED_NEAR_POVERTY),
        4: FormColumn("other_out", Flow.LEFT_LISTS, start_class=N),
        5: FormColumn("from_other_list", Flow.ESCAPED_TO_NEAR_POOR),
        6: FormColumn("relapsed", Flow.RELAPSED_NEAR_POOR),
        7: FormColumn("new", Flow.NEW_NEAR_POOR),
        8: FormColumn("other_in", Flow.ENTERED_LISTS, end_class=N),
        9: FormColumn("end", end_class=N),
    },
}
START_COLUMN, END_COLUMN = 1, 9
# The forms' check, 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8: each movement column's sign.
IDENTITY: dict[int, int] = {2: -1, 3: -1, 4: -1, 5: 1, 6: 1, 7: 1, 8: 1}


@dataclass(frozen=True)
class StartLists:
    classes: dict[int, str]  # household id → class recognised before the round
    since: dt.date | None  # when that recognition was made


def _earlier(review_round: ReviewRound) -> Q:
    return Q(round__review_date__lt=review_round.review_date) | Q(
        round__review_date=review_round.review_date, round__pk__lt=review_round.pk
    )


def start_lists(review_round: ReviewRound) -> StartLists:
    """The lists the round starts from: the end lists of the rounds approved before it.

    A household an earlier approved round took off the lists (it moved away, merged, dissolved)
    stays off until a later round lists it again; otherwise it would be counted out once more."""
    classes: dict[int, str] = {}
    since = None
    baseline = (
        Baseline.objects.filter(unit=review_round.unit, decision_date__lte=review_round.review_date)
        .order_by("-decision_date")
        .first()
    )
    earlier = {"round__unit": review_round.unit, "round__status__in": LOCKED}
    assessments = Assessment.objects.filter(_earlier(review_round), **earlier).exclude(
        poverty_class=""
    )
    left = Outcome.objects.filter(_earlier(review_round), flow=Flow.LEFT_LISTS, **earlier)
    if baseline:
        since = baseline.decision_date
        classes.update(baseline.entries.values_list("household_id", "poverty_class"))
        assessments = assessments.filter(round__review_date__gt=baseline.decision_date)
        left = left.filter(round__review_date__gt=baseline.decision_date)
    # (review date, round, 0 = assessed / 1 = left, household, class): a round's departures
    # come after its assessments, as in `end_lists`.
    rows = [
        (day, round_pk, 0, household_id, klass)
        for household_id, klass, day, round_pk in assessments.values_list(
            "household_id", "poverty_class", "round__review_date", "round__pk"
        )
    ]
    rows += [
        (day, round_pk, 1, household_id, "")
        for household_id, day, round_pk in left.values_list(
            "household_id", "round__review_date", "round__pk"
        )
    ]
    for day, _round_pk, is_departure, household_id, klass in sorted(rows):
        if is_departure:
            classes.pop(household_id, None)
        else:
            classes[household_id] = klass
            since = day
    return StartLists(classes, since)


def _events(review_round: ReviewRound, since: dt.date | None, kinds) -> set[int]:
    qs = LifeEvent.objects.filter(
        kind__in=kinds,
        date__lte=review_round.review_date,
        household__unit__in=review_round.unit.subtree(),
    )
    if since:
        qs = qs.filter(date__gt=since)
    return set(qs.values_list("household_id", flat=True))


def end_lists(review_round: ReviewRound, start: StartLists | None = None) -> dict[int, str]:
    """Each household's class at the end of the round; households that left are absent."""
    start = start or start_lists(review_round)
    end = dict(start.classes)
    for household_id, klass in review_round.assessments.exclude(poverty_class="").values_list(
        "household_id", "poverty_class"
    ):
        end[household_id] = klass
    for household_id in _left(review_round, start):
        end.pop(household_id, None)
    return end


def _left(review_round: ReviewRound, start: StartLists) -> set[int]:
    left = _events(review_round, start.since, LEAVING_EVENTS)
    left |= set(
        Household.objects.filter(
            unit__in=review_round.unit.subtree(), status=HouseholdStatus.LEFT
        ).values_list("pk", flat=True)
    )
    return left


def _escaped_before(review_round: ReviewRound, flows: Collection[str]) -> set[int]:
    return set(
        Outcome.objects.filter(
            _earlier(review_round),
            household__unit__in=review_round.unit.subtree(),
            round__standard=review_round.standard,
            round__status__in=LOCKED,
            flow__in=flows,
        ).values_list("household_id", flat=True)
    )


def flows_preview(review_round: ReviewRound) -> dict[int, tuple[str, str, str]]:
    """household id → (start class, end class, flow) for every household on a list."""
    start = start_lists(review_round)
    end = end_lists(review_round, start)
    left = _left(review_round, start)
    entered = _events(review_round, start.since, ENTERING_EVENTS)
    was_poor_escaped = _escaped_before(review_round, ESCAPED_POOR)
    was_near_escaped = _escaped_before(review_round, {Flow.ESCAPED_NEAR_POVERTY})
    out: dict[int, tuple[str, str, str]] = {}
    for household_id in set(start.classes) | set(end):
        s = start.classes.get(household_id, "")
        e = end.get(household_id, "")
        s_on, e_on = s in ON_LISTS, e in ON_LISTS
        if not s_on and not e_on:
            continue
        if s_on and household_id in left:
            flow = Flow.LEFT_LISTS
        elif s == P:
            flow = AFTER_POOR.get(e, Flow.ESCAPED_ABOVE_NEAR_POOR)
        elif s == N:
            flow = AFTER_NEAR_POOR.get(e, Flow.ESCAPED_NEAR_POVERTY)
        elif household_id in entered:
            flow = Flow.ENTERED_LISTS
        elif e == P:
            flow = Flow.RELAPSED_POOR if household_id in was_poor_escaped else Flow.NEW_POOR
        else:
            flow = (
                Flow.RELAPSED_NEAR_POOR if household_id in was_near_escaped else Flow.NEW_NEAR_POOR
            )
        out[household_id] = (s, e, flow)
    return out


def previous_classes(review_round: ReviewRound) -> dict[int, str]:
    """Household id → class recognised before the round (baseline and approved rounds)."""
    return start_lists(review_round).classes


def exempt_household_ids(review_round: ReviewRound, classes: dict[int, str] | None = None):
    """Listed households that skip form A by the class they held (screening.FORM_A_EXEMPT_*)."""
    if not screening.FORM_A_EXEMPT_CLASSES:
        return set()
    classes = previous_classes(review_round) if classes is None else classes
    return {pk for pk, klass in classes.items() if screening.exempt_class(klass)}


def flow_identity(review_round: ReviewRound) -> dict[str, dict[str, int | bool]]:
    """Forms 2 and 3 for one round, by `FORM_COLUMNS`: end = start − escaped − other out + from
    the other list + relapsed + new + other in (report-forms.md §5.6). Start and end are counted
    from the lists themselves, not from the outcomes, so the identity checks the stored flows."""
    start = Counter(start_lists(review_round).classes.values())
    end = Counter(end_lists(review_round).values())
    rows = Counter(review_round.outcomes.values_list("flow", "start_class", "end_class"))
    out: dict[str, dict[str, int | bool]] = {}
    for form, columns in FORM_COLUMNS.items():
        moved = {
            columns[c].key: sum(n for row, n in rows.items() if columns[c].counts(*row))
            for c in IDENTITY
        }
        first, last = columns[START_COLUMN], columns[END_COLUMN]
        figures: dict[str, int | bool] = {
            first.key: start[first.start_class],
            **moved,
            last.key: end[last.end_class],
        }
        figures["holds"] = end[last.end_class] == start[first.start_class] + sum(
            sign * moved[columns[c].key] for c, sign in IDENTITY.items()
        )
        out[form] = figures
    return out
