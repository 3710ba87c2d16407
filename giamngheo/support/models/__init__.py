from giamngheo.support.models.funds import (
    Campaign,
    Contribution,
    ContributionKind,
    Disbursement,
    Donor,
    EntryType,
    Fund,
    FundKind,
    LedgerEntry,
    Pledge,
    Sponsorship,
)
from giamngheo.support.models.households import (
    HOUSING_KINDS,
    SupportKind,
    SupportRecord,
    SupportSource,
)
from giamngheo.support.models.reduction import (
    FundingSource,
    ModelFunding,
    ModelParticipant,
    ReductionModel,
)

__all__ = [
    "HOUSING_KINDS",
    "Campaign",
    "Contribution",
    "ContributionKind",
    "Disbursement",
    "Donor",
    "EntryType",
    "Fund",
    "FundKind",
    "FundingSource",
    "LedgerEntry",
    "ModelFunding",
    "ModelParticipant",
    "Pledge",
    "ReductionModel",
    "SupportKind",
    "SupportRecord",
    "Sponsorship",
    "SupportSource",
]
