"""Writes of the reports app: targets assigned to units; what-if jobs for a whole province."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, require
from giamngheo.geo.models import AdminUnit
from giamngheo.history import stamp
from giamngheo.jobs.models import Job
from giamngheo.jobs.results import JobResult
from giamngheo.jobs.services import JobReporter, job_kind, job_start
from giamngheo.reports.models import Target
from giamngheo.reports.selectors.whatif import (
    require_whatif,
    whatif_reclassify,
    whatif_standard,
)


@transaction.atomic
def target_save(
    *,
    actor: User,
    unit: AdminUnit,
    year: int,
    measure: str,
    value: Decimal,
    legal_basis: str = "",
    target: Target | None = None,
) -> Target:
    """Create or change one target; the province sets them, never the unit measured against them."""
    require(actor, Capability.SET_TARGETS, unit)
    if target is not None:
        require(actor, Capability.SET_TARGETS, target.unit)
    target = target or Target(created_by=actor)
    target.unit, target.year, target.measure = unit, year, measure
    target.value, target.legal_basis = value, legal_basis
    target.full_clean()
    stamp(target, actor=actor, reason=legal_basis)
    target.save()
    return target


WHATIF_JOB = "reports.whatif"


def whatif_start(
    *, actor: User, unit: AdminUnit, standard_id: str, lines: dict[str, dict[str, int | None]]
) -> Job:
    """Re-classify a province in the background (demo size: tens of seconds); writes only the job."""
    require_whatif(actor, unit)
    whatif_standard(standard_id, lines)  # refuse bad lines now, not in the worker
    return job_start(
        actor=actor,
        kind=WHATIF_JOB,
        title=_("What-if for %(unit)s under %(standard)s")
        % {"unit": unit.name, "standard": standard_id},
        params={"unit_id": unit.pk, "standard": standard_id, "lines": lines},
    )


@job_kind(WHATIF_JOB)
def _whatif_job(reporter: JobReporter, params: dict) -> JobResult:
    actor = reporter.job.owner
    unit = AdminUnit.objects.get(pk=params["unit_id"])
    standard = whatif_standard(params["standard"], params.get("lines"))
    reporter.total(3)
    done = whatif_reclassify(actor=actor, unit=unit, standard=standard, progress=reporter.progress)
    reporter.progress(3)
    return JobResult(
        summary=ngettext(
            "%(n)s household re-classified.", "%(n)s households re-classified.", done.households
        )
        % {"n": done.households},
        extra={"whatif": done.as_json()},
    )
