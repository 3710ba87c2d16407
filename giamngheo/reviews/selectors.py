"""Reads that respect the actor's territory (accounts.scoping); views never `get` directly."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can, scoped
from giamngheo.geo.models import AdminUnit, q_within
from giamngheo.households.models import Household
from giamngheo.households.selectors import (
    household_get,  # noqa: F401  (the registry's own)
    search_q,
    search_rank,
)
from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews import workflow
from giamngheo.reviews.display import (
    last_year_text,
    member_names,
    section_list,
    section_title,
    section_values,
)
from giamngheo.reviews.facts import SECTIONS
from giamngheo.reviews.flows import flow_identity as flow_identity
from giamngheo.reviews.models import (
    Assessment,
    Complaint,
    Flow,
    Outcome,
    ReviewRound,
    RoundStatus,
    SnapshotEntry,
)
from giamngheo.reviews.services.assessments import previous_assessment, required_sections


def round_list(*, actor: User, filters: dict | None = None) -> QuerySet[ReviewRound]:
    qs = scoped(ReviewRound.objects.all(), actor, Capability.READ_RECORDS, unit_field="unit")
    filters = filters or {}
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("overdue"):
        qs = qs.filter(overdue_q(timezone.localdate()))
    return qs.select_related("unit").order_by("-year", "unit__code", "-review_date")


def round_certified(review_round: ReviewRound, household_id: int) -> bool:
    """Whether the approved round's frozen lists hold this household (it has a certificate)."""
    return (
        SnapshotEntry.objects.filter(snapshot__round=review_round, household_id=household_id)
        .exclude(class_printed="")
        .exists()
    )


def round_get(*, actor: User, pk: int) -> ReviewRound:
    found = round_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def overdue_q(today: dt.date) -> Q:
    """Rounds past their step deadline, or with a complaint not re-checked in time."""
    open_round = ~Q(status__in=workflow.LOCKED)
    late_step = Q(step_deadline__lt=today)
    late_complaint = Q(
        complaints__status=Complaint.Status.RECEIVED, complaints__recheck_due__lt=today
    )
    return open_round & (late_step | late_complaint)


def overdue_rounds(*, actor: User, today: dt.date | None = None) -> QuerySet[ReviewRound]:
    today = today or timezone.localdate()
    return round_list(actor=actor).filter(overdue_q(today)).distinct()


UNCLASSIFIED = "unclassified"
CLASS_FILTERS = [*PovertyClass.choices, (UNCLASSIFIED, _("Not classified"))]

_OPEN = Q(screened_out=False, poverty_class="")
_SCREENED = ~Q(screening={})
# Where a listed household stands in the round (Decision 24/2021/QĐ-TTg, Art. 4(1)-(2)): form A
# first, then form B section by section unless form A stopped it, then its class. Every listed
# household is in exactly one of these; "has a complaint" cuts across them.
STEP_STATES: dict[str, tuple[str, Q]] = {
    "not_screened": (_("Not screened (form A)"), _OPEN & Q(screening={})),
    "screened_out": (_("Screened out by form A"), Q(screened_out=True)),
    "awaiting_form_b": (_("Awaiting form B"), _OPEN & _SCREENED & Q(sections_done=[])),
    "form_b_started": (_("Form B in progress"), _OPEN & _SCREENED & ~Q(sections_done=[])),
    "classified": (_("Classified"), Q(screened_out=False) & ~Q(poverty_class="")),
}
HAS_COMPLAINT = "has_complaint"
STATE_FILTERS = [(k, label) for k, (label, _q) in STEP_STATES.items()] + [
    (HAS_COMPLAINT, _("Has a complaint"))
]


def _complained(review_round: ReviewRound) -> Q:
    return Q(household_id__in=Complaint.objects.filter(round=review_round).values("household_id"))


def _narrowed(qs: QuerySet[Assessment], review_round: ReviewRound, filters: dict) -> QuerySet:
    qs = qs.filter(search_q(filters.get("q") or "", path="household__"))
    if filters.get("village"):
        qs = qs.filter(household__unit_id=filters["village"])
    if filters.get("klass") == UNCLASSIFIED:
        qs = qs.filter(poverty_class="")
    elif filters.get("klass"):
        qs = qs.filter(poverty_class=filters["klass"])
    if filters.get("state") == HAS_COMPLAINT:
        qs = qs.filter(_complained(review_round))
    elif filters.get("state") in STEP_STATES:
        qs = qs.filter(STEP_STATES[filters["state"]][1])
    return qs


def assessment_list(
    *, actor: User, review_round: ReviewRound, filters: dict | None = None
) -> QuerySet[Assessment]:
    """The round's listed households the actor may read, narrowed by `q` (the registry's search),
    `village` (id), `klass` (a class or "unclassified") and `state` (STEP_STATES or
    "has_complaint")."""
    filters = filters or {}
    qs = _narrowed(_round_assessments(actor, review_round), review_round, filters)
    rank = search_rank(filters.get("q") or "", path="household__")
    return qs.select_related("household", "household__unit").order_by(rank, "household__code")


