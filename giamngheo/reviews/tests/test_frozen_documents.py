"""An approved round's documents print what the chairman signed, whatever the registry does next.

Decision 24/2021/QĐ-TTg, Art. 4(4)–(5): the lists change only by a new decision (an ad-hoc round
or a complaint decision), which is a round of its own.
"""

import datetime as dt
import hashlib
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from giamngheo.households import services as registry
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.services import job_run
from giamngheo.reviews import documents, services
from giamngheo.reviews.models import (
    Assessment,
    Outcome,
    ReviewRound,
    RoundSnapshot,
    SnapshotEntry,
    StoredDocument,
)
from giamngheo.reviews.services.documents import JOB_KIND, round_documents_generate
from giamngheo.reviews.services.outcomes import outcomes_compute
from giamngheo.reviews.tests.conftest import NEAR_POOR, NOT_POOR, POOR, on_day
from giamngheo.reviews.tests.helpers import run_round
from giamngheo.reviews.tests.pdftext import xlsx_text

pytestmark = pytest.mark.django_db

OLD_NAME, NEW_NAME = "Nguyễn Văn An", "Phạm Văn Đổi Tên"
DOWNLOADS = {
    "posting_xlsx": "reviews:posting_xlsx",
    "posting_pdf": "reviews:posting_pdf",
    "decision_pdf": "reviews:decision_pdf",
    "certificates_pdf": "reviews:certificates_pdf",
}


@pytest.fixture
def approved(people, households_a):
    h1, h2, h3 = households_a
    return run_round(
        people["commune_a_officer"],
        people["commune_a_chairman"],
        h1.unit.parent,
        2025,
        {h1: POOR, h2: NEAR_POOR, h3: NOT_POOR},
    )


def _download(client, name: str, r: ReviewRound, query: str = "") -> bytes:
    response = client.get(reverse(DOWNLOADS[name], args=[r.pk]) + query)
    assert response.status_code == 200, (name, response.content[:200])
    return response.content


def _rename_and_move(people, province, household) -> None:
    """What the registry does after approval: the head renamed, the household moved."""
    officer = people["commune_a_officer"]
    registry.member_update(
        actor=officer,
        member=household.members.get(member_no=1),
        data={"full_name": NEW_NAME},
        reason="Đổi tên theo căn cước",
    )
    household.refresh_from_db()
    registry.household_update(
        actor=officer,
        household=household,
        data={"unit": province["A2"], "address": "Số 9, đường mới"},
        reason="Chuyển nơi ở",
    )
    household.refresh_from_db()
    assert household.head_name == NEW_NAME and household.unit == province["A2"]


def test_approved_round_documents_stay_byte_identical_after_the_head_is_renamed_art_4(
    client, people, province, households_a, approved
):
    client.force_login(people["commune_a_officer"])
    household = households_a[0]
    before = {name: _download(client, name, approved) for name in DOWNLOADS}
    one = _download(client, "certificates_pdf", approved, f"?household={household.pk}")
    portal_before = client.get(reverse("portal:posting", args=[approved.pk])).content.decode()
    assert OLD_NAME in xlsx_text(before["posting_xlsx"]) and OLD_NAME in portal_before

    _rename_and_move(people, province, household)

    after = {name: _download(client, name, approved) for name in DOWNLOADS}
    assert after == before
    assert _download(client, "certificates_pdf", approved, f"?household={household.pk}") == one
    portal = client.get(reverse("portal:posting", args=[approved.pk])).content.decode()
    assert OLD_NAME in portal and NEW_NAME not in portal
    assert "Thôn A1" in portal


def test_documents_first_generated_after_a_rename_print_the_approved_name_art_4(
    client, people, province, households_a, approved
):
    """Files are made from the snapshot even when nobody downloaded them before the change."""
    _rename_and_move(people, province, households_a[0])
    client.force_login(people["commune_a_officer"])
    printed = xlsx_text(_download(client, "posting_xlsx", approved))
    assert OLD_NAME in printed and NEW_NAME not in printed
    day = approved.decision_date
    for html in (
        documents.posting_html(approved, day),
        documents.certificates_html(approved, day),
        documents.decision_html(approved),
    ):
        assert OLD_NAME in html and NEW_NAME not in html
        assert "Số 9, đường mới" not in html


