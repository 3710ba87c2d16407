"""Every change to the registry: keyword-only, in a transaction, audited with user and reason."""

from giamngheo.households.services.common import PossibleDuplicates, RecordInvalid
from giamngheo.households.services.events import (
    household_merge,
    household_set_causes,
    life_event_record,
)
from giamngheo.households.services.privacy import (
    citizen_id_search_record,
    personal_data_access_record,
)
from giamngheo.households.services.records import (
    household_create,
    household_update,
    member_add,
    member_remove,
    member_update,
)

__all__ = [
    "PossibleDuplicates",
    "RecordInvalid",
    "household_create",
    "household_merge",
    "household_set_causes",
    "household_update",
    "life_event_record",
    "member_add",
    "member_remove",
    "member_update",
    "citizen_id_search_record",
    "personal_data_access_record",
]
