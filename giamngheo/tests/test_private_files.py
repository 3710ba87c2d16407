"""Uploaded and generated files: random names on disk, sent only to readers who may see them."""

import datetime as dt
import importlib
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse

import giamngheo.urls
from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.jobs.models import Job
from giamngheo.jobs.outputs import job_output_save
from giamngheo.programs.models import Activity, Conference, Evidence, ProgramReview
from giamngheo.programs.tests.factories import make_program
from giamngheo.reviews.models import Attachment, ChangeRequest
from giamngheo.reviews.services import attachment_add, change_request_create
from giamngheo.storage import PrivateFileURL

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 bi\xc3\xaan b\xe1\xba\xa3n h\xe1\xbb\x8dp th\xc3\xb4n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
RANDOM_NAME = re.compile(r"^[a-z/-]+/(\d{4}/)?[0-9a-f]{32}\.(pdf|png)$")


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world(db):
    units = build_small_province()
    people = {
        "insider": UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"]),
        "colleague": UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"]),
        "outsider": UserFactory(role=Role.COMMUNE_OFFICER, unit=units["B"]),
    }
    return units, people


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def files(world) -> list[tuple[str, bytes, str]]:
    """(URL, content, name on disk) of one file of every kind, all in commune A."""
    units, people = world
    officer = people["insider"]
    household = HouseholdFactory(unit=units["A1"])
    change = change_request_create(
        actor=officer,
        household=household,
        reason="Chủ hộ mất việc",
        evidence=SimpleUploadedFile("Đơn đề nghị - Nguyễn Văn An.pdf", PDF),
    )
    review_round = change.ad_hoc_round
    attachment = attachment_add(
        actor=officer,
        review_round=review_round,
        kind="minutes",
        file=SimpleUploadedFile("Biên bản họp thôn A1.pdf", PDF + b" minutes"),
    )
    program = make_program(units["A"])
    program.signed_document.save("chuong trinh.pdf", ContentFile(PDF + b" signed"))
    activity = Activity.objects.create(
        content_area=program.content_areas.get(number=2),
        title="Vận động xây nhà",
        responsible=program.parties.first(),
        unit=units["A"],
        planned_start=dt.date(2024, 3, 1),
        planned_end=dt.date(2024, 11, 18),
    )
    evidence = Evidence.objects.create(
        activity=activity,
        file=ContentFile(PNG, name="ảnh bàn giao.png"),
        title="Bàn giao nhà",
        uploaded_by=officer,
    )
    review = ProgramReview.objects.create(
        program=program,
        kind="preliminary",
        held_on=dt.date(2024, 6, 30),
        report=ContentFile(PDF + b" report", name="so ket.pdf"),
    )
    conference = Conference.objects.create(
        program=program,
        kind="conference",
        title="Hội nghị",
        held_on=dt.date(2024, 7, 1),
        minutes_file=ContentFile(PDF + b" conference", name="bien ban.pdf"),
    )
    job = Job.objects.create(kind="export", title="Xuất danh sách", owner=officer)
    job_output_save(job=job, name="danh sách hộ.xlsx", content=b"PK\x03\x04 rows")
    job.refresh_from_db()
    return [
        (
            reverse("reviews:attachment_download", args=[review_round.pk, attachment.pk]),
            PDF + b" minutes",
            attachment.file.name,
        ),
        (
            reverse("reviews:change_request_evidence", args=[review_round.pk, change.pk]),
            PDF,
            change.evidence.name,
        ),
        (reverse("programs:document", args=[program.pk]), PDF + b" signed", ""),
        (
            reverse("programs:evidence_file", args=[activity.pk, evidence.pk]),
            PNG,
            evidence.file.name,
        ),
        (
            reverse("programs:review_report", args=[program.pk, review.pk]),
            PDF + b" report",
            review.report.name,
        ),
        (
            reverse("programs:conference_minutes", args=[program.pk, conference.pk]),
            PDF + b" conference",
            conference.minutes_file.name,
        ),
        (reverse("jobs:file", args=[job.pk]), b"PK\x03\x04 rows", ""),
    ]


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_every_file_goes_to_the_reader_in_scope_and_to_nobody_else(world, files):
    _units, people = world
    insider, outsider = _login(people["insider"]), _login(people["outsider"])
    anonymous = Client()
    for url, content, _name in files:
        response = insider.get(url)
        assert response.status_code == 200, url
        assert _body(response) == content, url
        assert response["Content-Disposition"].startswith("attachment;"), url
        assert response["X-Content-Type-Options"] == "nosniff"
        refused = outsider.get(url)
        assert refused.status_code in (403, 404), url
        assert content not in _body(refused)
        stranger = anonymous.get(url)
        assert stranger.status_code in (302, 401, 403, 404), url
        assert content not in _body(stranger)


