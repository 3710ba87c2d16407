"""Units, households and members, through the same scoped selectors as the pages."""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from giamngheo.accounts.access import api_login_only, api_requires
from giamngheo.accounts.scoping import Capability, unit_q
from giamngheo.api.rest.params import Id, Pages
from giamngheo.api.rest.schemas import ErrorOut, HouseholdDetailOut, HouseholdOut, UnitOut
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.households.models import Household, HouseholdStatus
from giamngheo.households.selectors import (
    household_get,
    household_list,
    household_members_for_display,
    search_rank,
)
from giamngheo.households.services import citizen_id_search_record, personal_data_access_record
from giamngheo.reviews.models import Assessment

router = Router(tags=["registry"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _units(actor) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(unit_q(actor, unit_field=""))


@router.get("/units", response={200: list[UnitOut], **ERRORS})
@paginate(Pages, page_size=100)
@api_login_only
def unit_list(
    request: HttpRequest,
    level: Level | None = None,
    parent: Id | None = None,
    current: bool = True,
    q: str | None = Query(None, max_length=100),
):
    """Administrative units in your territory; `current=false` adds former units."""
    units = _units(request.auth)
    if level:
        units = units.filter(level=level)
    if parent is not None:
        units = units.filter(parent_id=parent)
    if current:
        units = units.filter(valid_to__isnull=True)
    if q:
        units = units.filter(name__icontains=q) | units.filter(code__startswith=q)
    return units.order_by("level", "code", "pk")


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS})
@api_login_only
def unit_detail(request: HttpRequest, unit_id: Id):
    return _units(request.auth).filter(pk=unit_id).first() or _not_found()


def _not_found():
    raise Http404


def _household_row(household: Household) -> dict:
    return {
        **{f: getattr(household, f) for f in ("id", "code", "unit_id", "address", "head_name")},
        "unit_name": household.unit.name,
        "area": household.area,
        "head_ethnicity": household.head_ethnicity,
        "status": household.status,
    }


@router.get("/households", response={200: list[HouseholdOut], **ERRORS})
@paginate(Pages, page_size=50)
@api_requires(Capability.READ_RECORDS)
def household_index(
    request: HttpRequest,
    unit: Id | None = None,
    status: HouseholdStatus | None = None,
    q: str | None = Query(None, max_length=100),
    round: Id | None = None,
    klass: str | None = Query(None, alias="class", description="poor, near_poor, middle, not_poor"),
):
    """Households you may read. `unit` includes the unit's villages; `round` and `class`
    keep those assessed in that round (with that class)."""
    households = household_list(actor=request.auth, filters={"q": q or "", "status": status})
    if unit is not None:
        target = AdminUnit.objects.filter(pk=unit).first()
        if target is None:
            return households.none()
        households = households.filter(unit__in=target.subtree())
    if round is not None or klass:
        assessments = Assessment.objects.all()
        if round is not None:
            assessments = assessments.filter(round_id=round)
        if klass:
            assessments = assessments.filter(poverty_class=klass)
        households = households.filter(pk__in=assessments.values("household_id"))
    citizen_id_search_record(
        actor=request.auth, query=q or "", households=households, purpose="API search by citizen ID"
    )
    return households.order_by(search_rank(q or ""), "code", "pk")


@router.get("/households/{household_id}", response={200: HouseholdDetailOut, **ERRORS})
@api_requires(Capability.READ_RECORDS)
def household_detail(request: HttpRequest, household_id: Id):
    """One household with its members; citizen IDs in full only for those who may edit it
    (each such reading is logged, Personal Data Protection Law, Law 91/2025/QH15)."""
    household = household_get(actor=request.auth, pk=household_id)
    shown = household_members_for_display(actor=request.auth, household=household)
    if shown.reveals_citizen_ids:
        personal_data_access_record(actor=request.auth, household=household, purpose="API")
    members, unmasked = shown.members, shown.unmasked
    rows = []
    for m in members:
        row = {f.attname: getattr(m, f.attname) for f in m._meta.concrete_fields}
        row["citizen_id"] = m.citizen_id if unmasked else m.masked_citizen_id
        rows.append(row)
    return {**_household_row(household), "citizen_ids_masked": not unmasked, "members": rows}
