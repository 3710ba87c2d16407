"""A round's field work replayed as ODK Collect does it, on one keep-alive connection.

Collect lists the forms, downloads Phiếu B and its media (the households and each member's
facts from last year, which the form's members repeat takes as defaults), and sends a
household where a baby was born and a member moved away or died. The survey counts the people
found; the registry changes only when the commune officer confirms each change on the
submission's page (Decision 24/2021/QĐ-TTg, Art. 4: the commune reviews changes to households
during the year).
"""

import csv
import datetime as dt
import hashlib
import io
import re

import pytest
import requests
from django.test import Client
from django.urls import reverse
from django.utils import translation
from requests.auth import HTTPDigestAuth

from giamngheo.api.models import MemberChange, MemberChangeState, Submission
from giamngheo.api.openrosa.questionnaire import FORM_ID
from giamngheo.api.tests.conftest import PASSWORD
from giamngheo.api.tests.odk import new_instance_id, submission_xml
from giamngheo.households.models import LifeEvent, Member
from giamngheo.households.vocab import LEAVING_EVENTS, LifeEventKind
from giamngheo.reviews.models import Assessment

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = {
    "User-Agent": "org.odk.collect.android/v2025.2.3 Dalvik/2.1.0 (Linux; U; Android 14)",
    "X-OpenRosa-Version": "1.0",
    "Connection": "keep-alive",
}
BABY = {
    "member_id": "",
    "arrival": "born",
    "full_name": "Nguyễn Thị Bé",
    "sex": "female",
    "date_of_birth": "2025-06-01",
    "relation": "child",
    "health_insurance": "yes",
    "in_school": "no",
    "diploma": "none",
    "vocational_training": "no",
    "employment": "not_in_labour_force",
    "working_capacity": "no",
    "disability": "none",
    "social_allowance": "no",
    "child_nutrition": "normal",
    "ill_untreated": "no",
}


@pytest.fixture
def collect(live_server, personas):
    session = requests.Session()
    session.headers.update(HEADERS)
    session.auth = HTTPDigestAuth("enumerator_a", PASSWORD)
    session.base = f"{live_server.url}/api/openrosa/11001"
    return session


@pytest.fixture
def last_year(registry, field_round):
    """Last year's answers for the head differ from the registry's: the form starts from them."""
    head, spouse = registry["ha"].members.order_by("member_no")
    last = Assessment.objects.get(round=field_round["last"])
    last.members = [
        {"member_id": str(head.pk), "diploma": "university", "health_insurance": False},
        {"member_id": str(spouse.pk), "employment": "wage_with_contract"},
    ]
    last.save()
    return {"head": head, "spouse": spouse}


def _connections(session: requests.Session, url: str) -> int:
    """TCP connections the session opened to the server so far."""
    adapter = session.get_adapter(url)
    return sum(pool.num_connections for pool in adapter.poolmanager.pools._container.values())


def _download_round(collect) -> dict[str, list[dict[str, str]]]:
    """formList → form → manifest → media, each checked against the advertised hash."""
    listing = collect.get(f"{collect.base}/formList")
    assert listing.status_code == 200, listing.text
    form_url = re.search(r"<downloadUrl>(.*?)</downloadUrl>", listing.text)[1]
    manifest_url = re.search(r"<manifestUrl>(.*?)</manifestUrl>", listing.text)[1]
    form = collect.get(form_url)
    assert "md5:" + hashlib.md5(form.content).hexdigest() in listing.text
    xform = form.text
    # The members repeat: one row per registered member plus the new ones, each registered
    # row taking last year's values as defaults when it is created.
    assert 'jr:count=" /data/members_count "' in xform
    assert "/data/member_count  +  /data/added_count" in xform
    assert (
        '<setvalue ref="/data/members/diploma" event="odk-new-repeat" '
        "value=\"pulldata('members', 'diploma', 'key'" in xform
    )
    assert 'src="jr://file-csv/members.csv"' in xform
    manifest = collect.get(manifest_url)
    media = {}
    for name, digest, url in re.findall(
        r"<filename>(.*?)</filename><hash>(.*?)</hash><downloadUrl>(.*?)</downloadUrl>",
        manifest.text,
    ):
        body = collect.get(url)
        assert digest == "md5:" + hashlib.md5(body.content).hexdigest()
        media[name] = list(csv.DictReader(io.StringIO(body.content.decode())))
    return media


def _rows_as_collect_fills_them(members_csv, household, statuses) -> list[dict[str, str]]:
    """Registered rows keep the preloaded defaults; `statuses` marks who left and when."""
    facts = ("sex", "date_of_birth", "relation", "health_insurance", "in_school", "diploma")
    facts += ("vocational_training", "employment", "working_capacity", "disability")
    facts += ("social_allowance", "child_nutrition")
    rows = []
    for row in members_csv:
        if row["household"] != household.code:
            continue
        status, date = statuses.get(row["member_id"], ("present", ""))
        answers = {"member_id": row["member_id"], "status": status, "change_date": date}
        if status == "present":
            answers.update({k: row[k] for k in facts} | {"ill_untreated": "no"})
        else:
            answers.update({k: "" for k in facts})
        rows.append(answers)
    return [*rows, BABY]


