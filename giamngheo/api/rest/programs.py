"""Coordination programs, their activities, funds and household support (read-only).

Programs and funds follow READ_PROGRAMS in the actor's territory; support given to households is
household-level data and follows READ_RECORDS, as on the pages.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from giamngheo.accounts.access import api_requires
from giamngheo.accounts.scoping import Capability
from giamngheo.api.rest.params import Id, Pages
from giamngheo.api.rest.schemas import ErrorOut
from giamngheo.programs.models import ActivityStatus
from giamngheo.programs.selectors import activity_get, activity_list, program_get, program_list
from giamngheo.support.selectors import fund_get, fund_list, support_list

router = Router(tags=["programs and support"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class PartyOut(Schema):
    organisation_id: int
    organisation_name: str
    responsibilities: str


class ProgramOut(Schema):
    id: int
    title: str
    document_number: str
    signed_on: dt.date
    start_year: int
    end_year: int
    unit_id: int
    purpose: str
    parties: list[PartyOut]

    @staticmethod
    def resolve_parties(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "organisation_id": p.organisation_id,
                "organisation_name": str(p.organisation),
                "responsibilities": p.responsibilities,
            }
            for p in obj.parties.all()
        ]


class ActivityOut(Schema):
    id: int
    program_id: int
    title: str
    status: str
    unit_id: int
    responsible_organisation: str
    planned_start: dt.date
    planned_end: dt.date
    budget: int
    result_summary: str
    reported_on: dt.date | None

    @staticmethod
    def resolve_program_id(obj: Any) -> int:
        return obj.content_area.program_id

    @staticmethod
    def resolve_responsible_organisation(obj: Any) -> str:
        return str(obj.responsible.organisation)


class FundOut(Schema):
    id: int
    name: str
    kind: str
    unit_id: int
    managing_organisation_id: int | None
    opened_on: dt.date | None
    balance: int = 0


class SupportOut(Schema):
    id: int
    household_id: int
    household_code: str
    kind: str
    description: str
    value: int
    given_on: dt.date
    source: str
    activity_id: int | None

    @staticmethod
    def resolve_household_code(obj: Any) -> str:
        return obj.household.code


@router.get("/programs", response={200: list[ProgramOut], **ERRORS})
@paginate(Pages)
@api_requires(Capability.READ_PROGRAMS)
def program_index(request: HttpRequest, year: int | None = Query(None, ge=1900, le=2200)):
    """Programs signed by your units (or by units that became part of them)."""
    programs = program_list(actor=request.auth)
    if year is not None:
        programs = programs.filter(start_year__lte=year, end_year__gte=year)
    return programs.order_by("-signed_on", "pk")


@router.get("/programs/{program_id}", response={200: ProgramOut, **ERRORS})
@api_requires(Capability.READ_PROGRAMS)
def program_detail(request: HttpRequest, program_id: Id):
    return program_get(actor=request.auth, pk=program_id)


@router.get("/activities", response={200: list[ActivityOut], **ERRORS})
@paginate(Pages)
@api_requires(Capability.READ_PROGRAMS)
def activity_index(
    request: HttpRequest, program: Id | None = None, status: ActivityStatus | None = None
):
    activities = activity_list(actor=request.auth)
    if program is not None:
        activities = activities.filter(content_area__program_id=program)
    if status:
        activities = activities.filter(status=status)
    return activities.order_by("planned_start", "pk")


@router.get("/activities/{activity_id}", response={200: ActivityOut, **ERRORS})
@api_requires(Capability.READ_PROGRAMS)
def activity_detail(request: HttpRequest, activity_id: Id):
    return activity_get(actor=request.auth, pk=activity_id)


@router.get("/funds", response={200: list[FundOut], **ERRORS})
@paginate(Pages)
@api_requires(Capability.READ_PROGRAMS)
def fund_index(request: HttpRequest):
    """Funds of your units with their balance (sum of the ledger)."""
    return fund_list(actor=request.auth).order_by("unit__path", "name", "pk")


@router.get("/funds/{fund_id}", response={200: FundOut, **ERRORS})
@api_requires(Capability.READ_PROGRAMS)
def fund_detail(request: HttpRequest, fund_id: Id):
    return fund_get(actor=request.auth, pk=fund_id)


@router.get("/support", response={200: list[SupportOut], **ERRORS})
@paginate(Pages)
@api_requires(Capability.READ_RECORDS)
def support_index(
    request: HttpRequest,
    household: Id | None = None,
    year: int | None = Query(None, ge=1900, le=2200),
    kind: str | None = Query(None, max_length=20),
):
    """Support given to households you may read, newest first."""
    records = support_list(actor=request.auth)
    if household is not None:
        records = records.filter(household_id=household)
    if year is not None:
        records = records.filter(given_on__year=year)
    if kind:
        records = records.filter(kind=kind)
    return records
