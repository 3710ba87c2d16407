"""Records of who was shown personal data, kept apart from the reads that show it."""

from collections.abc import Iterable

from django.db import transaction

from giamngheo.accounts.models import User
from giamngheo.households.models import Household, PersonalDataAccess
from giamngheo.households.selectors import searched_citizen_id


@transaction.atomic
def personal_data_access_record(
    *, actor: User, household: Household, purpose: str
) -> PersonalDataAccess:
    """Log one showing of full citizen IDs: who, when, which household and why.

    The Personal Data Protection Law (Law 91/2025/QH15) makes every processing of personal
    data accountable, so each unmasked showing leaves a row an inspector can read.
    """
    return PersonalDataAccess.objects.create(user=actor, household=household, purpose=purpose[:120])


def citizen_id_search_record(
    *, actor: User, query: str, households: Iterable[Household], purpose: str
) -> int:
    """Log a search by citizen ID as a showing of personal data for each household it listed;
    any other query is not one and logs nothing. Returns how many showings were logged."""
    if not searched_citizen_id(query):
        return 0
    rows = [PersonalDataAccess(user=actor, household=h, purpose=purpose[:120]) for h in households]
    PersonalDataAccess.objects.bulk_create(rows)
    return len(rows)
