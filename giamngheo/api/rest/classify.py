"""`POST /api/v1/classify`: the engine as a service (household-facts.md). Nothing is stored."""

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from giamngheo.accounts.access import api_login_only
from giamngheo.api.rest.errors import ApiError
from giamngheo.api.rest.schemas import ClassifyLineOut, ErrorOut
from giamngheo.standards import classify_records
from giamngheo.standards.vocab import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from giamngheo.validators import date_range_error

router = Router(tags=["classify"])

HOUSEHOLD_EXAMPLE: dict[str, Any] = {
    "household_id": "31-11560-000123",
    "review_date": "2025-10-15",
    "round_type": "periodic",
    "standard": None,
    "area": "rural",
    "income_per_capita_month": 1450000,
    "housing_type": "less_solid",
    "floor_area_m2": 24.0,
    "domestic_water": "safe",
    "hygienic_latrine": True,
    "uses_telecom": True,
    "info_devices": ["smartphone"],
    "hears_loudspeaker": False,
    "waste_treated": None,
    "members": [
        {
            "member_id": "1",
            "date_of_birth": "1980-05-01",
            "sex": "male",
            "relation": "head",
            "health_insurance": True,
            "in_school": False,
            "diploma": "upper_secondary",
            "vocational_training": False,
            "employment": "self_employed",
            "working_capacity": True,
            "disability": "none",
            "social_allowance": False,
            "child_nutrition": None,
            "ill_untreated": False,
        }
    ],
    "deprivations": None,
}

BODY_SCHEMA = {
    "description": "One household object (household-facts.md), or an array of them.",
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {
            "type": "array",
            "items": {"description": "A household object; anything else fails on its own line."},
        },
    ],
    "example": HOUSEHOLD_EXAMPLE,
}


def max_body_bytes() -> int:
    return getattr(settings, "API_MAX_BODY_BYTES", 5 * 1024 * 1024)


def max_households() -> int:
    return getattr(settings, "API_CLASSIFY_MAX_HOUSEHOLDS", 10_000)


def _classify(records: list[Any], lang: str) -> list[dict[str, Any]]:
    """One output per record, in order; a record the engine cannot read fails on its own line."""
    out: list[dict[str, Any]] = []
    for row, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            out.append(
                {
                    "household_id": None,
                    "error": {
                        "table": "households",
                        "row": row,
                        "field": None,
                        "message": _("Each household is a JSON object."),
                    },
                }
            )
            continue
        hid = record.get("household_id")
        date_error = _date_error(record)
        if date_error is not None:
            out.append(
                {
                    "household_id": None if hid is None else str(hid),
                    "error": {"table": "households", "row": row, **date_error},
                }
            )
            continue
        try:
            line = next(classify_records([record], lang=lang))
        except Exception as exc:  # noqa: BLE001 — one bad household must not fail the batch
            line = {
                "household_id": None if hid is None else str(hid),
                "error": {"table": "households", "field": None, "message": str(exc)[:500]},
            }
        if "error" in line:
            line["error"]["row"] = row
        out.append(line)
    return out


def _date_error(record: dict[str, Any]) -> dict[str, Any] | None:
    """The models' date rule (1900–2100) on the body's dates, before the engine reads them."""
    places: list[tuple[str, str, Any]] = [
        (name, name, record.get(name))
        for name, (kind, _c) in HOUSEHOLD_FIELDS.items()
        if kind == "date"
    ]
    members = record.get("members")
    for i, member in enumerate(members if isinstance(members, list) else [], start=1):
        if isinstance(member, dict):
            places += [
                (name, f"members[{i}].{name}", member.get(name))
                for name, (kind, _c) in MEMBER_FIELDS.items()
                if kind == "date"
            ]
    for name, path, value in places:
        if not isinstance(value, str):
            continue
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            continue  # the engine reports what is not a date
        message = date_range_error(path, day)
        if message:
            return {"field": name, "message": message}
    return None


def _body(request: HttpRequest) -> Any:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > max_body_bytes():
        raise ApiError(
            413, _("The request body is larger than %(n)d bytes.") % {"n": max_body_bytes()}
        )
    try:
        raw = request.body
    except Exception:  # RequestDataTooBig
        raise ApiError(
            413, _("The request body is larger than %(n)d bytes.") % {"n": max_body_bytes()}
        ) from None
    if len(raw) > max_body_bytes():
        raise ApiError(
            413, _("The request body is larger than %(n)d bytes.") % {"n": max_body_bytes()}
        )
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(
            400,
            _("The body is not valid JSON: %(error)s") % {"error": exc},
            [{"message": str(exc)}],
        ) from None


@router.post(
    "/classify",
    response={
        200: ClassifyLineOut | list[ClassifyLineOut],
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
        422: ClassifyLineOut | ErrorOut,
        429: ErrorOut,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": BODY_SCHEMA}},
        }
    },
)
@api_login_only
def classify(request: HttpRequest, lang: str = Query("vi", pattern="^(vi|en)$")) -> HttpResponse:
    """Classify one household (200, or 422 with its error) or an array (200, one output per
    household in order, each failed one with its own `error`). A named `standard` wins over the
    selection rule even outside its validity dates; `warnings` then says so."""
    payload = _body(request)
    if isinstance(payload, list):
        if len(payload) > max_households():
            raise ApiError(
                413, _("At most %(n)d households per request.") % {"n": max_households()}
            )
        return JsonResponse(_classify(payload, lang), safe=False)
    if not isinstance(payload, dict):
        raise ApiError(400, _("Send one household object or an array of them."))
    line = _classify([payload], lang)[0]
    return JsonResponse(line, status=422 if "error" in line else 200)
