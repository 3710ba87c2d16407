import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from giamngheo.households.vocab import PovertyClass
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.reviews import services
from giamngheo.reviews.imports.reading import by_code, header
from giamngheo.reviews.models import RoundType
from giamngheo.reviews.tests.conftest import on_day

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 10, 1)


@pytest.fixture
def survey_round(people, province, households_a):
    officer = people["commune_a_officer"]
    with on_day(DAY):
        r = services.round_create(
            actor=officer, unit=province["A"], round_type=RoundType.PERIODIC, review_date=DAY
        )
        services.round_list_households(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
        for a in r.assessments.all():
            services.assessment_screen(actor=officer, assessment=a, markers=[])
        services.round_advance(actor=officer, review_round=r)
    return r


def english(name: str) -> str:
    """The header of column `name` as the English page (the client's language here) writes it."""
    with translation.override("en"):
        return header(name)


def column(sheet, name: str) -> int:
    """The 0-based index of the column `name` in `sheet`'s header row, whatever its language."""
    headers = [str(c.value) for c in sheet[1]]
    [(_row, keyed)] = by_code([(1, {h: i for i, h in enumerate(headers)})], [name])
    return keyed[name]


def _filled_template(client, r) -> bytes:
    wb = load_workbook(
        io.BytesIO(client.get(reverse("reviews:import_template", args=[r.pk])).content)
    )
    hh, mm = wb["Households"], wb["Members"]
    rows = {
        "income_per_capita_month": 1_200_000,
        "nlnn": "có",
        "housing_type": "simple",
        "floor_area_m2": 6,
        "domestic_water": "unsafe",
        "hygienic_latrine": "không",
        "waste_treated": "",
        "uses_telecom": "có",
        "info_devices": "smartphone;tv",
        "hears_loudspeaker": "có",
    }
    for row in hh.iter_rows(min_row=2):
        for name, value in rows.items():
            row[column(hh, name)].value = value
    assert mm.max_row == 4  # one member per household, prefilled from the registry
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client, r, content, name="answers.xlsx"):
    """Every upload is a job: its part in the worker runs when the request's transaction
    commits; the officer is then on the job's page."""
    with on_day(DAY), TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("reviews:import_answers", args=[r.pk]),
            {"file": SimpleUploadedFile(name, content)},
        )
    if response.status_code != 302:
        return response
    with on_day(DAY):
        return client.get(response.url)


def test_answers_import_from_the_generated_template_classifies_and_is_idempotent(
    client, people, survey_round
):
    client.force_login(people["commune_a_officer"])
    content = _filled_template(client, survey_round)
    page = _upload(client, survey_round, content).content.decode()
    assert "3 households read, 3 changed" in page or "3" in page
    classes = set(survey_round.assessments.values_list("poverty_class", flat=True))
    assert classes == {PovertyClass.POOR}
    assert set(survey_round.assessments.values_list("source", flat=True)) == {"import"}
    history = sum(a.history.count() for a in survey_round.assessments.all())
    page = _upload(client, survey_round, content).content.decode()
    assert "3 households read, 0 changed" in page, re.findall(r"\d+ households read[^<]*", page)
    assert sum(a.history.count() for a in survey_round.assessments.all()) == history


def test_every_bad_field_is_reported_at_once_and_nothing_is_saved(client, people, survey_round):
    client.force_login(people["commune_a_officer"])
    codes = list(survey_round.assessments.values_list("household__code", flat=True))
    csv = (
        "household_code,form_a_markers,income_per_capita_month,nlnn,b1_score,housing_type,"
        "floor_area_m2,domestic_water,hygienic_latrine,waste_treated,uses_telecom,info_devices,"
        "hears_loudspeaker\n"
        f"{codes[0]},,1.200.000,có,,simple,6,safe,có,,có,tv,có\n"
        f"{codes[1]},,abc,có,,castle,6,safe,có,,có,tv,có\n"
        f"{codes[2]},yacht,1000000,có,,solid,0,safe,maybe,,có,fax,có\n"
        f"31-00000-000000,,1000000,có,,solid,5,safe,có,,có,,có\n"
        f"{codes[0]},,1000000,có,,solid,5,safe,có,,có,,có\n"
    )
    page = _upload(client, survey_round, csv.encode("utf-8"), "answers.csv").content.decode()
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED_WITH_ERRORS
    found = {(e["row"], e["column"]) for e in job.result["errors"]}
    for row, name in (
        (3, "income_per_capita_month"),
        (3, "housing_type"),
        (4, "floor_area_m2"),
        (4, "hygienic_latrine"),
        (4, "info_devices"),
        (4, "form_a_markers"),
        (5, "household_code"),
        (6, "household_code"),
    ):
        assert (row, english(name)) in found, name
    # The job page lists each one with its row, column (its header) and the fix.
    assert 'id="job-errors"' in page and english("income_per_capita_month") in page
    assert "not allowed; use one of: Solid" in page
    assert not survey_round.assessments.exclude(sections_done=[]).exists()


