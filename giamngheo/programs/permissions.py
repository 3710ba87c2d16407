"""Who may change a program's records: `accounts.scoping` applied to programs' shapes."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from giamngheo.accounts.models import Role, User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.programs.models import Activity, CoordinationProgram, Recommendation


def can_edit_program(actor: User, program: CoordinationProgram) -> bool:
    """Partner officers may edit a program only when their organisation signed it."""
    organisation_id = None
    if (
        actor.role == Role.PARTNER_OFFICER
        and actor.organisation_id
        and program.parties.filter(organisation_id=actor.organisation_id).exists()
    ):
        organisation_id = actor.organisation_id
    return can(actor, Capability.EDIT_PROGRAMS, program.unit, organisation_id=organisation_id)


def can_edit_activity(actor: User, activity: Activity) -> bool:
    """Partner officers edit only the activities their own organisation is responsible for."""
    return can(
        actor,
        Capability.EDIT_PROGRAMS,
        activity.unit,
        organisation_id=activity.responsible.organisation_id,
    )


def can_follow_up(actor: User, recommendation: Recommendation) -> bool:
    """The responsible organisation reports on its own recommendations."""
    return can(
        actor,
        Capability.EDIT_PROGRAMS,
        recommendation.inspection.unit,
        organisation_id=recommendation.responsible_id,
    )


def require_program_edit(actor: User, program: CoordinationProgram) -> None:
    if not can_edit_program(actor, program):
        raise PermissionDenied(_("This is outside your unit or your role."))


def require_activity_edit(actor: User, activity: Activity) -> None:
    if not can_edit_activity(actor, activity):
        raise PermissionDenied(_("This is outside your unit or your role."))
