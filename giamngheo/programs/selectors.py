"""Reads over programs, always through the actor's territory (`accounts.scoping`)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, scoped
from giamngheo.programs.models import (
    Activity,
    ActivityStatus,
    ContentArea,
    CoordinationProgram,
    Inspection,
    ProgramParty,
    Recommendation,
    RecommendationStatus,
)


def program_list(*, actor: User) -> QuerySet[CoordinationProgram]:
    """Programs of the actor's units, including those signed by units that became part of them."""
    return scoped(
        CoordinationProgram.objects.select_related("unit"), actor, Capability.READ_PROGRAMS
    ).prefetch_related("parties__organisation")


def program_get(*, actor: User, pk: int) -> CoordinationProgram:
    return get_object_or_404(program_list(actor=actor), pk=pk)


def activity_list(*, actor: User, program: CoordinationProgram | None = None) -> QuerySet[Activity]:
    activities = scoped(
        Activity.objects.select_related(
            "content_area__program", "responsible__organisation", "unit", "plan"
        ),
        actor,
        Capability.READ_PROGRAMS,
        unit_field="content_area__program__unit",
    )
    if program is not None:
        activities = activities.filter(content_area__program=program)
    return activities.prefetch_related("indicators", "cooperating__organisation", "evidence")


def activity_get(*, actor: User, pk: int) -> Activity:
    return get_object_or_404(activity_list(actor=actor), pk=pk)


def activities_editable(*, actor: User) -> QuerySet[Activity]:
    """Partner officers: only where their organisation is the responsible party."""
    return scoped(
        Activity.objects.all(),
        actor,
        Capability.EDIT_PROGRAMS,
        organisation_field="responsible__organisation",
    )


@dataclass
class Progress:
    label: str
    activities: int = 0
    done: int = 0
    budget: int = 0
    targets: int = 0
    achieved: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.activities) if self.activities else 0

    @property
    def percent_achieved(self) -> int | None:
        return min(100, round(100 * self.achieved / self.targets)) if self.targets else None

    def add(self, activity: Activity) -> None:
        if activity.status == ActivityStatus.CANCELLED:
            return
        self.activities += 1
        self.done += activity.status == ActivityStatus.DONE
        self.budget += activity.budget
        for indicator in activity.indicators.all():
            self.targets += indicator.target
            self.achieved += min(indicator.achieved, indicator.target)


@dataclass(frozen=True)
class ProgramProgress:
    areas: list[tuple[ContentArea, Progress]]
    parties: list[tuple[ProgramParty, Progress]]


def program_progress(*, actor: User, program: CoordinationProgram) -> ProgramProgress:
    """Per content area and per party (as responsible); cancelled activities do not count."""
    areas = {a.pk: (a, Progress(str(a))) for a in program.content_areas.select_related("category")}
    parties = {p.pk: (p, Progress(str(p))) for p in program.parties.select_related("organisation")}
    for activity in activity_list(actor=actor, program=program):
        areas[activity.content_area_id][1].add(activity)
        parties[activity.responsible_id][1].add(activity)
        for cooperating in activity.cooperating.all():
            progress = parties[cooperating.pk][1]
            progress.extra["cooperating"] = progress.extra.get("cooperating", 0) + 1
    return ProgramProgress(areas=list(areas.values()), parties=list(parties.values()))


def inspection_list(*, actor: User) -> QuerySet[Inspection]:
    return scoped(
        Inspection.objects.select_related("unit", "program", "activity", "lead_organisation"),
        actor,
        Capability.READ_PROGRAMS,
    ).prefetch_related("recommendations__responsible")


def inspection_get(*, actor: User, pk: int) -> Inspection:
    return get_object_or_404(inspection_list(actor=actor), pk=pk)


def recommendation_get(*, actor: User, pk: int) -> Recommendation:
    recommendations = scoped(
        Recommendation.objects.select_related("inspection__unit"),
        actor,
        Capability.READ_PROGRAMS,
        unit_field="inspection__unit",
    )
    return get_object_or_404(recommendations, pk=pk)


def recommendations_overdue(
    *, actor: User, today: dt.date | None = None
) -> QuerySet[Recommendation]:
    today = today or timezone.localdate()
    return (
        scoped(
            Recommendation.objects.select_related("inspection__unit", "responsible"),
            actor,
            Capability.READ_PROGRAMS,
            unit_field="inspection__unit",
        )
        .exclude(status=RecommendationStatus.DONE)
        .filter(deadline__lt=today)
    )
