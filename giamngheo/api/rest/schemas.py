"""Pydantic shapes of the REST API; field names follow the models and the classifier contract."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from giamngheo.api.models import SubmissionAttachment


class ErrorItem(Schema):
    loc: list[str] | None = None
    field: str | None = None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []


class UnitOut(Schema):
    id: int
    code: str
    name: str
    division_type: str
    level: str
    parent_id: int | None
    area: str
    valid_from: dt.date | None
    valid_to: dt.date | None


class MemberOut(Schema):
    id: int
    member_no: int
    full_name: str
    sex: str
    date_of_birth: dt.date | None
    relation: str
    citizen_id: str = Field(description="Masked unless you may edit the household.")
    ethnicity: str
    in_school: bool
    diploma: str
    vocational_training: bool
    health_insurance: bool
    disability: str
    employment: str
    working_capacity: bool
    social_allowance: bool
    child_nutrition: str
    left_on: dt.date | None


class HouseholdOut(Schema):
    id: int
    code: str
    unit_id: int
    unit_name: str
    address: str
    head_name: str
    area: str
    head_ethnicity: str
    status: str

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return obj["unit_name"] if isinstance(obj, dict) else obj.unit.name


class HouseholdDetailOut(HouseholdOut):
    citizen_ids_masked: bool
    members: list[MemberOut]


class RoundOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    year: int
    round_type: str
    review_date: dt.date
    standard: str
    status: str
    step_deadline: dt.date | None
    decision_number: str
    decision_date: dt.date | None

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return obj.unit.name


class AssessmentOut(Schema):
    id: int
    round_id: int
    household_id: int
    household_code: str
    source: str
    screened_out: bool
    income_per_capita_month: int | None
    poverty_class: str = Field(description="poor, near_poor, middle, not_poor, or empty")
    standard: str
    deprived: list[str]
    deprivation_count: int
    classified_at: dt.datetime | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_household_code(obj: Any) -> str:
        return obj.household.code


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="The file name as the phone sent it (Vietnamese kept).")
    content_type: str
    size: int


class AssessmentDetailOut(AssessmentOut):
    facts: dict[str, Any]
    members: list[dict[str, Any]]
    classification_error: dict[str, Any]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(
            SubmissionAttachment.objects.filter(
                submission__assessment=obj, submission__superseded=False
            ).order_by("pk")
        )


class ClassificationOut(Schema):
    """A stored classification in the contract's output shape (household-facts.md)."""

    household_id: str
    standard: str
    class_: str = Field(alias="class")
    deprived: list[str]
    deprivation_count: int
    deprived_members: dict[str, list[str]]
    engine_version: str
    classified_at: dt.datetime | None
    explanation: list[dict[str, Any]]
    explanation_text: list[str]

    model_config = {"populate_by_name": True}


class TokenRequest(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=200)
    name: str = Field("API", max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="Shown once; only its hash is kept.")


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    unit_id: int | None
    organisation_id: int | None
    capabilities: list[str]


class ClassifyWarningOut(Schema):
    """A warning on a classification (code and parameters; ``warnings_text`` renders it).

    ``standard_not_in_force``: the named standard was applied outside its validity dates.
    """

    code: str
    params: dict[str, Any]
    article: str | None = None


class ClassifyLineOut(Schema):
    """One output line of ``POST /api/v1/classify`` (household-facts.md): a class or an error."""

    household_id: str | None
    standard: str | None = None
    class_: Literal["poor", "near_poor", "middle", "not_poor"] | None = Field(None, alias="class")
    deprived: list[str] | None = None
    deprivation_count: int | None = None
    deprived_members: dict[str, list[str]] | None = None
    poverty_line: int | None = None
    near_poor_line: int | None = None
    middle_upper: int | None = None
    engine_version: str | None = None
    explanation: list[dict[str, Any]] | None = None
    explanation_text: list[str] | None = None
    warnings: list[ClassifyWarningOut] = Field(
        [],
        description="Empty unless the result needs a caveat, e.g. a named standard used "
        "outside its validity dates (it still wins over the selection rule).",
    )
    warnings_text: list[str] | None = None
    error: dict[str, Any] | None = None

    model_config = {"populate_by_name": True, "extra": "allow"}
