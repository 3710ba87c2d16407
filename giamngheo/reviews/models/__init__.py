"""Review rounds (Decision 24/2021/QĐ-TTg) and what each round found for each household."""

from giamngheo.reviews.models.assessments import Assessment
from giamngheo.reviews.models.complaints import ChangeRequest, Complaint
from giamngheo.reviews.models.documents import Attachment, StoredDocument, stored_document_path
from giamngheo.reviews.models.outcomes import Baseline, BaselineEntry, Flow, Outcome
from giamngheo.reviews.models.rounds import (
    PublicHoliday,
    ReviewRound,
    RoundStatus,
    RoundTransition,
    RoundType,
)
from giamngheo.reviews.models.snapshots import RoundSnapshot, SnapshotEntry
from giamngheo.reviews.models.summaries import (
    DeprivationSummary,
    FiguresVersion,
    FlowSummary,
    RoundSummary,
)

# `stored_document_path` is named by migration 0005 (the stored file field's upload_to), so it stays here.
__all__ = [
    "Assessment",
    "Attachment",
    "Baseline",
    "BaselineEntry",
    "ChangeRequest",
    "Complaint",
    "DeprivationSummary",
    "FiguresVersion",
    "Flow",
    "FlowSummary",
    "Outcome",
    "PublicHoliday",
    "ReviewRound",
    "RoundSnapshot",
    "RoundStatus",
    "RoundSummary",
    "RoundTransition",
    "RoundType",
    "SnapshotEntry",
    "StoredDocument",
    "stored_document_path",
]