def _round_assessments(actor: User, review_round: ReviewRound) -> QuerySet[Assessment]:
    return scoped(
        Assessment.objects.filter(round=review_round),
        actor,
        Capability.READ_RECORDS,
        unit_field="household__unit",
    )


def assessment_rows(
    *, actor: User, review_round: ReviewRound, filters: dict | None = None
) -> QuerySet[Assessment]:
    """`assessment_list` with only the columns the round page's table shows (the stored facts,
    members and explanations are large)."""
    return assessment_list(actor=actor, review_round=review_round, filters=filters).only(
        "round_id",
        "screening",
        "screened_out",
        "poverty_class",
        "deprivation_count",
        "sections_done",
        "household__code",
        "household__head_name",
        "household__unit__name",
    )


def assessment_facets(
    *, actor: User, review_round: ReviewRound, filters: dict
) -> dict[str, dict[str, int]]:
    """How many listed households each filter value would show, given the other filters: one
    grouped query per filter."""

    listed = _round_assessments(actor, review_round)

    def others(without: str) -> QuerySet[Assessment]:
        rest = {k: v for k, v in filters.items() if k != without}
        return _narrowed(listed, review_round, rest)

    villages = others("village").values_list("household__unit_id").annotate(n=Count("pk"))
    classes = others("klass").values_list("poverty_class").annotate(n=Count("pk"))
    conditions = {k: q for k, (_label, q) in STEP_STATES.items()}
    conditions[HAS_COMPLAINT] = _complained(review_round)
    counted = others("state").aggregate(
        **{f"n_{key}": Count("pk", filter=condition) for key, condition in conditions.items()}
    )
    states = {key: counted[f"n_{key}"] for key in conditions}
    by_class = {klass or UNCLASSIFIED: n for klass, n in classes}
    return {
        "village": {str(pk): n for pk, n in villages},
        "klass": {value: by_class.get(value, 0) for value, _label in CLASS_FILTERS},
        "state": states,
    }


MATCHES_SHOWN = 20


def complaint_household_matches(
    *, actor: User, review_round: ReviewRound, query: str, limit: int = MATCHES_SHOWN
) -> list[Household]:
    """Households a complaint in this round may be about that match `query`: the commune's
    households, since a household left off the list may complain too (its complaint lists it),
    searched as the registry searches. Nothing for an empty query."""
    if not query.strip():
        return []
    households = scoped(
        Household.objects.filter(unit__in=review_round.unit.subtree()),
        actor,
        Capability.READ_RECORDS,
    )
    listed = Assessment.objects.filter(round=review_round, household=OuterRef("pk"))
    return list(
        households.filter(search_q(query))
        .select_related("unit")
        .only("code", "head_name", "unit__name")
        .annotate(listed=Exists(listed))
        .order_by(search_rank(query), "code")[:limit]
    )


def screening_village_get(*, actor: User, review_round: ReviewRound, pk: int) -> AdminUnit:
    """A village of the round's commune where the actor collects answers and the round lists
    households; 404 otherwise."""
    village = AdminUnit.objects.filter(pk=pk).first()
    if (
        village is None
        or not review_round.unit.contains(village)
        or not can(actor, Capability.COLLECT_ANSWERS, village)
        or not review_round.assessments.filter(household__unit=village).exists()
    ):
        raise Http404
    return village


def assessment_get(*, actor: User, pk: int) -> Assessment:
    qs = scoped(
        Assessment.objects.all(), actor, Capability.READ_RECORDS, unit_field="household__unit"
    )
    found = qs.select_related("round", "round__unit", "household", "household__unit").filter(pk=pk)
    found = found.first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class SectionPage:
    """One form B section of an assessment: its answers, last year's, and its place in the survey."""

    assessment: Assessment
    section: str
    order: list[str]
    title: str
    values: dict[str, Any]
    last_year: dict[str, str]
    editable: bool

    @property
    def next_section(self) -> str | None:
        following = self.order.index(self.section) + 1
        return self.order[following] if following < len(self.order) else None

    def context(self) -> dict[str, Any]:
        return {
            "assessment": self.assessment,
            "section": self.section,
            "title": self.title,
            "position": self.order.index(self.section) + 1,
            "total": len(self.order),
            "last_year": self.last_year,
            "editable": self.editable,
        }


