"""A small summary of coordination programs' progress for the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from giamngheo.accounts.models import User
from giamngheo.programs.models import ActivityStatus
from giamngheo.programs.selectors import activity_list, program_list


@dataclass(frozen=True)
class ProgramLine:
    title: str
    years: str
    activities: int
    done: int

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.activities) if self.activities else 0


def program_summary(*, actor: User, limit: int = 6) -> list[ProgramLine]:
    """Activities done of planned per program in the actor's territory (cancelled ones aside)."""
    programs = list(program_list(actor=actor).order_by("-start_year", "title")[:limit])
    counts = {
        row["content_area__program_id"]: row
        for row in activity_list(actor=actor)
        .filter(content_area__program__in=programs)
        .exclude(status=ActivityStatus.CANCELLED)
        .values("content_area__program_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=ActivityStatus.DONE)))
        .order_by()
    }
    return [
        ProgramLine(
            title=p.title,
            years=f"{p.start_year}–{p.end_year}",
            activities=counts.get(p.pk, {}).get("total", 0),
            done=counts.get(p.pk, {}).get("done", 0),
        )
        for p in programs
    ]
