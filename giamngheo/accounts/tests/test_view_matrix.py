"""Every view × role × own/other commune answers as the capability table says.

The cases come from walking the URL conf, so a new view joins the matrix by itself; a view with
an object id the matrix cannot fill fails `test_every_view_with_an_id_has_a_fixture` until an
entry is added to OBJECTS below. One small province (P with communes A and B) is built once for
the module; each case runs in its own rolled-back transaction.

Expected: a role without the view's declared capability is refused (403) before anything is
looked up; a role with it is allowed on its own commune's objects and refused (403/404) on the
other commune's, as `accounts.scoping.can` decides. Anonymous visitors reach only public views.
POST-only views are checked with a POST, and only where the answer is a refusal (a POST that is
allowed would change the shared data; app tests cover those).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from giamngheo.accounts.access import Access
from giamngheo.accounts.models import Role
from giamngheo.accounts.scoping import can, unit_allowed
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.accounts.tests.urlwalk import Route, all_routes
from giamngheo.api.models import (
    MemberChange,
    MemberChangeKind,
    Problem,
    ReviewState,
    Submission,
    SubmissionAttachment,
)
from giamngheo.jobs.models import Job
from giamngheo.portal.models import CitizenRequest
from giamngheo.programs.tests.factories import make_program, two_organisations
from giamngheo.reports.models import Target
from giamngheo.reviews.tests.conftest import POOR, make_household
from giamngheo.reviews.tests.helpers import run_round
from giamngheo.support.models import Fund, FundKind

# persona: (role, home unit); the partner officer belongs to the organisations signing A's program.
PERSONAS = {
    "enumerator": (Role.ENUMERATOR, "A"),
    "village_head": (Role.VILLAGE_HEAD, "A1"),
    "commune_officer": (Role.COMMUNE_OFFICER, "A"),
    "commune_chairman": (Role.COMMUNE_CHAIRMAN, "A"),
    "province_officer": (Role.PROVINCE_OFFICER, "P"),
    "partner_officer": (Role.PARTNER_OFFICER, "P"),
    "auditor": (Role.AUDITOR, "A"),
    "system_admin": (Role.SYSTEM_ADMIN, None),
}
SIDES = ("own", "other")  # commune A's objects, commune B's

# Third-party routes (see test_view_access.EXEMPT_*) and routes outside this matrix.
SKIP_PREFIXES = ("admin/", "i18n/", "media/", "^media/", "static/", "api/openrosa/")
SKIP_NAMES = {
    "api-v1:openapi-json": "documentation",
    "api-v1:openapi-view": "documentation",
    "api-v1:api-root": "ninja's root (documentation links)",
}
# Answers 500 on a commune with no poor or near-poor household; repaired with the statistics.
# OpenRosa answers Digest authentication only; its role check is in api/tests (Collect replay).

POST_ONLY = {
    "logout",
    "reviews:round_advance",
    "reviews:round_meeting",
    "reviews:round_approve",
    "reviews:round_list_households",
    "reviews:attachment_upload",
    "reviews:resident_count",
    "programs:plan_create",
    "programs:document_upload",
    "programs:recommendation_follow_up",
    "reviews:submission_apply",
    "reviews:submission_dismiss",
    "reviews:member_change_confirm",
    "reviews:member_change_reject",
    "user_deactivate",
    "user_password_reset",
    "user_import_passwords",
    "portal:lookup_end",
    "notifications:mark_all_read",
}


# These check the form before the edit right: an empty POST out of scope is sent back to the
# object's page with an error (302), nothing written.
FORM_FIRST = {"programs:plan_create", "programs:document_upload"}


@dataclass(frozen=True)
class Obj:
    """How to fill a view's URL arguments from one side's data, and which unit owns it."""

    kind: str
    extra: tuple[tuple[str, object], ...] = ()


# URL argument name(s) → the object kind that fills them, per view (by name) or by argument.
OBJECTS: dict[str, Obj] = {
    "households:detail": Obj("household"),
    "user_detail": Obj("officer"),
    "user_edit": Obj("officer"),
    "user_deactivate": Obj("officer"),
    "user_password_reset": Obj("officer"),
    "households:edit": Obj("household"),
    "households:member_add": Obj("household"),
    "households:event_add": Obj("household"),
    "households:causes": Obj("household"),
    "households:merge": Obj("household"),
    "portal:lookup_code": Obj("household"),
    "households:member_edit": Obj("member"),
    "households:member_remove": Obj("member"),
    "households:import_job": Obj("own_job"),
    "jobs:detail": Obj("job"),
    "jobs:progress": Obj("job"),
    "jobs:errors": Obj("job"),
    "geo:unit_detail": Obj("commune"),
    "reports:target_edit": Obj("target"),
    "reports:dashboard": Obj("unit_param"),
    "reports:form": Obj("unit_param", (("form", "1"),)),
    "reports:form_xlsx": Obj("unit_param", (("form", "1"),)),
    "reports:form_pdf": Obj("unit_param", (("form", "1"),)),
    "reports:households": Obj("unit_param"),
    "reports:af": Obj("unit_param"),
    "reports:targets": Obj("unit_param"),
    "reviews:round_detail": Obj("round"),
    "reviews:round_advance": Obj("round"),
    "reviews:round_meeting": Obj("round"),
    "reviews:resident_count": Obj("round"),
    "reviews:round_approve": Obj("round"),
    "reviews:round_list_households": Obj("round"),
    "reviews:attachment_upload": Obj("round"),
    "reviews:attachment_download": Obj("attachment"),
    "reviews:complaint_create": Obj("round"),
    "reviews:complaint_households": Obj("round"),
    "reviews:posting_pdf": Obj("round"),
    "reviews:posting_xlsx": Obj("round"),
    "reviews:certificates_pdf": Obj("round"),
    "reviews:import_answers": Obj("round"),
    "reviews:import_template": Obj("round"),
    "reviews:assessment_detail": Obj("assessment"),
    "reviews:assessment_screening": Obj("assessment"),
    "reviews:assessment_section": Obj("assessment", (("section", "general"),)),
    "reviews:household_classification": Obj("household"),
    "reviews:change_request_create": Obj("household"),
    "reviews:complaint_recheck": Obj("complaint"),
    "reviews:submission_detail": Obj("submission"),
    "reviews:submission_apply": Obj("submission"),
    "reviews:submission_dismiss": Obj("submission"),
    "reviews:submission_file": Obj("submission_file"),
    "reviews:member_change_confirm": Obj("member_change"),
    "reviews:member_change_reject": Obj("member_change"),
    "portal:posting": Obj("round"),
    "portal:request_status": Obj("slug"),
    "portal:request_detail": Obj("citizen_request"),
    "portal:category": Obj("slug"),
    "portal:article": Obj("slug"),
    "programs:detail": Obj("program"),
    "programs:plan_create": Obj("program"),
    "programs:document_upload": Obj("program"),
    "programs:area_edit": Obj("program", (("number", 1),)),
    "programs:activity_create": Obj("program"),
    "programs:review_create": Obj("program"),
    "programs:commendation_create": Obj("program"),
    "programs:conference_create": Obj("program"),
    "programs:activity_report": Obj("activity"),
    "programs:inspection_result": Obj("inspection"),
    "programs:recommendation_create": Obj("inspection"),
    "programs:recommendation_follow_up": Obj("recommendation"),
    "support:fund_detail": Obj("fund"),
    "support:contribution_create": Obj("fund"),
    "support:disbursement_create": Obj("fund"),
    "support:campaign_create": Obj("fund"),
    "support:pledge_create": Obj("fund"),
    "support:support_record_create": Obj("household"),
    "support:model_detail": Obj("model"),
    "api-v1:unit_detail": Obj("commune"),
    "api-v1:household_detail": Obj("household"),
    "api-v1:round_detail": Obj("round"),
    "api-v1:assessment_detail": Obj("assessment"),
    "api-v1:assessment_classification": Obj("assessment"),
    "api-v1:assessment_attachment": Obj("assessment_file"),
    "api-v1:program_detail": Obj("program"),
    "api-v1:activity_detail": Obj("activity"),
    "api-v1:fund_detail": Obj("fund"),
    "api-v1:statistics": Obj("commune", (("year", 2025),)),
    "api-v1:statistics_years": Obj("commune"),
    "api-v1:token_delete": Obj("token"),
    "portal:statistics": Obj("unit_param"),
    "reviews:decision_pdf": Obj("round"),
    "reviews:screening_villages": Obj("round"),
    "reviews:screening_village": Obj("round_village"),
    # Stored files: who receives the bytes of a real file is tests/test_private_files.py's question.
    "jobs:file": Obj("file"),
    "programs:document": Obj("file"),
    "programs:evidence_file": Obj("file"),
    "programs:review_report": Obj("file"),
    "programs:conference_minutes": Obj("file"),
    "reviews:change_request_evidence": Obj("file"),
    # One's own notifications only: tested in notifications/tests/test_pages.py.
    "notifications:open": Obj("notification"),
}
# Kinds this data set does not build: only the role refusal (403 before any lookup) is checked,
# with an id that exists nowhere.
ROLE_ONLY_KINDS = {
    "file",
    "notification",
    "complaint",
    "activity",
    "inspection",
    "recommendation",
    "model",
    "slug",
    "token",
    "assessment_file",
}
ARG_NAMES = {
    "pk",
    "attachment_pk",
    "village_pk",
    "household_pk",
    "unit_id",
    "household_id",
    "round_id",
    "assessment_id",
    "attachment_id",
    "program_id",
    "activity_id",
    "fund_id",
    "token_id",
    "slug",
}


def _arg_names(route: Route) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route.route)


def _routes() -> list[Route]:
    return [
        r
        for r in all_routes()
        if not r.route.startswith(SKIP_PREFIXES)
        and r.name not in SKIP_NAMES
        and not r.name.endswith(("_not_found", "not_found"))
        and "<path:rest>" not in r.route
        and (not r.methods or "GET" in r.methods)
    ]


def test_every_view_with_an_id_has_a_fixture():
    missing = [r.name for r in _routes() if _arg_names(r) and r.name not in OBJECTS]
    assert not missing, f"add these views to OBJECTS in {__name__}: {missing}"


def _cases():
    cases = []
    for route in _routes():
        sides = SIDES if route.name in OBJECTS and OBJECTS[route.name].kind != "none" else ("-",)
        for persona in [*PERSONAS, "anonymous"]:
            for side in sides:
                cases.append(
                    pytest.param(route, persona, side, id=f"{route.name}-{persona}-{side}")
                )
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Province P: communes A and B, each with a household, an approved round, a program, a fund."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    # The matrix asks who may download a document, not how it is typeset.
    typeset = mock.patch("weasyprint.HTML.write_pdf", return_value=b"%PDF-1.4 matrix")
    typeset.start()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            typeset.stop()
            media.disable()


def _build() -> dict:
    units = build_small_province()
    sides: dict[str, dict] = {}
    orgs = {}
    for side, commune, village in (("own", "A", "A1"), ("other", "B", "B1")):
        unit = units[commune]
        officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=unit)
        chairman = UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=unit)
        household = make_household(units[village], f"31-{unit.code}-000001")
        r = run_round(officer, chairman, unit, 2025, {household: POOR})
        orgs[side] = two_organisations(unit)
        setter = UserFactory(role=Role.PROVINCE_OFFICER, unit=units["P"])
        sides[side] = {
            "commune": unit,
            "officer": officer,
            "household": household,
            "member": household.members.first(),
            "round": r,
            "assessment": r.assessments.get(),
            "attachment": r.attachments.first(),
            "program": make_program(unit, orgs[side]),
            "fund": Fund.objects.create(
                name=f"Quỹ {unit.name}",
                kind=FundKind.FOR_THE_POOR,
                unit=unit,
                managing_organisation=orgs[side][1],
            ),
            "target": Target.objects.create(
                unit=unit, year=2025, measure="poor_rate_reduction", value=1, created_by=setter
            ),
            "submission": Submission.objects.create(
                instance_id=f"uuid:matrix-{side}",
                form_id="giamngheo_phieu_b",
                commune=unit,
                submitted_by=officer,
                xml="<data/>",
                xml_sha256="0" * 64,
                complete=True,
                state=ReviewState.NEEDS_REVIEW,
                problem=Problem.UNKNOWN_HOUSEHOLD,
            ),
        }
        sides[side]["submission_file"] = SubmissionAttachment.objects.create(
            submission=sides[side]["submission"],
            name="nha.jpg",
            file=ContentFile(b"\xff\xd8jpeg", name="nha.jpg"),
            content_type="image/jpeg",
            size=6,
        )
        sides[side]["citizen_request"] = CitizenRequest.objects.create(
            tracking_code=f"MATRIX{side.upper()}",
            household=household,
            kind=CitizenRequest.Kind.CORRECTION,
            text="Sửa ngày sinh",
            filed_on=dt.date(2026, 3, 2),
        )
        member = household.members.first()
        sides[side]["member_change"] = MemberChange.objects.create(
            submission=sides[side]["submission"],
            kind=MemberChangeKind.DEPARTED,
            member=member,
            survey_id=str(member.pk),
            full_name=member.full_name,
            date=dt.date(2025, 9, 1),
        )
    users = {}
    for persona, (role, home) in PERSONAS.items():
        users[persona] = UserFactory(
            role=role,
            unit=units[home] if home else None,
            organisation=orgs["own"][1] if role == Role.PARTNER_OFFICER else None,
        )
    for persona, user in users.items():
        mine = Job.objects.create(kind="import_households", title="own", owner=user)
        users[persona]._matrix_job = mine
    stranger = UserFactory(role=Role.COMMUNE_OFFICER, unit=units["B"])
    clients = {persona: Client() for persona in users}
    for persona, c in clients.items():
        c.force_login(users[persona])  # once per module: sessions live in the outer transaction
    return {
        "clients": clients,
        "units": units,
        "sides": sides,
        "users": users,
        "stranger_job": Job.objects.create(kind="import_households", title="other", owner=stranger),
    }


def _object(world, user, kind: str, side: str):
    if kind == "round_village":
        return world["sides"][side]["round"]
    if kind in ("job", "own_job"):
        return user._matrix_job if side == "own" and user is not None else world["stranger_job"]
    if kind == "unit_param":
        return world["sides"][side]["commune"]
    return world["sides"][side][kind]


def _unit_of(kind: str, obj):
    if kind in ("household",):
        return obj.unit
    if kind == "member":
        return obj.household.unit
    if kind == "assessment":
        return obj.household.unit
    if kind == "attachment":
        return obj.round.unit
    if kind == "submission":
        return obj.commune
    if kind in ("submission_file", "member_change"):
        return obj.submission.commune
    if kind in ("commune", "unit_param"):
        return obj
    return obj.unit


def _url(route: Route, world, user, side: str) -> tuple[str, object | None, str | None]:
    names = _arg_names(route)
    spec = OBJECTS.get(route.name, Obj("none"))
    kwargs = dict(spec.extra)
    obj = None
    query = {k: v for k, v in kwargs.items() if k not in names}
    kwargs = {k: v for k, v in kwargs.items() if k in names}
    if spec.kind in ROLE_ONLY_KINDS:
        fill = {n: ("nowhere" if n == "slug" else 987654) for n in names if n not in kwargs}
        kwargs.update(fill)
    elif spec.kind != "none":
        obj = _object(world, user, spec.kind, side)
        ids = [n for n in names if n in ARG_NAMES]
        if spec.kind == "unit_param":
            query["unit"] = obj.pk
        elif spec.kind == "attachment":
            kwargs.update({ids[0]: obj.round_id, ids[1]: obj.pk})
        elif spec.kind == "round_village":  # a round and the village of its listed household
            kwargs.update({ids[0]: obj.pk, ids[1]: obj.assessments.get().household.unit_id})
        elif spec.kind == "submission_file":
            kwargs.update({ids[0]: obj.submission_id, ids[1]: obj.pk})
        else:
            kwargs[ids[0]] = obj.pk
    path = reverse(route.name, kwargs=kwargs)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path, obj, spec.kind


def _expected(access: Access, user, kind: str | None, obj, side: str) -> bool | None:
    """True: allowed; False: refused; None: not decidable without an object (role-only kinds)."""
    if access.kind == "public":
        return True if kind != "slug" else None
    if user is None or not access.allows(user):
        return False
    if kind in ROLE_ONLY_KINDS:
        return None
    if obj is None:
        return True
    if kind == "job":
        return side == "own" or user.role == Role.SYSTEM_ADMIN
    if kind == "own_job":  # the import page shows only the user's own import
        return side == "own"
    unit = _unit_of(kind, obj)
    if access.kind == "login":
        return unit_allowed(user, unit)
    capability = next(iter(access.capabilities))
    organisation_id = None
    if (
        kind == "program"
        and user.organisation_id
        and obj.parties.filter(organisation_id=user.organisation_id).exists()
    ):
        organisation_id = user.organisation_id
    if kind == "fund":
        organisation_id = obj.managing_organisation_id
    return can(user, capability, unit, organisation_id=organisation_id)


def _refused(route: Route, response, anonymous: bool) -> bool | None:
    """True when refused, False when served; None for anything else (a failure either way)."""
    status = response.status_code
    if status in (403, 404) or (anonymous and status == 401):
        return True
    if anonymous and status == 302 and "/accounts/login/" in response.get("Location", ""):
        return True
    if status in (200, 204) or (status == 302 and "/accounts/login/" not in response["Location"]):
        return False
    return None


@pytest.mark.parametrize(("route", "persona", "side"), CASES)
def test_view_matrix(world, db, route, persona, side):
    user = world["users"].get(persona)
    client = world["clients"].get(persona) or Client()
    access = route.access
    path, obj, kind = _url(route, world, user, side)
    expected = _expected(access, user, kind, obj, side)
    if route.name in POST_ONLY:
        if expected is True:
            pytest.skip("an allowed POST would change the shared data")
        response = client.post(path, {})
    else:
        response = client.get(path)
    refused = _refused(route, response, user is None)
    if route.name in FORM_FIRST and expected is False and response.status_code == 302:
        refused = True
    assert refused is not None, f"{path} answered {response.status_code}"
    if expected is None:
        # Role allowed but no such object here: any refusal is right, a page is not.
        assert refused, f"{path} served a page for an object that does not exist"
        return
    if expected is False and user is not None and not access.allows(user):
        assert response.status_code == 403, f"{persona} on {path}: {response.status_code}"
    assert refused is (not expected), (
        f"{persona} on {path} ({side}): expected {'allowed' if expected else 'refused'}, "
        f"got {response.status_code}"
    )
