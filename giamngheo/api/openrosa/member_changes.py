"""Members a submission reports as new, moved away or deceased.

The survey counts the people the enumerator found: the assessment is classified with the
members present (new ones under the survey ID `new-N`). The registry waits for the commune
officer, who confirms or rejects each change (api.services).
"""

import datetime as dt

from django.utils.translation import gettext as _

from giamngheo.api.models import MemberChange, MemberChangeState, Problem, Submission
from giamngheo.api.openrosa.parsing import Parsed, Unusable
from giamngheo.households.models import Member
from giamngheo.reviews.facts import member_facts_from_registry, members_on
from giamngheo.reviews.models import Assessment

NEW_KINDS = ("born", "moved_in")


def set_survey_members(assessment: Assessment, parsed: Parsed) -> None:
    """The assessment's members become those the submission found; Unusable when a row names
    someone not in the household or a registered member has no row at all."""
    _carry_confirmed(parsed)
    household = assessment.household
    registered = members_on(household, assessment.round.review_date)
    by_id = {str(m.pk): m for m in registered}
    already_left = {
        str(pk)
        for pk in Member.objects.filter(household=household, left_on__isnull=False).values_list(
            "pk", flat=True
        )
    }
    new_ids = {c["survey_id"] for c in parsed.changes if c["kind"] in NEW_KINDS}
    present = [m for m in parsed.members if m["member_id"] not in new_ids]
    left = {c["member_id"] for c in parsed.changes if c["kind"] not in NEW_KINDS}
    given = {m["member_id"] for m in present}
    unknown = sorted(given - set(by_id)) + sorted(left - set(by_id) - already_left)
    if unknown:
        raise Unusable(
            Problem.INVALID_ANSWERS,
            _(
                "members: %(ids)s is not a member of household %(code)s on the review date; "
                "download the form's member list again and resend."
            )
            % {"ids": ", ".join(unknown), "code": household.code},
        )
    missing = [m for m in registered if str(m.pk) not in given | left]
    if missing:
        raise Unusable(
            Problem.MISSING_MEMBER,
            _(
                "Household %(code)s: no answers for %(names)s. Every registered member needs a "
                "row, marked as present, moved away or deceased; complete the form and resend."
            )
            % {"code": household.code, "names": ", ".join(m.full_name for m in missing)},
        )
    kept = {m["member_id"]: m for m in assessment.members}
    members = [
        kept.get(str(m.pk)) or member_facts_from_registry(m)
        for m in registered
        if str(m.pk) not in left
    ]
    members += [{"member_id": m["member_id"]} for m in parsed.members if m["member_id"] in new_ids]
    assessment.members = members


def _carry_confirmed(parsed: Parsed) -> None:
    """An edit resends the rows of the form it replaces: a new member the officer already
    confirmed from that form is the registered member now, not a new one again."""
    if not parsed.deprecated_id:
        return
    decided = MemberChange.objects.filter(
        submission__instance_id=parsed.deprecated_id, state=MemberChangeState.CONFIRMED
    )
    confirmed = {
        c.survey_id: str(c.member_id) for c in decided if c.kind in NEW_KINDS and c.member_id
    }
    gone = {str(c.member_id) for c in decided if c.kind not in NEW_KINDS}
    for member in parsed.members:
        if member["member_id"] in confirmed:
            member["member_id"] = confirmed[member["member_id"]]
    parsed.changes = [
        c
        for c in parsed.changes
        if c["survey_id"] not in confirmed
        and not (c["kind"] not in NEW_KINDS and c["member_id"] in gone)
    ]


def record(submission: Submission, parsed: Parsed) -> list[MemberChange]:
    """Keep each reported change, waiting for the officer."""
    members = {
        str(m.pk): m
        for m in Member.objects.filter(
            pk__in=[int(c["member_id"]) for c in parsed.changes if c["member_id"].isdigit()]
        )
    }
    rows = []
    for change in parsed.changes:
        member = members.get(change["member_id"])
        row = MemberChange(
            submission=submission,
            kind=change["kind"],
            member=member,
            survey_id=change["survey_id"],
            full_name=change["full_name"] or (member.full_name if member else ""),
            date=dt.date.fromisoformat(change["date"]),
            data=change["data"],
        )
        row._history_user = submission.submitted_by
        row._change_reason = _("Reported in field submission %(id)s") % {
            "id": submission.instance_id
        }
        row.save()
        rows.append(row)
    return rows


def withdraw(actor, submission: Submission) -> None:
    """An edit replaces its submission: that one's unconfirmed changes are set aside."""
    for change in submission.member_changes.filter(state=MemberChangeState.PENDING):
        change.state = MemberChangeState.REJECTED
        change.reason = _("Replaced by an edit of the submission.")
        change._history_user = actor
        change._change_reason = change.reason
        change.save()