def _send(collect, xml: bytes) -> requests.Response:
    assert collect.head(f"{collect.base}/submission").status_code == 204
    files = [("xml_submission_file", ("submission.xml", xml, "text/xml"))]
    return collect.post(f"{collect.base}/submission", files=files)


def waiting(n: int) -> str:
    """The note telling the enumerator that changes wait, in the server's language."""
    with translation.override("vi"):
        text = translation.gettext(
            "%(n)d member change(s) wait for the commune officer's confirmation."
        )
    return text % {"n": n}


def _officer(personas) -> Client:
    client = Client()
    client.force_login(personas["commune_a_officer"])
    return client


def test_a_birth_and_a_departure_reach_the_registry_once_the_officer_confirms(
    collect, personas, registry, field_round, last_year
):
    household = registry["ha"]
    head, spouse = last_year["head"], last_year["spouse"]
    media = _download_round(collect)

    # The round's households, and each member's facts keyed for pulldata.
    assert [r["name"] for r in media["households.csv"]] == [household.code]
    assert media["households.csv"][0]["member_count"] == "2"
    rows = {r["key"]: r for r in media["members.csv"]}
    assert set(rows) == {f"{household.code}#1", f"{household.code}#2"}
    first = rows[f"{household.code}#1"]
    assert first["member_id"] == str(head.pk) and first["full_name"] == "Nguyễn Văn Ất"
    assert first["sex"] == "male" and first["date_of_birth"] == "1980-05-01"
    assert first["diploma"] == "university" and first["health_insurance"] == "no"
    assert rows[f"{household.code}#2"]["employment"] == "wage_with_contract"

    # The spouse moved away; a baby was born.
    iid = new_instance_id()
    members = _rows_as_collect_fills_them(
        media["members.csv"], household, {str(spouse.pk): ("departed", "2025-09-01")}
    )
    response = _send(collect, submission_xml(household.code, members, instance_id=iid))
    assert response.status_code == 201, response.text
    assert waiting(2) in response.text
    assert _connections(collect, collect.base) == 1

    # Classified with the members found: the head and the baby, not the spouse.
    assessment = Assessment.objects.get(pk=field_round["assessment"].pk)
    assert [m["member_id"] for m in assessment.members] == [str(head.pk), "new-1"]
    assert assessment.poverty_class and assessment.members[0]["diploma"] == "university"
    changes = MemberChange.objects.filter(submission__instance_id=iid).order_by("pk")
    assert [(c.kind, c.state) for c in changes] == [
        ("departed", "pending"),
        ("born", "pending"),
    ]
    # Nothing in the registry yet.
    assert not Member.objects.filter(full_name=BABY["full_name"]).exists()
    assert Member.objects.get(pk=spouse.pk).left_on is None
    assert not LifeEvent.objects.filter(household=household).exists()

    # The officer confirms both on the submission's page.
    officer = _officer(personas)
    submission = Submission.objects.get(instance_id=iid)
    page = officer.get(reverse("reviews:submission_detail", args=[submission.pk]))
    assert BABY["full_name"] in page.content.decode()
    queue = officer.get(reverse("reviews:member_change_list"))
    assert queue.status_code == 200 and BABY["full_name"] in queue.content.decode()
    for change in changes:
        done = officer.post(reverse("reviews:member_change_confirm", args=[change.pk]))
        assert done.status_code == 302

    baby = Member.objects.get(household=household, full_name=BABY["full_name"])
    assert baby.date_of_birth == dt.date(2025, 6, 1) and baby.relation == "child"
    assert (
        baby.left_on is None and baby.history.first().history_user == personas["commune_a_officer"]
    )
    assert Member.objects.get(pk=spouse.pk).left_on == dt.date(2025, 9, 1)
    events = {e.kind: e for e in LifeEvent.objects.filter(household=household)}
    assert set(events) == {LifeEventKind.BIRTH, LifeEventKind.MEMBER_LEFT}
    assert events[LifeEventKind.BIRTH].date == dt.date(2025, 6, 1)
    assert events[LifeEventKind.MEMBER_LEFT].date == dt.date(2025, 9, 1)
    # A member's event leaves the household on the lists.
    household.refresh_from_db()
    assert household.status == "active" and not set(events) & LEAVING_EVENTS
    assert all(
        c.state == MemberChangeState.CONFIRMED and c.life_event_id
        for c in MemberChange.objects.filter(submission=submission)
    )
    # The survey's `new-1` is the registry's member now, so next year's form finds her.
    assessment.refresh_from_db()
    assert [m["member_id"] for m in assessment.members] == [str(head.pk), str(baby.pk)]
    assert assessment.poverty_class

    # Next download: the baby is preloaded, the spouse is gone.
    media = _download_round(collect)
    ids = [r["member_id"] for r in media["members.csv"]]
    assert ids == [str(head.pk), str(baby.pk)]
    assert _connections(collect, collect.base) == 1


