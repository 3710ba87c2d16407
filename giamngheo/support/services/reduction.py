"""Poverty-reduction models: budget by source and participating households."""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.models import Organisation, User
from giamngheo.accounts.scoping import Capability, require
from giamngheo.geo.models import AdminUnit
from giamngheo.geo.selectors import scope_roots
from giamngheo.households.models import Household
from giamngheo.programs.models import Activity
from giamngheo.support.models import FundingSource, ModelFunding, ModelParticipant, ReductionModel


def _require_model_edit(actor: User, model: ReductionModel) -> None:
    require(actor, Capability.EDIT_PROGRAMS, model.unit, organisation_id=model.lead_organisation_id)


@transaction.atomic
def reduction_model_create(
    *,
    actor: User,
    name: str,
    unit: AdminUnit,
    starts_on: dt.date,
    ends_on: dt.date,
    funding: Mapping[str, int],
    location: str = "",
    lead_organisation: Organisation | None = None,
    activity: Activity | None = None,
    description: str = "",
) -> ReductionModel:
    model = ReductionModel(
        name=name,
        unit=unit,
        starts_on=starts_on,
        ends_on=ends_on,
        location=location,
        lead_organisation=lead_organisation,
        activity=activity,
        description=description,
    )
    model.full_clean()
    _require_model_edit(actor, model)
    for source, amount in funding.items():
        if source not in FundingSource.values:
            raise ValidationError({"funding": _("Unknown funding source.")})
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValidationError({"funding": _("Each budget line must be above zero.")})
    model.save()
    ModelFunding.objects.bulk_create(
        ModelFunding(model=model, source=source, amount=amount)
        for source, amount in funding.items()
    )
    return model


@transaction.atomic
def model_participants_add(
    *,
    actor: User,
    model: ReductionModel,
    households: Iterable[Household],
    joined_on: dt.date | None = None,
) -> int:
    """Participants live in the model's unit (or in units that became part of it)."""
    _require_model_edit(actor, model)
    roots = scope_roots(model.unit)
    added = 0
    for household in households:
        if not any(root.contains(household.unit) for root in roots):
            raise ValidationError(
                {
                    "households": _("%(household)s lives outside the model's unit.")
                    % {"household": household}
                }
            )
        _obj, created = ModelParticipant.objects.get_or_create(
            model=model, household=household, defaults={"joined_on": joined_on}
        )
        added += created
    return added
