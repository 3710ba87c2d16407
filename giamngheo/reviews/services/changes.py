"""After approval a household's data changes only through a recorded change request that opens
(or joins) an ad-hoc review of its commune (Decision 24/2021/QĐ-TTg, Art. 5)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.households.models import Household
from giamngheo.reviews import workflow
from giamngheo.reviews.models import ChangeRequest, ReviewRound, RoundType
from giamngheo.reviews.services.rounds import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    round_create,
    round_list_households,
)
from giamngheo.storage import display_name


def commune_of(unit: AdminUnit) -> AdminUnit | None:
    while unit is not None and unit.level != Level.COMMUNE:
        unit = unit.parent
    return unit


@transaction.atomic
def change_request_create(
    *,
    actor: User,
    household: Household,
    reason: str,
    evidence=None,
    changes: dict[str, Any] | None = None,
) -> ChangeRequest:
    if not can(actor, Capability.EDIT_RECORDS, household.unit):
        raise PermissionDenied(_("This is outside your unit or your role."))
    errors = []
    if not reason.strip():
        errors.append(_("Give the reason for the change."))
    if evidence is None:
        errors.append(_("Attach the evidence (application, certificate, record…)."))
    elif (
        Path(evidence.name).suffix.lower() not in ATTACHMENT_TYPES
        or evidence.size > ATTACHMENT_MAX_BYTES
    ):
        errors.append(_("Evidence must be a PDF, image or document of at most 10 MB."))
    commune = commune_of(household.unit)
    if commune is None:
        errors.append(_("The household's village is not under a commune."))
    if errors:
        raise ValidationError(errors)
    review_round = (
        ReviewRound.objects.filter(
            unit=commune, round_type=RoundType.AD_HOC, status__in=workflow.LISTING_OPEN
        )
        .order_by("-review_date")
        .first()
    )
    if review_round is None:
        today = timezone.localdate()
        review_round = round_create(
            actor=actor, unit=commune, round_type=RoundType.AD_HOC, review_date=today
        )
    round_list_households(actor=actor, review_round=review_round, households=[household])
    return ChangeRequest.objects.create(
        household=household,
        requested_by=actor,
        reason=reason.strip(),
        evidence=evidence,
        evidence_name=display_name(evidence.name),
        changes=changes or {},
        ad_hoc_round=review_round,
    )