def section_page(*, actor: User, pk: int, section: str) -> SectionPage:
    """A section of an assessment the actor may read; 404 for a section the household lacks."""
    assessment = assessment_get(actor=actor, pk=pk)
    order = required_sections(assessment)
    if section not in order:
        raise Http404
    return SectionPage(
        assessment=assessment,
        section=section,
        order=order,
        title=section_title(section, member_names(assessment)),
        values=section_values(assessment, section),
        last_year=last_year_text(previous_assessment(assessment), section),
        editable=can(actor, Capability.COLLECT_ANSWERS, assessment.household.unit)
        and assessment.round.status in workflow.SURVEY_OPEN,
    )


def household_classifications(*, actor: User, household: Household) -> QuerySet[Assessment]:
    """A household's assessments, newest first (the household page's history)."""
    qs = scoped(
        Assessment.objects.filter(household=household),
        actor,
        Capability.READ_RECORDS,
        unit_field="household__unit",
    )
    return qs.select_related("round").order_by("-round__review_date", "-pk")


def complaint_get(*, actor: User, pk: int) -> Complaint:
    qs = scoped(Complaint.objects.all(), actor, Capability.READ_RECORDS, unit_field="round__unit")
    found = qs.select_related("round", "round__unit", "household").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class RecheckPage:
    """A complaint's re-check at one section of form B; a household the round never listed has
    no assessment yet and is asked every household section."""

    complaint: Complaint
    section: str
    order: list[str]
    values: dict[str, Any]
    sections: list[tuple[str, str, bool]]

    @property
    def next_section(self) -> str:
        return self.order[min(self.order.index(self.section) + 1, len(self.order) - 1)]

    def context(self) -> dict[str, Any]:
        return {
            "complaint": self.complaint,
            "round": self.complaint.round,
            "section": self.section,
            "sections": self.sections,
        }


def recheck_page(*, actor: User, pk: int, section: str) -> RecheckPage:
    """The re-check of a complaint the actor may read; an unknown section shows the first."""
    complaint = complaint_get(actor=actor, pk=pk)
    assessment = complaint.round.assessments.filter(household=complaint.household).first()
    order = required_sections(assessment) if assessment else list(SECTIONS)
    if section not in order:
        section = "general"
    return RecheckPage(
        complaint=complaint,
        section=section,
        order=order,
        values=section_values(assessment, section) if assessment else {},
        sections=section_list(assessment, order),
    )


def flow_counts(
    *, actor: User, review_round: ReviewRound | None = None, unit=None, year: int | None = None
) -> dict[str, int]:
    """Households per flow for one round, or for all approved rounds of a unit and year."""
    qs = scoped(Outcome.objects.all(), actor, Capability.READ_AGGREGATES, unit_field="round__unit")
    if review_round is not None:
        qs = qs.filter(round=review_round)
    if unit is not None:
        qs = qs.filter(q_within(unit, "round__unit"))
    if year is not None:
        qs = qs.filter(round__year=year)
    counts = Counter(dict.fromkeys(Flow.values, 0))
    counts.update(qs.values_list("flow", flat=True))
    return dict(counts)


def round_overview(*, actor: User, review_round: ReviewRound) -> dict[str, Any]:
    """What the round page shows beside its households: the steps and what blocks the next,
    deadlines, complaints, what the actor may do, and once approved the flows and rates."""
    r, today = review_round, timezone.localdate()
    nxt = workflow.FORWARD.get(r.status)
    residents = r.unit.resident_counts.filter(year=r.year).first()
    identity = flow_identity(r) if r.is_locked else None
    page: dict[str, Any] = {
        "round": r,
        "steps": [(s, RoundStatus(s).label) for s in workflow.ORDER],
        "step_index": workflow.ORDER.index(r.status),
        "transitions": r.transitions.select_related("actor"),
        "attachments": r.attachments.all(),
        "complaints": r.complaints.select_related("household"),
        "next_step": RoundStatus(nxt).label if nxt else "",
        "blockers": workflow.blockers(r, nxt, today) if nxt else [],
        "can_go_back": r.status in workflow.BACKWARD,
        "overdue": workflow.is_overdue(r, today),
        "round_deadline": workflow.round_deadline(r),
        "can_edit": can(actor, Capability.EDIT_RECORDS, r.unit) and not r.is_locked,
        "can_edit_any": can(actor, Capability.EDIT_RECORDS, r.unit),
        "can_collect": can(actor, Capability.COLLECT_ANSWERS, r.unit) and not r.is_locked,
        "can_approve": can(actor, Capability.APPROVE_ROUNDS, r.unit)
        and r.status == RoundStatus.APPROVAL,
        "residents": residents,
        "flow_labels": Flow.choices,
        "flows": flow_counts(actor=actor, review_round=r) if r.is_locked else None,
        "identity": identity,
        "is_posting_or_later": workflow.ORDER.index(r.status)
        >= workflow.ORDER.index(RoundStatus.POSTING),
    }
    if identity and residents:
        page["poverty_rate"] = residents.household_rate(identity["poor"]["end"])
        page["near_poverty_rate"] = residents.household_rate(identity["near_poor"]["end"])
    return page
