"""An OpenRosa submission's XML read into the classifier contract's facts.

Only XML that cannot be read at all is refused. A readable submission with wrong answers is
returned with its `problem`, so it can be kept for review instead of being resent forever.
"""

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET
from django.utils.translation import gettext as _

from giamngheo.api.openrosa.questionnaire import FORM_ID
from giamngheo.api.openrosa.questionnaire_a import FORM_ID as FORM_ID_A
from giamngheo.errors import DomainError
from giamngheo.households.vocab import (
    ChildNutrition,
    Diploma,
    Disability,
    Employment,
    HousingType,
    InfoDevice,
    Relation,
    Sex,
    WaterSource,
)
from giamngheo.reviews.screening import MARKER_CODES

MAX_MEMBERS = 60


class SubmissionError(DomainError):
    """A refusal with its OpenRosa status (400, 401, 403, 413, 429); Collect shows the message
    to the enumerator. The OpenRosa views answer it in the protocol's XML, not as a page."""

    default_code = "submission_refused"

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message, status=status)
        self.message = message


class Unusable(Exception):
    """A readable submission that cannot be applied as it stands: it goes to review."""

    def __init__(self, problem: str, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail


@dataclass
class Parsed:
    form_id: str
    version: str
    instance_id: str
    deprecated_id: str
    household_code: str
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: list[dict[str, Any]] = field(default_factory=list)
    # Member changes reported (new, departed, deceased), for the officer to confirm.
    changes: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    markers: list[str] | None = None  # form A's screening markers; None for form B
    problem: str = ""  # an api.models.Problem code
    detail: str = ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(node: ET.Element, *path: str) -> ET.Element | None:
    for name in path:
        child = next((c for c in node if _local(c.tag) == name), None)
        if child is None:
            return None
        node = child
    return node


def _text(node: ET.Element, *path: str) -> str:
    found = _find(node, *path)
    return (found.text or "").strip() if found is not None else ""


class _Reader:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, name: str, problem: str) -> None:
        self.errors.append(f"{name}: {problem}")

    def choice(self, name: str, value: str, allowed, required: bool = True) -> str | None:
        if not value:
            if required:
                self.fail(name, _("required"))
            return None
        if value not in allowed:
            self.fail(name, _("unknown value %(v)r") % {"v": value[:40]})
            return None
        return value

    def yes_no(self, name: str, value: str, required: bool = True) -> bool | None:
        if not value and not required:
            return None
        return {"yes": True, "no": False}.get(
            self.choice(name, value, ("yes", "no"), required) or ""
        )

    def number(self, name: str, value: str, kind: type, low: float, high: float) -> Any:
        try:
            number = kind(value)
        except ValueError:
            self.fail(name, _("not a number") if value else _("required"))
            return None
        if not low <= number <= high:
            self.fail(name, _("out of range"))
            return None
        return number

    def date(self, name: str, value: str) -> str | None:
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            self.fail(name, _("not a date") if value else _("required"))
            return None
        return day.isoformat()


def parse(xml: bytes) -> Parsed:
    try:
        # defusedxml refuses DTDs, entities and external references: no entity expansion
        # ("billion laughs") and no file or network reads on the server's behalf.
        root = DefusedET.fromstring(xml, forbid_dtd=True)
    except DefusedXmlException:
        raise SubmissionError(
            400, _("The submission XML may not declare a DOCTYPE or entities.")
        ) from None
    except ET.ParseError as exc:
        raise SubmissionError(
            400, _("The submission is not well-formed XML: %(e)s") % {"e": exc}
        ) from None
    form_id = root.get("id", "")
    if form_id == FORM_ID_A:
        return _parse_a(root)
    instance_id = _text(root, "meta", "instanceID")
    r = _Reader()
    household = _text(root, "household")
    if not household:
        r.fail("household", _("required"))
    housing_type = r.choice(
        "housing_type", _text(root, "housing", "housing_type"), HousingType.values
    )
    area_text = _text(root, "housing", "floor_area_m2")
    if housing_type == HousingType.NONE and not area_text:
        floor_area = 0.0
    else:
        floor_area = r.number("floor_area_m2", area_text, float, 0, 10_000)
    devices = _text(root, "information", "info_devices").split()
    for device in devices:
        r.choice("info_devices", device, InfoDevice.values)
    sections = {
        "general": {
            "income_per_capita_month": r.number(
                "income_per_capita_month",
                _text(root, "income", "income_per_capita_month"),
                int,
                0,
                1_000_000_000,
            ),
            "nlnn": r.yes_no("nlnn", _text(root, "income", "nlnn"), required=False),
        },
        "housing": {"housing_type": housing_type, "floor_area_m2": floor_area},
        "water": {
            "domestic_water": r.choice(
                "domestic_water", _text(root, "water", "domestic_water"), WaterSource.values
            ),
            "hygienic_latrine": r.yes_no(
                "hygienic_latrine", _text(root, "water", "hygienic_latrine")
            ),
            "waste_treated": r.yes_no(
                "waste_treated", _text(root, "water", "waste_treated"), required=False
            ),
        },
        "information": {
            "uses_telecom": r.yes_no("uses_telecom", _text(root, "information", "uses_telecom")),
            "info_devices": devices,
            "hears_loudspeaker": r.yes_no(
                "hears_loudspeaker", _text(root, "information", "hears_loudspeaker")
            ),
        },
    }
    repeats = _repeats(root)
    if len(repeats) > MAX_MEMBERS:
        r.fail("members", _("too many"))
        repeats = repeats[:MAX_MEMBERS]
    members, changes = _members(r, repeats)
    ids = [m["member_id"] for m in members] + [c["member_id"] for c in changes if c["member_id"]]
    if len(set(ids)) != len(ids):
        r.fail("members", _("the same member appears twice"))
    problem, detail = "", ""
    if form_id != FORM_ID:
        problem = "unknown_form"
        detail = _("This server accepts only the form %(id)s.") % {"id": FORM_ID}
    elif not instance_id or len(instance_id) > 80:
        problem, detail = "no_instance_id", _("The submission has no usable meta/instanceID.")
    elif r.errors:
        problem = "invalid_answers"
        detail = _("The answers cannot be accepted: %(errors)s") % {"errors": "; ".join(r.errors)}
    photo = _text(root, "dwelling_photo")
    return Parsed(
        form_id=form_id[:80],
        version=root.get("version", "")[:40],
        instance_id=instance_id if len(instance_id) <= 80 else "",
        deprecated_id=_text(root, "meta", "deprecatedID"),
        household_code=household,
        sections=sections,
        members=members,
        changes=changes,
        files=[photo] if photo else [],
        problem=problem,
        detail=detail,
    )