def test_a_job_output_goes_only_to_the_jobs_owner(world, files):
    _units, people = world
    url, content, _name = files[-1]
    assert _login(people["colleague"]).get(url).status_code == 404
    response = _login(people["insider"]).get(url)
    assert "filename*=utf-8''danh_s%C3%A1ch_h%E1%BB%99.xlsx" in response["Content-Disposition"]


def test_uploads_are_stored_under_random_names_and_downloaded_under_their_own(world, files):
    for _url, _content, name in files:
        if name:
            assert RANDOM_NAME.match(name), name
    url, _content, _name = files[0]
    response = _login(world[1]["insider"]).get(url)
    assert "Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp" in response["Content-Disposition"]


def test_job_output_path_is_under_the_job_with_a_random_folder(world, files):
    job = Job.objects.get()
    assert re.fullmatch(rf"jobs/{job.pk}/[0-9a-f]{{32}}/danh_sách_hộ\.xlsx", job.output.name)


def test_a_private_file_has_no_url(world, files):
    evidence = Evidence.objects.get()
    with pytest.raises(PrivateFileURL):
        evidence.file.url  # noqa: B018


def test_program_page_links_to_checked_views_not_to_media(world, files):
    _units, people = world
    program = Activity.objects.get().content_area.program
    page = _login(people["insider"]).get(program.get_absolute_url()).content.decode()
    assert reverse("programs:document", args=[program.pk]) in page
    assert "/media/" not in page


@pytest.mark.parametrize("debug", [True, False])
def test_media_urls_answer_404_in_every_mode(settings, world, files, debug):
    _units, people = world
    _url, content, name = files[0]
    settings.DEBUG = debug
    importlib.reload(giamngheo.urls)
    clear_url_caches()
    try:
        for client in (Client(), _login(people["insider"])):
            for path in (f"/media/{name}", f"/{name}", f"/private/{name}"):
                response = client.get(path)
                assert response.status_code in (302, 404), path
                assert content not in _body(response)
    finally:
        settings.DEBUG = False
        importlib.reload(giamngheo.urls)
        clear_url_caches()


def test_the_404_page_is_the_sites_own_and_lists_no_url_patterns(settings, client):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "GiảmNghèo" in page and "admin/" not in page


def test_admin_pages_of_records_with_files_open_without_a_file_url(world, files):
    admin = UserFactory(role=Role.SYSTEM_ADMIN, unit=None, is_staff=True, is_superuser=True)
    client = _login(admin)
    attachment = Attachment.objects.get()
    for url in (
        reverse("admin:reviews_attachment_change", args=[attachment.pk]),
        reverse("admin:reviews_attachment_changelist"),
        reverse("admin:reviews_changerequest_change", args=[ChangeRequest.objects.get().pk]),
        reverse("admin:programs_activity_change", args=[Activity.objects.get().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/media/" not in response.content.decode()


def test_files_left_in_the_old_media_folder_are_reported_at_start(settings, tmp_path):
    from giamngheo.storage import files_left_in_old_media_folder

    settings.VAR_DIR, settings.PRIVATE_ROOT = tmp_path, tmp_path / "private"
    assert files_left_in_old_media_folder() == []
    (tmp_path / "media" / "reviews" / "2025").mkdir(parents=True)
    assert files_left_in_old_media_folder() == []  # empty folders lose nothing
    (tmp_path / "media" / "reviews" / "2025" / "bien-ban.pdf").write_bytes(b"%PDF-1.4")
    [warning] = files_left_in_old_media_folder()
    assert warning.id == "giamngheo.W001" and str(tmp_path / "private") in warning.hint
