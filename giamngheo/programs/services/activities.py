"""Planning activities under a content area and reporting what they achieved."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import Organisation, User
from giamngheo.errors import DomainError
from giamngheo.geo.models import AdminUnit
from giamngheo.programs.models import (
    Activity,
    ActivityStatus,
    AnnualPlan,
    ContentArea,
    Evidence,
    Indicator,
    ProgramParty,
)
from giamngheo.programs.permissions import require_activity_edit


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    target: int
    measure: str = ""


def _party(area: ContentArea, organisation: Organisation, field: str) -> ProgramParty:
    party = ProgramParty.objects.filter(program=area.program, organisation=organisation).first()
    if party is None:
        raise ValidationError(
            {
                field: _("%(organisation)s is not a party of this program.")
                % {"organisation": organisation}
            }
        )
    return party


@transaction.atomic
def activity_create(
    *,
    actor: User,
    content_area: ContentArea,
    title: str,
    responsible: Organisation,
    unit: AdminUnit,
    planned_start: dt.date,
    planned_end: dt.date,
    cooperating: Sequence[Organisation] = (),
    budget: int = 0,
    plan: AnnualPlan | None = None,
    description: str = "",
    indicators: Sequence[IndicatorSpec] = (),
) -> Activity:
    """Responsible and cooperating organisations must be parties of the program."""
    responsible_party = _party(content_area, responsible, "responsible")
    cooperating_parties = [_party(content_area, org, "cooperating") for org in cooperating]
    if budget < 0:
        raise ValidationError({"budget": _("The budget cannot be negative.")})
    activity = Activity(
        content_area=content_area,
        plan=plan,
        title=title,
        description=description,
        responsible=responsible_party,
        unit=unit,
        planned_start=planned_start,
        planned_end=planned_end,
        budget=budget,
    )
    activity.full_clean()
    require_activity_edit(actor, activity)
    activity.save()
    activity.cooperating.set([p for p in cooperating_parties if p.pk != responsible_party.pk])
    for spec in indicators:
        indicator = Indicator(
            activity=activity, name=spec.name, target=spec.target, measure=spec.measure
        )
        indicator.full_clean()
        indicator.save()
    return activity


@transaction.atomic
def activity_report(
    *,
    actor: User,
    activity: Activity,
    status: str,
    result_summary: str,
    achieved: Mapping[int, int] | None = None,
    evidence: Sequence[tuple[UploadedFile, str]] = (),
    reported_on: dt.date | None = None,
) -> Activity:
    """Results, achieved values per indicator (by indicator id) and evidence files, all or none."""
    require_activity_edit(actor, activity)
    if status not in ActivityStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    indicators = {i.pk: i for i in activity.indicators.all()}
    for indicator_id, value in (achieved or {}).items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            raise DomainError(_("The indicator belongs to another activity."))
        if value < 0:
            raise DomainError(_("An achieved value cannot be negative."))
        indicator.achieved = value
        indicator.save(update_fields=["achieved"])
    activity.status = status
    activity.result_summary = result_summary
    activity.reported_on = reported_on or timezone.localdate()
    activity.reported_by = actor
    activity.save(update_fields=["status", "result_summary", "reported_on", "reported_by"])
    for upload, title in evidence:
        item = Evidence(activity=activity, file=upload, title=title, uploaded_by=actor)
        item.full_clean()
        item.save()
    return activity