def test_rejected_changes_leave_the_registry_as_it_was(
    collect, personas, registry, field_round, last_year
):
    household = registry["ha"]
    head, spouse = last_year["head"], last_year["spouse"]
    media = _download_round(collect)
    iid = new_instance_id()
    members = _rows_as_collect_fills_them(
        media["members.csv"], household, {str(spouse.pk): ("deceased", "2025-08-20")}
    )
    response = _send(collect, submission_xml(household.code, members, instance_id=iid))
    assert response.status_code == 201, response.text

    officer = _officer(personas)
    changes = list(MemberChange.objects.filter(submission__instance_id=iid).order_by("pk"))
    assert [c.kind for c in changes] == ["deceased", "born"]
    url = reverse("reviews:member_change_reject", args=[changes[0].pk])
    officer.post(url, {"reason": ""})
    assert MemberChange.objects.get(pk=changes[0].pk).state == "pending", "a reason is required"
    for change in changes:
        officer.post(
            reverse("reviews:member_change_reject", args=[change.pk]),
            {"reason": "Checked at the house: no such change."},
        )

    assert not Member.objects.filter(full_name=BABY["full_name"]).exists()
    assert Member.objects.get(pk=spouse.pk).left_on is None
    assert not LifeEvent.objects.exists()
    assert set(MemberChange.objects.values_list("state", "reviewer")) == {
        ("rejected", personas["commune_a_officer"].pk)
    }
    # The survey follows: the baby is out, the spouse is counted again and must be answered
    # for before the household is classified.
    assessment = Assessment.objects.get(pk=field_round["assessment"].pk)
    assert [m["member_id"] for m in assessment.members] == [str(head.pk), str(spouse.pk)]
    assert not assessment.poverty_class


def test_a_missing_member_or_an_unknown_one_waits_for_review(
    collect, registry, field_round, last_year
):
    """Acknowledged (Collect would resend a 4xx forever) and queued with the reason."""
    household = registry["ha"]
    media = _download_round(collect)
    members = _rows_as_collect_fills_them(media["members.csv"], household, {})
    response = _send(
        collect, submission_xml(household.code, members[1:], instance_id=new_instance_id())
    )
    assert response.status_code == 201
    assert "Nguyễn Văn Ất" in response.text
    queued = Submission.objects.get()
    assert queued.in_queue and queued.problem == "missing_member"
    assert not MemberChange.objects.exists()

    stranger = {**members[0], "member_id": "987654"}
    response = _send(
        collect,
        submission_xml(household.code, [stranger, *members[1:]], instance_id=new_instance_id()),
    )
    assert response.status_code == 201 and "987654" in response.text
    assert Submission.objects.filter(problem="invalid_answers").count() == 1
    assert not Assessment.objects.get(pk=field_round["assessment"].pk).sections_done


def test_form_and_media_speak_the_same_member_keys(collect, registry, field_round):
    """The form looks members up by `household#row`; the media file carries that key."""
    media = _download_round(collect)
    keys = [r["key"] for r in media["members.csv"]]
    assert keys == [f"{registry['ha'].code}#1", f"{registry['ha'].code}#2"]
    assert FORM_ID in collect.get(f"{collect.base}/formList").text


def test_an_edit_after_the_officer_confirmed_does_not_report_the_baby_twice(
    collect, personas, registry, field_round, last_year
):
    household = registry["ha"]
    media = _download_round(collect)
    iid = new_instance_id()
    members = _rows_as_collect_fills_them(media["members.csv"], household, {})
    assert _send(collect, submission_xml(household.code, members, instance_id=iid)).ok
    change = MemberChange.objects.get(kind="born")
    _officer(personas).post(reverse("reviews:member_change_confirm", args=[change.pk]))
    baby = Member.objects.get(full_name=BABY["full_name"])

    # Collect edits the same form: its rows are those it sent, the baby still a new row.
    edit = submission_xml(
        household.code,
        members,
        instance_id=new_instance_id(),
        deprecated_id=iid,
        overrides={("income", "income_per_capita_month"): "2100000"},
    )
    response = _send(collect, edit)
    assert response.status_code == 201 and waiting(1) not in response.text
    assert MemberChange.objects.count() == 1
    assert Member.objects.filter(full_name=BABY["full_name"]).count() == 1
    assessment = Assessment.objects.get(pk=field_round["assessment"].pk)
    assert str(baby.pk) in [m["member_id"] for m in assessment.members]
    assert assessment.facts["income_per_capita_month"] == 2100000
    assert LifeEvent.objects.filter(kind=LifeEventKind.BIRTH).count() == 1
