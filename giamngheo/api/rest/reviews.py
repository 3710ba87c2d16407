"""Review rounds, their assessments, and each stored classification with its explanation."""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from giamngheo.accounts.access import api_requires
from giamngheo.accounts.scoping import Capability, scoped
from giamngheo.api.models import SubmissionAttachment
from giamngheo.api.rest.errors import ApiError
from giamngheo.api.rest.params import Id, Pages
from giamngheo.api.rest.schemas import (
    AssessmentDetailOut,
    AssessmentOut,
    ClassificationOut,
    ErrorOut,
    RoundOut,
)
from giamngheo.geo.models import AdminUnit, q_within
from giamngheo.reviews.display import member_labeller
from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus, RoundType
from giamngheo.standards import StandardError, load_standard
from giamngheo.standards.explain import render
from giamngheo.storage import file_response

router = Router(tags=["reviews"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def rounds_for(actor) -> Any:
    return scoped(ReviewRound.objects.all(), actor, Capability.READ_RECORDS).select_related("unit")


def assessments_for(actor) -> Any:
    return scoped(
        Assessment.objects.all(), actor, Capability.READ_RECORDS, unit_field="household__unit"
    ).select_related("household", "round")


def _in_unit(queryset, unit_id: int | None, field: str):
    if unit_id is None:
        return queryset
    unit = AdminUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        return queryset.none()
    return queryset.filter(q_within(unit, field))


@router.get("/rounds", response={200: list[RoundOut], **ERRORS})
@paginate(Pages, page_size=50)
@api_requires(Capability.READ_RECORDS)
def round_index(
    request: HttpRequest,
    unit: Id | None = None,
    year: int | None = Query(None, ge=1900, le=2200),
    status: RoundStatus | None = None,
    round_type: RoundType | None = None,
):
    rounds = _in_unit(rounds_for(request.auth), unit, "unit")
    if year is not None:
        rounds = rounds.filter(year=year)
    if status:
        rounds = rounds.filter(status=status)
    if round_type:
        rounds = rounds.filter(round_type=round_type)
    return rounds.order_by("-year", "unit__code", "pk")


@router.get("/rounds/{round_id}", response={200: RoundOut, **ERRORS})
@api_requires(Capability.READ_RECORDS)
def round_detail(request: HttpRequest, round_id: Id):
    review_round = rounds_for(request.auth).filter(pk=round_id).first()
    if review_round is None:
        raise Http404
    return review_round


@router.get("/assessments", response={200: list[AssessmentOut], **ERRORS})
@paginate(Pages, page_size=50)
@api_requires(Capability.READ_RECORDS)
def assessment_index(
    request: HttpRequest,
    round: Id | None = None,
    unit: Id | None = None,
    household: Id | None = None,
    klass: str | None = Query(None, alias="class", description="poor, near_poor, middle, not_poor"),
):
    """Assessments you may read, by round, unit (with its villages), household and class."""
    assessments = _in_unit(assessments_for(request.auth), unit, "household__unit")
    if round is not None:
        assessments = assessments.filter(round_id=round)
    if household is not None:
        assessments = assessments.filter(household_id=household)
    if klass:
        assessments = assessments.filter(poverty_class=klass)
    return assessments.order_by("round_id", "household__code", "pk")


def _assessment(actor, assessment_id: int) -> Assessment:
    assessment = assessments_for(actor).filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404
    return assessment


@router.get("/assessments/{assessment_id}", response={200: AssessmentDetailOut, **ERRORS})
@api_requires(Capability.READ_RECORDS)
def assessment_detail(request: HttpRequest, assessment_id: Id):
    return _assessment(request.auth, assessment_id)


def explanation_text(assessment: Assessment, lang: str) -> list[str]:
    """The stored explanation rendered now, in the caller's language, members named as on the
    household's page (relation, name, age), never by their record number."""
    try:
        with translation.override(lang):
            return render(
                list(assessment.explanation),
                load_standard(assessment.standard),
                lang,
                deprived_members=assessment.deprived_members,
                member_label=member_labeller(assessment),
            )
    except (StandardError, KeyError, TypeError, ValueError):
        return []


@router.get(
    "/assessments/{assessment_id}/attachments/{attachment_id}",
    response={200: bytes, **ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file as received",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
@api_requires(Capability.READ_RECORDS)
def assessment_attachment(request: HttpRequest, assessment_id: Id, attachment_id: Id):
    """A photo or other file sent with the assessment's field submission."""
    assessment = _assessment(request.auth, assessment_id)
    attachment = SubmissionAttachment.objects.filter(
        pk=attachment_id, submission__assessment=assessment
    ).first()
    if attachment is None:
        raise Http404
    return file_response(
        attachment.file,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )


@router.get(
    "/assessments/{assessment_id}/classification",
    response={200: ClassificationOut, **ERRORS},
    by_alias=True,
)
@api_requires(Capability.READ_RECORDS)
def assessment_classification(
    request: HttpRequest, assessment_id: Id, lang: str = Query("vi", pattern="^(vi|en)$")
):
    """The class, the deprivations and why, as the engine explained it when it classified."""
    assessment = _assessment(request.auth, assessment_id)
    if not assessment.poverty_class:
        error = assessment.classification_error or {}
        details = [{"field": error.get("field"), "message": str(error.get("message"))}]
        raise ApiError(
            404,
            _("This assessment has not been classified yet."),
            details if error.get("message") else [],
        )
    return {
        "household_id": assessment.household.code,
        "standard": assessment.standard,
        "class": assessment.poverty_class,
        "deprived": assessment.deprived,
        "deprivation_count": assessment.deprivation_count,
        "deprived_members": assessment.deprived_members,
        "engine_version": assessment.engine_version,
        "classified_at": assessment.classified_at,
        "explanation": assessment.explanation,
        "explanation_text": explanation_text(assessment, lang),
    }
