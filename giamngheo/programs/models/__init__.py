from giamngheo.programs.models.activities import Activity, ActivityStatus, Evidence, Indicator
from giamngheo.programs.models.oversight import (
    AwardForm,
    Commendation,
    Conference,
    ConferenceKind,
    Inspection,
    InspectionKind,
    ProgramReview,
    Recommendation,
    RecommendationStatus,
    ReviewKind,
)
from giamngheo.programs.models.programs import (
    AnnualPlan,
    ContentArea,
    ContentCategory,
    CoordinationProgram,
    LegalBasis,
    ProgramParty,
)

__all__ = [
    "Activity",
    "ActivityStatus",
    "AnnualPlan",
    "AwardForm",
    "Commendation",
    "Conference",
    "ConferenceKind",
    "ContentArea",
    "ContentCategory",
    "CoordinationProgram",
    "Evidence",
    "Indicator",
    "Inspection",
    "InspectionKind",
    "LegalBasis",
    "ProgramParty",
    "ProgramReview",
    "Recommendation",
    "RecommendationStatus",
    "ReviewKind",
]