def test_registry_edits_after_approval_never_alter_the_approved_round_art_4(
    client, people, province, households_a, approved
):
    def state():
        return (
            list(Assessment.objects.filter(round=approved).order_by("pk").values()),
            list(Outcome.objects.filter(round=approved).order_by("pk").values()),
            list(SnapshotEntry.objects.filter(snapshot__round=approved).order_by("pk").values()),
            ReviewRound.objects.filter(pk=approved.pk).values().get(),
        )

    before = state()
    household = households_a[0]
    client.force_login(people["commune_a_officer"])
    # Life goes on: the registry page still saves an approved household's new address.
    response = client.post(
        reverse("households:edit", args=[household.pk]),
        {
            "unit": province["A2"].pk,
            "address": "Số 9",
            "area": "rural",
            "head_ethnicity": "01",
            "reason": "Chuyển",
        },
    )
    assert response.status_code == 302
    _rename_and_move(people, province, household)
    assert state() == before
    with pytest.raises(ValidationError):
        outcomes_compute(approved)
    with pytest.raises(ValidationError):
        services.assessment_save_section(
            actor=people["commune_a_officer"],
            assessment=approved.assessments.first(),
            section="general",
            data=POOR["general"],
        )
    # A complaint after approval is a new decision's business (an ad-hoc round), not this round's.
    with pytest.raises(ValidationError):
        services.complaint_receive(
            actor=people["commune_a_officer"],
            review_round=approved,
            household=household,
            received_on=approved.decision_date,
            complainant="Người dân",
            content="Đề nghị xem lại",
        )
    assert state() == before


def test_approval_freezes_every_household_of_the_round_and_schedules_its_documents(
    client, people, households_a, approved
):
    client.force_login(people["commune_a_officer"])
    snapshot = RoundSnapshot.objects.get(round=approved)
    assert snapshot.taken_from == RoundSnapshot.Source.APPROVAL
    entries = {e.household_id: e for e in snapshot.entries.all()}
    assert set(entries) == {h.pk for h in households_a}
    poor = entries[households_a[0].pk]
    assert (poor.head_name, poor.village, poor.class_printed) == (OLD_NAME, "Thôn A1", "Hộ nghèo")
    assert poor.deprived and poor.explanation and poor.members[0]["name"] == OLD_NAME
    assert poor.assessment == approved.assessments.get(household=households_a[0])
    assert "snapshot-source" not in client.get(approved.get_absolute_url()).content.decode()
    job = Job.objects.get(kind=JOB_KIND, params={"round_id": approved.pk})
    job_run(job.pk)  # what the worker does once the approval commits
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.result["summary"] and job.result["errors"] == []
    stored = list(StoredDocument.objects.filter(round=approved))
    assert round_documents_generate(review_round=approved) == sorted(
        stored, key=lambda d: list(StoredDocument.Kind.values).index(d.kind)
    )
    assert {d.kind for d in stored} == set(StoredDocument.Kind.values)
    for document in stored:
        assert document.file.name.startswith(f"documents/{approved.pk}/")
        content = default_storage.open(document.file.name).read()
        assert hashlib.sha256(content).hexdigest() == document.sha256
    with pytest.raises(ValidationError):
        services.round_snapshot_take(review_round=approved)