def _repeats(root: ET.Element) -> list[ET.Element]:
    template = "{http://openrosa.org/javarosa}template"
    return [c for c in root if _local(c.tag) == "members" and template not in c.attrib]


MEMBER_STATUSES = ("present", "departed", "deceased")
ARRIVALS = ("born", "moved_in")


def _members(
    r: _Reader, repeats: list[ET.Element]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The members present (registered and new) and the member changes to confirm.

    A row with a member ID is a registered member: present (the default, as in forms before
    the status question), departed or deceased. A row without one is a new member, born or
    moved in, who is counted under the survey ID `new-N` until the officer confirms them.
    """
    members: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    new_no = 0
    for index, node in enumerate(repeats, start=1):
        label = f"members[{index}]"
        member_id = _text(node, "member_id")
        arrival = _text(node, "arrival")
        if member_id:
            status = r.choice(
                f"{label}.status", _text(node, "status") or "present", MEMBER_STATUSES
            )
            if status in ("departed", "deceased"):
                changes.append(
                    {
                        "kind": status,
                        "member_id": member_id[:24],
                        "survey_id": member_id[:24],
                        "full_name": "",
                        "date": r.date(f"{label}.change_date", _text(node, "change_date")),
                        "data": {},
                    }
                )
                continue
            members.append(_member(r, node, index))
            continue
        if not arrival:
            r.fail(f"{label}.member_id", _("required"))
            continue
        kind = r.choice(f"{label}.arrival", arrival, ARRIVALS)
        full_name = _text(node, "full_name")
        if not full_name:
            r.fail(f"{label}.full_name", _("required"))
        elif len(full_name) > 120:
            r.fail(f"{label}.full_name", _("longer than %(n)d characters") % {"n": 120})
        new_no += 1
        member = _member(r, node, index)
        member["member_id"] = f"new-{new_no}"
        members.append(member)
        date = (
            member["date_of_birth"]
            if kind == "born"
            else r.date(f"{label}.change_date", _text(node, "change_date"))
        )
        changes.append(
            {
                "kind": kind,
                "member_id": "",
                "survey_id": member["member_id"],
                "full_name": full_name[:120],
                "date": date,
                "data": {k: v for k, v in member.items() if k != "member_id"},
            }
        )
    return members, changes


def _member(r: _Reader, node: ET.Element, index: int) -> dict[str, Any]:
    def t(name: str) -> str:
        return _text(node, name)

    label = f"members[{index}]"
    return {
        "member_id": t("member_id"),
        "sex": r.choice(f"{label}.sex", t("sex"), Sex.values),
        "date_of_birth": r.date(f"{label}.date_of_birth", t("date_of_birth")),
        "relation": r.choice(f"{label}.relation", t("relation"), Relation.values),
        "health_insurance": r.yes_no(f"{label}.health_insurance", t("health_insurance")),
        "in_school": r.yes_no(f"{label}.in_school", t("in_school")),
        "diploma": r.choice(f"{label}.diploma", t("diploma"), Diploma.values),
        "vocational_training": r.yes_no(f"{label}.vocational_training", t("vocational_training")),
        "employment": r.choice(f"{label}.employment", t("employment"), Employment.values),
        "working_capacity": r.yes_no(f"{label}.working_capacity", t("working_capacity")),
        "disability": r.choice(f"{label}.disability", t("disability"), Disability.values),
        "social_allowance": r.yes_no(f"{label}.social_allowance", t("social_allowance")),
        "child_nutrition": r.choice(
            f"{label}.child_nutrition", t("child_nutrition"), ChildNutrition.values, required=False
        ),
        "ill_untreated": r.yes_no(f"{label}.ill_untreated", t("ill_untreated"), required=False),
    }


def _parse_a(root: ET.Element) -> Parsed:
    """Form A: the household and its screening markers (codes of `reviews.screening`)."""
    r = _Reader()
    instance_id = _text(root, "meta", "instanceID")
    household = _text(root, "household")
    if not household:
        r.fail("household", _("required"))
    markers = _text(root, "markers").split()
    for marker in markers:
        r.choice("markers", marker, MARKER_CODES)
    problem, detail = "", ""
    if not instance_id or len(instance_id) > 80:
        problem, detail = "no_instance_id", _("The submission has no usable meta/instanceID.")
    elif r.errors:
        problem = "invalid_answers"
        detail = _("The answers cannot be accepted: %(errors)s") % {"errors": "; ".join(r.errors)}
    return Parsed(
        form_id=FORM_ID_A,
        version=root.get("version", "")[:40],
        instance_id=instance_id if len(instance_id) <= 80 else "",
        deprecated_id=_text(root, "meta", "deprecatedID"),
        household_code=household,
        markers=sorted(set(markers) & set(MARKER_CODES)),
        problem=problem,
        detail=detail,
    )
