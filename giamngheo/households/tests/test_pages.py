import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from giamngheo.households.models import Household, HouseholdStatus, PersonalDataAccess
from giamngheo.households.services import household_create
from giamngheo.households.tests.conftest import child, head
from giamngheo.households.tests.test_imports import sample, workbook
from giamngheo.tests.pages import assert_refused, headings, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(units, commune_a_officer):
    return household_create(
        actor=commune_a_officer,
        unit=units["A1"],
        data={"code": "31-11001-000001", "address": "Xóm Đông"},
        members=[head(), child()],
    )


@pytest.fixture
def b_household(units, commune_b_officer):
    return household_create(
        actor=commune_b_officer,
        unit=units["B1"],
        data={"code": "31-11002-000001"},
        members=[head(full_name="Trần Văn Bé", citizen_id="031080000222")],
    )


def login(client, user):
    client.force_login(user)
    return client


def test_list_finds_households_without_tone_marks(client, commune_a_officer, household):
    response = login(client, commune_a_officer).get(
        reverse("households:list"), {"q": "nguyen van an"}
    )
    assert response.status_code == 200
    assert "31-11001-000001" in response.content.decode()
    response = client.get(reverse("households:list"), {"q": "NGUYEN THI BINH"})
    assert "31-11001-000001" in response.content.decode()
    response = client.get(reverse("households:list"), {"q": "nguyen van khong co"})
    assert "31-11001-000001" not in response.content.decode()


def test_list_search_with_d_and_tone_marks(client, units, commune_a_officer):
    household_create(
        actor=commune_a_officer,
        unit=units["A2"],
        data={"code": "H-DO"},
        members=[head(full_name="Đỗ Thị Hường", sex="female", citizen_id="")],
    )
    for query in ("do thi huong", "Đỗ Thị Hường", "đỗ huong", "DO THI"):
        response = login(client, commune_a_officer).get(reverse("households:list"), {"q": query})
        assert "H-DO" in response.content.decode(), query