def test_a_stored_document_altered_on_disk_is_refused(client, people, approved):
    client.force_login(people["commune_a_officer"])
    original = _download(client, "posting_xlsx", approved)
    document = StoredDocument.objects.get(round=approved, kind=StoredDocument.Kind.POSTING_XLSX)
    path = default_storage.path(document.file.name)
    with open(path, "r+b") as handle:
        handle.seek(len(original) // 2)
        handle.write(b"\x00")
    response = client.get(reverse("reviews:posting_xlsx", args=[approved.pk]))
    assert response.status_code == 409
    assert "checksum" in response.content.decode()
    default_storage.delete(document.file.name)
    response = client.get(reverse("reviews:posting_xlsx", args=[approved.pk]))
    assert response.status_code == 409 and "missing" in response.content.decode()


def test_the_upgrade_freezes_rounds_approved_before_snapshots_existed(
    client, people, households_a, approved
):
    RoundSnapshot.objects.filter(round=approved).delete()
    migration = importlib.import_module(
        "giamngheo.reviews.migrations.0006_snapshot_rounds_approved_before_snapshots"
    )
    migration.snapshot_approved_rounds(django_apps, None)
    snapshot = RoundSnapshot.objects.get(round=approved)
    assert snapshot.taken_from == RoundSnapshot.Source.MIGRATION
    assert "not at approval" in snapshot.note
    assert snapshot.entries.count() == len(households_a)
    client.force_login(people["commune_a_officer"])
    assert OLD_NAME in xlsx_text(_download(client, "posting_xlsx", approved))
    page = client.get(reverse("reviews:round_detail", args=[approved.pk])).content.decode()
    assert "not at approval" in page


def test_draft_rounds_still_print_live_and_store_nothing(client, people, households_a):
    h1, h2, h3 = households_a
    r = run_round(
        people["commune_a_officer"],
        people["commune_a_chairman"],
        h1.unit.parent,
        2025,
        {h1: POOR, h2: NEAR_POOR, h3: NOT_POOR},
        approve=False,
    )
    client.force_login(people["commune_a_officer"])
    assert OLD_NAME in xlsx_text(_download(client, "posting_xlsx", r))
    assert client.get(reverse("reviews:decision_pdf", args=[r.pk])).status_code == 404
    assert not StoredDocument.objects.exists() and not RoundSnapshot.objects.exists()
    assert client.get(reverse("portal:posting", args=[r.pk])).status_code == 404


def test_admin_shows_frozen_rounds_and_documents_but_cannot_change_them(
    client, django_user_model, approved
):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    round_documents_generate(review_round=approved)
    snapshot = RoundSnapshot.objects.get(round=approved)
    document = StoredDocument.objects.first()
    for model, pk in (("roundsnapshot", snapshot.pk), ("storeddocument", document.pk)):
        assert client.get(f"/admin/reviews/{model}/").status_code == 200
        page = client.get(f"/admin/reviews/{model}/{pk}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(f"/admin/reviews/{model}/{pk}/delete/").status_code == 403


def test_approval_counts_children_and_the_upgrade_completes_older_entries(
    people, province, households_a
):
    """Form 11 and forms 14/15 read the entry: children and member details are frozen too."""
    h1, h2, h3 = households_a
    officer, chairman = people["commune_a_officer"], people["commune_a_chairman"]
    answers = {h1: POOR, h2: NEAR_POOR, h3: NOT_POOR}
    approved = run_round(officer, chairman, h1.unit.parent, 2025, answers, approve=False)
    child = registry.member_add(
        actor=officer,
        household=h1,
        data={"full_name": "Nguyễn Văn Bé", "sex": "female", "relation": "child"},
    )
    # The child as the commune recorded her on the review date (the registry lacks her birth).
    assessment = approved.assessments.get(household=h1)
    fact = {"member_id": str(child.pk), "sex": "female", "relation": "child"}
    fact.update(date_of_birth="2017-02-03", health_insurance=False, in_school=True)
    Assessment.objects.filter(pk=assessment.pk).update(members=[*assessment.members, fact])
    with on_day(approved.posting_ends_on + dt.timedelta(days=1)):
        services.round_approve(
            actor=chairman,
            review_round=approved,
            decision_number="9/QĐ-UBND",
            decision_date=approved.posting_ends_on + dt.timedelta(days=1),
        )
    entry = SnapshotEntry.objects.get(snapshot__round=approved, household=h1)
    assert entry.children == 1 and SnapshotEntry.objects.filter(children__gt=0).count() == 1
    head = {"name": OLD_NAME, "relation": "head", "sex": "male", "born": "1980", "ethnicity": "01"}
    assert entry.members == [
        head,
        {
            "name": "Nguyễn Văn Bé",
            "relation": "child",
            "sex": "female",
            "born": "2017",
            "ethnicity": "01",
        },
    ]
    counted = (entry.children_malnourished, entry.children_uninsured, entry.children_out_of_school)
    assert counted == (0, 1, 0)
    # An entry frozen before these columns: names and relations only, no children counted.
    SnapshotEntry.objects.filter(pk=entry.pk).update(
        children=0,
        children_uninsured=0,
        children_out_of_school=0,
        children_malnourished=0,
        members=[{"name": OLD_NAME, "relation": "head"}, {"name": "Bé", "relation": "child"}],
    )
    migration = importlib.import_module(
        "giamngheo.reviews.migrations.0009_snapshot_entry_child_counts"
    )
    migration.complete_entries(django_apps, None)
    entry.refresh_from_db()
    assert entry.children == 1
    assert (
        entry.children_malnourished,
        entry.children_uninsured,
        entry.children_out_of_school,
    ) == counted
    assert entry.members[0] == head and entry.members[1]["name"] == "Bé"
    assert entry.members[1]["born"] == "2017"
