"""Receiving OpenRosa submissions: split uploads, retries, edits, and the assessment they fill.

A submission is identified by its `meta/instanceID`. Collect retries after a lost response, so
the same ID with the same XML is acknowledged without changing anything; the same ID with other
XML is a conflict (409). An edit carries the previous ID in `meta/deprecatedID` and replaces the
answers it gave. The answers are written through the reviews service, one form section at a
time, in one transaction: a refusal leaves nothing behind.
"""

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.api.models import Submission, SubmissionAttachment
from giamngheo.api.openrosa.forms import open_round
from giamngheo.api.openrosa.parsing import Parsed, SubmissionError, parse
from giamngheo.api.openrosa.responses import max_submission_bytes, message
from giamngheo.geo.models import AdminUnit
from giamngheo.households.models import Household
from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews.facts import member_section
from giamngheo.reviews.models import Assessment, ReviewRound
from giamngheo.reviews.services.assessments import assessment_save_section

XML_FIELD = "xml_submission_file"


def receive(request: HttpRequest, commune: AdminUnit) -> HttpResponse:
    try:
        return _receive(request, commune)
    except SubmissionError as exc:
        return message(exc.message, exc.status)


def _too_large() -> SubmissionError:
    return SubmissionError(
        413,
        _("The submission is larger than %(n)d bytes; send it in parts.")
        % {"n": max_submission_bytes()},
    )


def _receive(request: HttpRequest, commune: AdminUnit) -> HttpResponse:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > max_submission_bytes():
        raise _too_large()
    try:
        files = request.FILES
        incomplete = request.POST.get("*isIncomplete*", "").lower() == "yes"
    except RequestDataTooBig:
        raise _too_large() from None
    except MultiPartParserError as exc:
        raise SubmissionError(
            400, _("The upload is not valid multipart data: %(e)s") % {"e": exc}
        ) from None
    xml_file = files.get(XML_FIELD)
    if xml_file is None:
        raise SubmissionError(
            400, _("Send the answers as the multipart file %(f)s.") % {"f": XML_FIELD}
        )
    xml = xml_file.read()
    parsed = parse(xml)
    attachments = [f for key, items in files.lists() if key != XML_FIELD for f in items]
    if sum(f.size for f in attachments) + len(xml) > max_submission_bytes():
        raise _too_large()
    digest = hashlib.sha256(xml).hexdigest()
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update().filter(instance_id=parsed.instance_id).first()
        )
        if submission is not None:
            if submission.xml_sha256 != digest or submission.commune_id != commune.pk:
                raise SubmissionError(
                    409,
                    _(
                        "A different submission with the instance ID %(id)s was already "
                        "received; it was not changed."
                    )
                    % {"id": parsed.instance_id},
                )
            if submission.complete:
                _store_files(submission, attachments)
                return message(_("Already received; nothing was changed."), 202)
        target = _target(request.user, commune, parsed)
        if submission is None:
            submission = Submission.objects.create(
                instance_id=parsed.instance_id,
                deprecated_id=parsed.deprecated_id,
                form_id=parsed.form_id,
                form_version=parsed.version,
                commune=commune,
                submitted_by=request.user,
                xml=xml.decode("utf-8", errors="replace"),
                xml_sha256=digest,
            )
        if incomplete:
            _store_files(submission, attachments)
            return message(_("Part received; waiting for the rest of the submission."), 202)
        text = _apply(request.user, submission, parsed, target)
        _store_files(submission, attachments)
    return message(text, 201)


def _target(actor: User, commune: AdminUnit, parsed: Parsed) -> Assessment:
    """The assessment this submission fills: the household's, in the commune's open round."""
    household = Household.objects.select_related("unit").filter(code=parsed.household_code).first()
    if household is None:
        raise SubmissionError(
            400, _("No household has the code %(code)s.") % {"code": parsed.household_code}
        )
    if not household.unit.path.startswith(commune.path):
        raise SubmissionError(
            403,
            _("Household %(code)s is not in %(commune)s; it cannot be surveyed here.")
            % {"code": household.code, "commune": commune.name},
        )
    if not can(actor, Capability.COLLECT_ANSWERS, household.unit):
        raise SubmissionError(403, _("You may not collect answers for this household."))
    review_round = open_round(commune)
    if review_round is None:
        latest = ReviewRound.objects.filter(unit=commune).order_by("-review_date").first()
        step = latest.get_status_display() if latest else _("none")
        raise SubmissionError(
            400,
            _(
                "No review round of %(commune)s is collecting form B answers (latest round: "
                "%(step)s); the answers were not saved."
            )
            % {"commune": commune.name, "step": step},
        )
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("round", "household__unit")
        .filter(round=review_round, household=household)
        .first()
    )
    if assessment is None:
        raise SubmissionError(
            400,
            _("Household %(code)s is not listed in the %(year)d review round.")
            % {"code": household.code, "year": review_round.year},
        )
    return assessment


def _apply(actor: User, submission: Submission, parsed: Parsed, assessment: Assessment) -> str:
    if parsed.deprecated_id:
        previous = Submission.objects.filter(instance_id=parsed.deprecated_id).first()
        if previous is not None and previous.assessment_id not in (None, assessment.pk):
            raise SubmissionError(400, _("An edit cannot move the answers to another household."))
        if previous is not None:
            previous.superseded = True
            previous.save(update_fields=["superseded"])
    elif assessment.instance_id and assessment.instance_id != parsed.instance_id:
        raise SubmissionError(
            409,
            _(
                "Household %(code)s was already surveyed (submission %(id)s); edit that "
                "submission instead of sending a new one."
            )
            % {"code": assessment.household.code, "id": assessment.instance_id},
        )
    try:
        for section, data in parsed.sections.items():
            assessment_save_section(actor=actor, assessment=assessment, section=section, data=data)
        for member in parsed.members:
            data: dict[str, Any] = {k: v for k, v in member.items() if k != "member_id"}
            assessment_save_section(
                actor=actor,
                assessment=assessment,
                section=member_section(member["member_id"]),
                data=data,
            )
    except (ValidationError, PermissionDenied) as exc:
        text = "; ".join(getattr(exc, "messages", None) or [str(exc)])
        raise SubmissionError(403 if isinstance(exc, PermissionDenied) else 400, text) from None
    assessment.source = "odk"
    assessment.instance_id = parsed.instance_id
    assessment.save(update_fields=["source", "instance_id", "updated_at"])
    submission.assessment = assessment
    submission.complete = True
    submission.completed_at = timezone.now()
    submission.save(update_fields=["assessment", "complete", "completed_at"])
    if assessment.poverty_class:
        return _("Received household %(code)s: %(klass)s.") % {
            "code": assessment.household.code,
            "klass": PovertyClass(assessment.poverty_class).label,
        }
    if assessment.classification_error:
        return _("Received household %(code)s; it cannot be classified yet: %(reason)s") % {
            "code": assessment.household.code,
            "reason": assessment.classification_error.get("message", ""),
        }
    return _("Received household %(code)s; not classified yet: some members are missing.") % {
        "code": assessment.household.code
    }


def _store_files(submission: Submission, files: list) -> None:
    known = set(submission.attachments.values_list("name", flat=True))
    for upload in files:
        name = (upload.name or "file")[:255]
        if name in known:
            continue
        SubmissionAttachment.objects.create(
            submission=submission,
            name=name,
            file=upload,
            content_type=(upload.content_type or "")[:120],
            size=upload.size,
        )
        known.add(name)
