"""A reminder or two under the demo officers' bell: an inspection left undone, then today's run."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.utils import timezone

from giamngheo.accounts.models import Role, User
from giamngheo.geo.models import AdminUnit
from giamngheo.notifications.reminders import reminders_run
from giamngheo.programs.models import Inspection
from giamngheo.programs.services import inspection_plan

OVERDUE_INSPECTION = "Kiểm tra kết quả rà soát hộ nghèo, hộ cận nghèo (minh họa)"


def notifications_seed_demo(
    *, province: AdminUnit, commune: AdminUnit, stdout: TextIO, today: dt.date | None = None
) -> None:
    today = today or timezone.localdate()
    planner = User.objects.filter(role=Role.PROVINCE_OFFICER, unit=province).order_by("pk").first()
    if (
        planner is not None
        and not Inspection.objects.filter(unit=commune, title=OVERDUE_INSPECTION).exists()
    ):
        # Planned a week ago and not recorded as done: the province's officer and the commune's
        # are reminded.
        inspection_plan(
            actor=planner,
            title=OVERDUE_INSPECTION,
            unit=commune,
            planned_on=today - dt.timedelta(days=7),
        )
    counts = reminders_run(today=today)
    stdout.write(f"Reminders: {sum(counts.notifications.values())} notification(s)")
