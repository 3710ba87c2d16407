from giamngheo.support.services.funds import (
    campaign_create,
    contribution_receive,
    disbursement_create,
    donor_for,
    entry_correct,
    fund_balance,
    fund_create,
    pledge_create,
    require_fund_edit,
)
from giamngheo.support.services.households import sponsorship_create, support_record_create
from giamngheo.support.services.reduction import model_participants_add, reduction_model_create

__all__ = [
    "campaign_create",
    "contribution_receive",
    "disbursement_create",
    "donor_for",
    "entry_correct",
    "fund_balance",
    "fund_create",
    "model_participants_add",
    "pledge_create",
    "reduction_model_create",
    "require_fund_edit",
    "sponsorship_create",
    "support_record_create",
]