def test_htmx_search_returns_only_the_rows(client, commune_a_officer, household):
    response = login(client, commune_a_officer).get(
        reverse("households:list"), {"q": "an"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in response.content.decode()
    assert "31-11001-000001" in response.content.decode()


def test_list_filters_by_village_and_status(client, units, commune_a_officer, household):
    login(client, commune_a_officer)
    assert (
        "31-11001-000001"
        not in client.get(reverse("households:list"), {"unit": units["A2"].pk}).content.decode()
    )
    assert (
        "31-11001-000001"
        in client.get(reverse("households:list"), {"unit": units["A1"].pk}).content.decode()
    )
    assert (
        "31-11001-000001"
        not in client.get(
            reverse("households:list"), {"status": HouseholdStatus.LEFT}
        ).content.decode()
    )


def test_commune_officer_cannot_read_or_write_another_communes_households(
    client, units, commune_a_officer, household, b_household
):
    login(client, commune_a_officer)
    assert "31-11002-000001" not in client.get(reverse("households:list")).content.decode()
    assert (
        "31-11002-000001"
        not in client.get(reverse("households:list"), {"q": "tran van be"}).content.decode()
    )
    assert client.get(reverse("households:detail", args=[b_household.pk])).status_code == 404
    assert client.get(reverse("households:edit", args=[b_household.pk])).status_code == 404
    member = b_household.members.get()
    assert client.get(reverse("households:member_edit", args=[member.pk])).status_code == 404
    response = client.post(
        reverse("households:edit", args=[b_household.pk]),
        {"unit": units["B1"].pk, "head_ethnicity": "01", "reason": "x"},
    )
    assert response.status_code == 404
    response = client.post(reverse("households:member_remove", args=[member.pk]), {"reason": "x"})
    assert response.status_code == 404
    b_household.refresh_from_db()
    assert b_household.members.count() == 1
    # Not through the export…
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("households:export")).content))
    codes = [r[0] for r in book["households"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["31-11001-000001"]
    # …nor through the import.
    data = workbook(*sample(village="11002-B1", code="31-11002-000001", ids=("", "")))
    response = client.post(reverse("households:import"), {"file": _upload(data)})
    assert "village_code" in response.content.decode()
    b_household.refresh_from_db()
    assert b_household.address == ""
    assert not b_household.members.filter(full_name="Nguyễn Văn An").exists()


def test_detail_masks_ids_for_readers_and_logs_full_views(
    client, commune_a_officer, village_a1_head, household
):
    login(client, village_a1_head)
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "031080000001" not in page
    assert "•••••••••001" in page
    assert not PersonalDataAccess.objects.exists()
    login(client, commune_a_officer)
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "031080000001" in page
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.household) == (commune_a_officer, household)


def test_ids_are_masked_in_list_search_and_history(client, commune_a_officer, household):
    from giamngheo.households.services import member_update

    member = household.members.get(relation="head")
    member_update(
        actor=commune_a_officer, member=member, data={"citizen_id": "031080000002"}, reason="Sửa số"
    )
    login(client, commune_a_officer)
    listing = client.get(
        reverse("households:list"), {"q": "nguyen van an"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "31-11001-000001" in listing
    assert "031080000002" not in listing
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    history = page.split("history")[-1]
    assert "031080000001" not in history
    assert "•••••••••001" in history and "•••••••••002" in history
    assert "Sửa số" in page


def test_create_page_registers_a_household_with_its_head(client, units, commune_a_officer):
    login(client, commune_a_officer)
    assert client.get(reverse("households:create")).status_code == 200
    response = client.post(
        reverse("households:create"),
        {
            "code": "NEW-1",
            "unit": units["A1"].pk,
            "head_ethnicity": "01",
            "head-full_name": "Lê Thị Hoa",
            "head-sex": "female",
            "head-date_of_birth": "1975-02-03",
            "head-citizen_id": "031175000123",
            "head-ethnicity": "01",
            "head-diploma": "none",
            "head-disability": "none",
            "head-employment": "self_employed",
            "head-working_capacity": "on",
        },
    )
    household = Household.objects.get(code="NEW-1")
    assert response.status_code == 302
    assert household.head_name == "Lê Thị Hoa"
    assert household.history.first().history_user == commune_a_officer


def test_create_page_shows_errors_next_to_fields(client, units, commune_a_officer):
    login(client, commune_a_officer)
    response = client.post(
        reverse("households:create"),
        {
            "code": "NEW-2",
            "unit": units["A1"].pk,
            "head_ethnicity": "01",
            "head-full_name": "Lê Thị Hoa",
            "head-sex": "female",
            "head-date_of_birth": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
            "head-citizen_id": "123",
            "head-ethnicity": "01",
            "head-diploma": "none",
            "head-disability": "none",
            "head-employment": "self_employed",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert not Household.objects.filter(code="NEW-2").exists()


def test_member_add_flags_a_likely_duplicate_until_confirmed(client, commune_a_officer, household):
    login(client, commune_a_officer)
    data = {
        "full_name": "nguyen thi binh",
        "sex": "female",
        "date_of_birth": "2010-03-02",
        "relation": "child",
        "ethnicity": "01",
        "diploma": "none",
        "disability": "none",
        "employment": "not_in_labour_force",
    }
    url = reverse("households:member_add", args=[household.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "31-11001-000001" in response.content.decode()
    assert household.members.count() == 2
    response = client.post(url, {**data, "confirm_duplicates": "on"})
    assert response.status_code == 302
    assert household.members.count() == 3


def test_member_edit_needs_a_reason_and_logs_the_full_id_view(client, commune_a_officer, household):
    login(client, commune_a_officer)
    member = household.members.get(relation="head")
    url = reverse("households:member_edit", args=[member.pk])
    assert client.get(url).status_code == 200
    assert PersonalDataAccess.objects.filter(purpose="member form").count() == 1
    form = {
        "full_name": "Nguyễn Văn Ân",
        "sex": "male",
        "date_of_birth": "1980-05-01",
        "relation": "head",
        "citizen_id": "031080000001",
        "ethnicity": "01",
        "diploma": "none",
        "disability": "none",
        "employment": "self_employed",
        "working_capacity": "on",
    }
    assert client.post(url, form).status_code == 200
    assert client.post(url, {**form, "reason": "Sửa tên"}).status_code == 302
    household.refresh_from_db()
    assert household.head_name == "Nguyễn Văn Ân"


def test_life_event_page_takes_the_household_off_the_lists(client, commune_a_officer, household):
    login(client, commune_a_officer)
    url = reverse("households:event_add", args=[household.pk])
    response = client.post(url, {"kind": "moved_away", "date": "2025-02-01", "reason": ""})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert "Trường này là bắt buộc." in page_text(response)
    response = client.post(url, {"kind": "moved_away", "date": "2025-02-01", "reason": "Chuyển đi"})
    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    household.refresh_from_db()
    assert household.status == HouseholdStatus.LEFT
    response = client.post(
        url, {"kind": "merged", "date": "2025-02-01", "related_code": "NOPE", "reason": "x"}
    )
    assert response.status_code == 200
    assert "Không có hộ nào mang mã này trong địa bàn của bạn." in page_text(response)


def test_causes_and_merge_pages(client, units, commune_a_officer, household):
    login(client, commune_a_officer)
    url = reverse("households:causes", args=[household.pk])
    assert client.post(url, {"causes": ["illness"], "reason": "Phiếu B"}).status_code == 302
    household.refresh_from_db()
    assert household.causes == ["illness"]
    other = household_create(
        actor=commune_a_officer,
        unit=units["A1"],
        data={"code": "DUP"},
        members=[head(full_name="Phạm Văn Trùng", citizen_id="")],
    )
    response = client.post(
        reverse("households:merge", args=[other.pk]),
        {"keep_code": household.code, "reason": "Trùng"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == HouseholdStatus.LEFT


def _upload(data: bytes, name: str = "registry.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_import_page_imports_a_small_file_inline(client, commune_a_officer):
    login(client, commune_a_officer)
    assert client.get(reverse("households:import")).status_code == 200
    response = client.post(reverse("households:import"), {"file": _upload(workbook(*sample()))})
    assert response.status_code == 302
    assert Household.objects.filter(code="HH-1").exists()


def test_import_page_lists_every_error(client, commune_a_officer):
    households, members = sample()
    members[0]["date_of_birth"] = "31/02/1980"
    members[1]["sex"] = "x"
    login(client, commune_a_officer)
    response = client.post(
        reverse("households:import"), {"file": _upload(workbook(households, members))}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "date_of_birth" in page and "sex" in page
    assert not Household.objects.exists()


def test_import_page_refuses_an_unreadable_file(client, commune_a_officer):
    login(client, commune_a_officer)
    response = client.post(reverse("households:import"), {"file": _upload(b"not excel")})
    assert response.status_code == 200
    assert "Không đọc được tệp Excel (.xlsx) này" in page_text(response)
    response = client.post(reverse("households:import"), {"file": _upload(b"x", "notes.txt")})
    assert response.status_code == 200
    assert "Hãy tải lên tệp Excel .xlsx hoặc tệp .csv." in page_text(response)
    assert not Household.objects.exists()


def test_large_import_runs_as_a_job_with_progress(
    client, commune_a_officer, django_capture_on_commit_callbacks, settings, tmp_path
):
    from giamngheo.households import import_views

    settings.MEDIA_ROOT = tmp_path
    login(client, commune_a_officer)
    original = import_views.INLINE_MAX_BYTES
    import_views.INLINE_MAX_BYTES = 10
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("households:import"), {"file": _upload(workbook(*sample()))}
            )
    finally:
        import_views.INLINE_MAX_BYTES = original
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "progress" in page
    assert Household.objects.filter(code="HH-1").exists()
    assert not any((tmp_path / "imports").iterdir())


def test_template_and_export_downloads(client, commune_a_officer, household):
    login(client, commune_a_officer)
    template = client.get(reverse("households:template"))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    export = client.get(reverse("households:export"))
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    ids = [r[6] for r in book["members"].iter_rows(min_row=2, values_only=True)]
    assert "031080000001" not in ids


def test_village_head_cannot_open_edit_pages(client, village_a1_head, household):
    login(client, village_a1_head)
    detail = client.get(reverse("households:detail", args=[household.pk]))
    assert detail.status_code == 200
    assert headings(detail) == ["Nguyễn Văn An 31-11001-000001"]
    assert reverse("households:edit", args=[household.pk]) not in detail.content.decode()
    edit = client.get(reverse("households:edit", args=[household.pk]))
    assert_refused(edit, 403, "Xóm Đông", "Nguyễn Văn An")
    assert 'name="address"' not in edit.content.decode()
    create = client.get(reverse("households:create"))
    assert_refused(create, 403)
    assert 'name="code"' not in create.content.decode()
    upload = client.get(reverse("households:import"))
    assert_refused(upload, 403)
    assert 'type="file"' not in upload.content.decode()


def test_list_stops_counting_past_the_cap(client, units, commune_a_officer, household, monkeypatch):
    from giamngheo.households.views import CappedPaginator

    household_create(
        actor=commune_a_officer,
        unit=units["A2"],
        data={"code": "31-11001-000002"},
        members=[head(full_name="Nguyễn Văn Anh", citizen_id="")],
    )
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    page = login(client, commune_a_officer).get(reverse("households:list"), {"q": "nguyen"})
    assert page.context["page"].paginator.capped
    assert page.context["page"].paginator.count == 2
