"""Records of who was shown personal data, kept apart from the reads that show it."""

from django.db import transaction

from giamngheo.accounts.models import User
from giamngheo.households.models import Household, PersonalDataAccess


@transaction.atomic
def personal_data_access_record(
    *, actor: User, household: Household, purpose: str
) -> PersonalDataAccess:
    """Log one showing of full citizen IDs: who, when, which household and why.

    The Personal Data Protection Law (Law 91/2025/QH15) makes every processing of personal
    data accountable, so each unmasked showing leaves a row an inspector can read.
    """
    return PersonalDataAccess.objects.create(user=actor, household=household, purpose=purpose[:120])