def test_damaged_or_foreign_files_get_a_message_not_an_error_page(client, people, survey_round):
    client.force_login(people["commune_a_officer"])
    for name, content in (("a.xlsx", b"not a zip"), ("a.pdf", b"%PDF"), ("a.csv", b"\xff\xfe\x00")):
        response = _upload(client, survey_round, content, name)
        assert response.status_code == 200
        assert "nothing was saved" in response.content.decode()
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.SUCCEEDED_WITH_ERRORS}


def test_a_saved_household_the_standard_cannot_classify_is_named_on_the_job_page(
    client, people, province, households_a
):
    """A 2026 annual round sets the 2027 lists (Decree 351/2025/NĐ-CP), whose standard needs
    waste treatment: a row that leaves it empty is saved, and named as not yet classified."""
    officer = people["commune_a_officer"]
    day = dt.date(2026, 10, 1)
    with on_day(day):
        r = services.round_create(
            actor=officer, unit=province["A"], round_type=RoundType.PERIODIC, review_date=day
        )
        services.round_list_households(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
        for a in r.assessments.all():
            services.assessment_screen(actor=officer, assessment=a, markers=[])
        services.round_advance(actor=officer, review_round=r)
    assert r.standard == "vn-2027"
    client.force_login(officer)
    book = load_workbook(io.BytesIO(_filled_template(client, r)))
    sheet = book["Households"]
    for row in (3, 4):
        sheet.cell(row=row, column=column(sheet, "waste_treated") + 1).value = "có"
    buf = io.BytesIO()
    book.save(buf)
    with on_day(day), TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("reviews:import_answers", args=[r.pk]),
            {"file": SimpleUploadedFile("answers.xlsx", buf.getvalue())},
        )
    page = client.get(response.url).content.decode()
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED_WITH_ERRORS, job.result
    assert job.result["changed"] == 3 and job.result["error_count"] == 1, job.result["errors"]
    [error] = job.result["errors"]
    assert (error["sheet"], error["row"], error["column"]) == (
        "Households",
        2,
        english("waste_treated"),
    )
    assert error["message"].startswith("saved, but not classified")
    assert "1 household is saved but cannot be classified yet" in page
    assert r.assessments.exclude(poverty_class="").count() == 2


def test_a_file_is_imported_by_a_background_job(
    client, people, survey_round, monkeypatch, django_capture_on_commit_callbacks, settings
):
    client.force_login(people["commune_a_officer"])
    content = _filled_template(client, survey_round)
    with django_capture_on_commit_callbacks(execute=True), on_day(DAY):
        response = client.post(
            reverse("reviews:import_answers", args=[survey_round.pk]),
            {"file": SimpleUploadedFile("answers.xlsx", content)},
        )
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    assert (job.result["rows"], job.result["changed"]) == (3, 3)
    assert (job.result["errors"], job.result["error_count"]) == ([], 0)
    assert set(survey_round.assessments.values_list("poverty_class", flat=True)) == {"poor"}
    assert not any((settings.MEDIA_ROOT / "imports" / "reviews").iterdir())
    stored = job.params["path"]
    assert re.fullmatch(r"imports/reviews/[0-9a-f]{32}\.xlsx", stored), stored


def test_a_background_import_with_one_bad_row_lists_it_and_saves_nothing(
    client, people, survey_round, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(people["commune_a_officer"])
    book = load_workbook(io.BytesIO(_filled_template(client, survey_round)))
    sheet = book["Households"]
    sheet.cell(row=3, column=column(sheet, "housing_type") + 1, value="castle")
    buf = io.BytesIO()
    book.save(buf)
    _upload(client, survey_round, buf.getvalue())
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED_WITH_ERRORS, job.message
    assert job.result["summary"] == "1 problem found; nothing was saved."
    [error] = job.result["errors"]
    assert {k: error[k] for k in ("sheet", "row", "column", "value")} == {
        "sheet": "Households",
        "row": 3,
        "column": english("housing_type"),
        "value": "castle",
    }
    assert error["message"].startswith("“castle” is not allowed; use one of:")
    assert job.result["error_count"] == 1
    assert not survey_round.assessments.exclude(sections_done=[]).exists()


def test_a_background_import_deletes_its_upload_even_when_it_crashes(
    people, survey_round, settings
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from giamngheo.reviews.imports import job

    path = default_storage.save("imports/reviews/answers.csv", ContentFile(b"household_code\n"))
    params = {"actor_id": people["commune_a_officer"].pk, "round_id": 0, "path": path, "name": ""}
    with pytest.raises(Exception):  # noqa: B017 - any failure at all must still clean up
        job._run_job(None, params)
    assert not default_storage.exists(path)


def test_a_made_up_step_is_refused_with_a_message(client, people, survey_round):
    client.force_login(people["commune_a_officer"])
    response = client.post(
        reverse("reviews:round_advance", args=[survey_round.pk]), {"target": "bogus"}, follow=True
    )
    assert response.status_code == 200
    assert "bogus" in response.content.decode()
