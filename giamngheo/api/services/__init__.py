"""Writes of the field-collection side: receiving submissions and deciding the queued ones."""

from giamngheo.api.openrosa.receiving import Receipt, apply_submission, submission_receive
from giamngheo.api.services.decisions import (
    member_change_confirm,
    member_change_reject,
    submission_apply,
    submission_dismiss,
)

__all__ = [
    "Receipt",
    "apply_submission",
    "member_change_confirm",
    "member_change_reject",
    "submission_apply",
    "submission_dismiss",
    "submission_receive",
]
