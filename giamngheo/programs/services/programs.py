"""Signing a program down into parties, legal bases, content areas and annual plans."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.models import Organisation, User
from giamngheo.accounts.scoping import Capability, require
from giamngheo.geo.models import AdminUnit
from giamngheo.programs.models import (
    AnnualPlan,
    ContentArea,
    ContentCategory,
    CoordinationProgram,
    LegalBasis,
    ProgramParty,
)
from giamngheo.programs.permissions import require_program_edit


@dataclass(frozen=True)
class PartySpec:
    organisation: Organisation
    responsibilities: str = ""
    signatory: str = ""


@dataclass(frozen=True)
class LegalBasisSpec:
    reference: str
    issued_on: dt.date | None = None
    issuer: str = ""
    title: str = ""


@dataclass(frozen=True)
class AreaSpec:
    title: str
    category: ContentCategory | None = None


@transaction.atomic
def program_create(
    *,
    actor: User,
    title: str,
    signed_on: dt.date,
    start_year: int,
    end_year: int,
    unit: AdminUnit,
    parties: Sequence[PartySpec],
    content_areas: Sequence[AreaSpec] = (),
    legal_bases: Sequence[LegalBasisSpec] = (),
    document_number: str = "",
    purpose: str = "",
    coordination_method: str = "",
    signed_document: UploadedFile | None = None,
) -> CoordinationProgram:
    """A program binds two or more organisations; partner officers may sign only for their own."""
    organisations = [p.organisation for p in parties]
    if len({o.pk for o in organisations}) < 2 or len(organisations) != len(
        {o.pk for o in organisations}
    ):
        raise ValidationError(
            {"parties": _("A coordination program has at least two different organisations.")}
        )
    own = actor.organisation_id if actor.organisation_id in {o.pk for o in organisations} else None
    require(actor, Capability.EDIT_PROGRAMS, unit, organisation_id=own)
    program = CoordinationProgram(
        title=title,
        document_number=document_number,
        signed_on=signed_on,
        start_year=start_year,
        end_year=end_year,
        unit=unit,
        purpose=purpose,
        coordination_method=coordination_method,
        created_by=actor,
    )
    if signed_document is not None:
        program.signed_document = signed_document
    program.full_clean()
    program.save()
    for position, spec in enumerate(parties, start=1):
        ProgramParty.objects.create(
            program=program,
            organisation=spec.organisation,
            responsibilities=spec.responsibilities,
            signatory=spec.signatory,
            position=position,
        )
    for position, basis_spec in enumerate(legal_bases, start=1):
        basis = LegalBasis(program=program, position=position, **basis_spec.__dict__)
        basis.full_clean()
        basis.save()
    for number, area in enumerate(content_areas, start=1):
        ContentArea.objects.create(
            program=program, number=number, title=area.title, category=area.category
        )
    return program


@transaction.atomic
def program_attach_document(
    *, actor: User, program: CoordinationProgram, document: UploadedFile
) -> CoordinationProgram:
    require_program_edit(actor, program)
    program.signed_document = document
    program.full_clean()
    program.save(update_fields=["signed_document"])
    return program


@transaction.atomic
def content_area_add(
    *, actor: User, program: CoordinationProgram, title: str, category: ContentCategory | None
) -> ContentArea:
    require_program_edit(actor, program)
    last = program.content_areas.order_by("-number").values_list("number", flat=True).first()
    return ContentArea.objects.create(
        program=program, number=(last or 0) + 1, title=title, category=category
    )


@transaction.atomic
def content_area_update(
    *, actor: User, area: ContentArea, title: str, category: ContentCategory | None
) -> ContentArea:
    """Reports sometimes leave an area unnamed (the 11th of the Hải Phòng program)."""
    require_program_edit(actor, area.program)
    area.title, area.category = title, category
    area.full_clean()
    area.save()
    return area


@transaction.atomic
def plan_create(
    *,
    actor: User,
    program: CoordinationProgram,
    year: int,
    title: str = "",
    document_number: str = "",
    issued_on: dt.date | None = None,
    notes: str = "",
) -> AnnualPlan:
    require_program_edit(actor, program)
    plan = AnnualPlan(
        program=program,
        year=year,
        title=title,
        document_number=document_number,
        issued_on=issued_on,
        notes=notes,
    )
    plan.full_clean()
    plan.save()
    return plan
