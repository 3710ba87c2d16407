import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from giamngheo.history import action_label
from giamngheo.households.imports import (
    ImportInvalid,
    export_workbook,
    read_upload,
    registry_import,
    template_workbook,
)
from giamngheo.households.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from giamngheo.households.models import Household, Member, RegistryImport
from giamngheo.households.selectors import household_history, household_list
from giamngheo.jobs.models import JobStatus
from giamngheo.jobs.services import job_start

pytestmark = pytest.mark.django_db

H = [c.name for c in HOUSEHOLD_COLUMNS]
M = [c.name for c in MEMBER_COLUMNS]


def workbook(households: list[dict], members: list[dict]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "households"
    sheet.append(H)
    for row in households:
        sheet.append([row.get(name, "") for name in H])
    sheet = book.create_sheet("members")
    sheet.append(M)
    for row in members:
        sheet.append([row.get(name, "") for name in M])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sample(village="11001-A1", code="HH-1", ids=("031080000001", "")):
    households = [
        {
            "household_code": code,
            "village_code": village,
            "address": "Xóm Đông",
            "causes": "illness;lack_land",
        }
    ]
    members = [
        {
            "household_code": code,
            "member_no": 1,
            "full_name": "Nguyễn Văn An",
            "sex": "male",
            "date_of_birth": "1980-05-01",
            "relation": "head",
            "citizen_id": ids[0],
            "health_insurance": "1",
        },
        {
            "household_code": code,
            "member_no": 2,
            "full_name": "Nguyễn Thị Bình",
            "sex": "Nữ",
            "date_of_birth": "02/03/2010",
            "relation": "child",
            "citizen_id": ids[1],
            "in_school": "có",
        },
    ]
    return households, members


def run(actor, data: bytes, reason="Nhập từ tệp"):
    return registry_import(
        actor=actor, tables=read_upload("f.xlsx", io.BytesIO(data)), reason=reason, source="f.xlsx"
    )


def test_template_has_instructions_both_sheets_with_one_vietnamese_header_row():
    book = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    assert book.sheetnames == ["Hướng dẫn", "Hộ gia đình", "Thành viên", "Danh mục"]
    households = [c.value for c in book["Hộ gia đình"][1]]
    assert households[:4] == ["Mã hộ", "Mã thôn/tổ dân phố", "Địa chỉ", "Họ và tên chủ hộ"]
    assert [c.value for c in book["Thành viên"][1]][2:6] == [
        "Họ và tên",
        "Giới tính",
        "Ngày sinh (dd/mm/yyyy)",
        "Quan hệ với chủ hộ",
    ]
    assert book["Hộ gia đình"]["A1"].comment is not None
    filled = [v for row in book["Hộ gia đình"].iter_rows(min_row=2, values_only=True) for v in row]
    assert not any(filled) and book["Danh mục"].sheet_state == "hidden"


def test_template_read_back_is_an_empty_valid_import(units, commune_a_officer):
    result = run(commune_a_officer, template_workbook())
    assert result.households_created == 0


def test_import_creates_households_members_and_history(units, commune_a_officer):
    result = run(commune_a_officer, workbook(*sample()))
    assert (result.households_created, result.members_created) == (1, 2)
    household = Household.objects.get(code="HH-1")
    assert household.head_name == "Nguyễn Văn An"
    assert household.causes == ["lack_land", "illness"]
    assert household.area == "rural"
    assert "nguyen thi binh" in household.search_text
    child = household.members.get(member_no=2)
    assert (child.sex, child.in_school, child.date_of_birth.isoformat()) == (
        "female",
        True,
        "2010-03-02",
    )
    # One audited import instead of a "created" history row for each row it wrote.
    event = RegistryImport.objects.get()
    assert (event.user, event.reason, event.source) == (commune_a_officer, "Nhập từ tệp", "f.xlsx")
    assert (event.households_created, event.members_created) == (1, 2)
    assert household.imported_in == event
    assert set(household.members.values_list("imported_in", flat=True)) == {event.pk}
    assert not household.history.exists() and not Member.history.exists()


def test_the_household_page_history_shows_who_imported_each_row_when_and_why(
    client, units, commune_a_officer
):
    run(commune_a_officer, workbook(*sample()), reason="Rà soát đầu kỳ")
    household = Household.objects.get(code="HH-1")
    entries = household_history(household=household)
    assert len(entries) == 3  # the household and its two members
    for entry in entries:
        assert entry["action"] == action_label("+")
        assert entry["record"].history_user == commune_a_officer
        assert entry["record"].history_change_reason.startswith("Rà soát đầu kỳ (")
        assert "f.xlsx" in entry["record"].history_change_reason
    assert {e["label"] for e in entries} == {"HH-1", "Nguyễn Văn An", "Nguyễn Thị Bình"}
    client.force_login(commune_a_officer)
    page = client.get(household.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Rà soát đầu kỳ (nhập từ tệp f.xlsx)" in page
    assert "officer_a" in page


def test_the_first_change_after_an_import_shows_the_imported_values_it_replaced(
    units, commune_a_officer, commune_b_officer
):
    from giamngheo.households.services import household_update, member_remove

    run(commune_a_officer, workbook(*sample()), reason="Nhập đầu kỳ")
    event = RegistryImport.objects.get()
    household = Household.objects.get(code="HH-1")
    data = {f: getattr(household, f) for f in ("unit", "address", "phone", "head_ethnicity")}
    household_update(
        actor=commune_a_officer,
        household=household,
        data={**data, "address": "Xóm Tây"},
        reason="Chuyển chỗ ở",
    )
    created, changed = household.history.order_by("history_date", "history_id")
    assert (created.history_type, created.address, created.history_user) == (
        "+",
        "Xóm Đông",
        commune_a_officer,
    )
    assert (created.history_date, created.history_change_reason) == (
        event.imported_at,
        "Nhập đầu kỳ",
    )
    assert (changed.history_type, changed.address) == ("~", "Xóm Tây")
    entry = household_history(household=household)[0]
    assert entry["changes"][0]["old"] == "Xóm Đông" and entry["changes"][0]["new"] == "Xóm Tây"
    # Removing an imported member keeps what it held, too.
    child = household.members.get(member_no=2)
    child_id = child.pk
    member_remove(actor=commune_a_officer, member=child, reason="Nhập sai")
    assert list(Member.history.filter(id=child_id).values_list("history_type", flat=True)) == [
        "-",
        "+",
    ]


def test_reimporting_the_same_file_changes_nothing(units, commune_a_officer):
    data = workbook(*sample())
    run(commune_a_officer, data)
    counts = (Household.history.count(), Member.history.count(), RegistryImport.objects.count())
    result = run(commune_a_officer, data)
    assert (result.households_created, result.households_updated, result.households_unchanged) == (
        0,
        0,
        1,
    )
    assert (result.members_created, result.members_updated, result.members_unchanged) == (0, 0, 2)
    assert (Household.history.count(), Member.history.count(), RegistryImport.objects.count()) == (
        counts
    )


def test_a_changed_row_is_updated_with_history(units, commune_a_officer):
    run(commune_a_officer, workbook(*sample()))
    households, members = sample()
    households[0]["phone"] = "0912000111"
    members[1]["full_name"] = "Nguyễn Thị Bình An"
    result = run(commune_a_officer, workbook(households, members), reason="Cập nhật")
    assert (result.households_updated, result.members_updated) == (1, 1)
    household = Household.objects.get(code="HH-1")
    assert household.phone == "0912000111"
    assert household.history.first().history_change_reason == "Cập nhật"
    assert "binh an" in household.search_text
    # The change is recorded with what it replaced: the first import's values, under that import.
    first, second = RegistryImport.objects.order_by("imported_at")
    assert (second.households_updated, second.members_updated) == (1, 1)
    created = household.history.last()
    assert (created.history_type, created.phone, created.history_change_reason) == (
        "+",
        "",
        first.reason,
    )


def test_every_problem_is_reported_in_one_pass_and_nothing_is_saved(units, commune_a_officer):
    households, members = sample()
    households.append({"household_code": "HH-1", "village_code": "11001-A1"})  # duplicate code
    households.append(
        {
            "household_code": "HH-2",
            "village_code": "NO-SUCH",
            "area": "city",
            "has_merit_person": "maybe",
        }
    )
    members += [
        {
            "household_code": "HH-2",
            "member_no": 1,
            "full_name": "Trần Văn Cường",
            "sex": "male",
            "date_of_birth": "31/02/1970",
            "relation": "head",
            "citizen_id": "031080000001",
        },  # id reused
        {
            "household_code": "HH-2",
            "member_no": "abc",
            "full_name": "",
            "sex": "x",
            "date_of_birth": "2999-01-01",
            "relation": "cousin",
            "citizen_id": "12345",
        },
        {
            "household_code": "HH-9",
            "member_no": 1,
            "full_name": "Lê Văn Mồ Côi",
            "sex": "male",
            "relation": "head",
            "citizen_id": "31080000002",
        },  # no household; leading zero lost
    ]
    with pytest.raises(ImportInvalid) as info:
        run(commune_a_officer, workbook(households, members))
    found = {(e.table, e.row, e.field) for e in info.value.errors}
    expected = {
        ("households", 3, "household_code"),
        ("households", 4, "village_code"),
        ("households", 4, "area"),
        ("households", 4, "has_merit_person"),
        ("members", 4, "date_of_birth"),
        ("members", 4, "citizen_id"),
        ("members", 5, "member_no"),
        ("members", 5, "full_name"),
        ("members", 5, "sex"),
        ("members", 5, "date_of_birth"),
        ("members", 5, "relation"),
        ("members", 5, "citizen_id"),
        ("members", 6, "household_code"),
        ("members", 6, "citizen_id"),
    }
    assert expected <= found
    assert not Household.objects.exists()
    assert not Member.objects.exists()
    text = str(info.value.errors[0])
    assert "row 3" in text or "Dòng 3" in text or "dòng 3" in text


def test_ages_that_contradict_relations_are_reported(units, commune_a_officer):
    households, members = sample()
    members[1]["date_of_birth"] = "1979-01-01"  # a child older than the head
    members.append(
        {
            "household_code": "HH-1",
            "member_no": 3,
            "full_name": "Nguyễn Văn Cả",
            "sex": "male",
            "date_of_birth": "1975-01-01",
            "relation": "parent",
        }
    )
    with pytest.raises(ImportInvalid) as info:
        run(commune_a_officer, workbook(households, members))
    assert {(e.row, e.field) for e in info.value.errors} == {
        (3, "date_of_birth"),
        (4, "date_of_birth"),
    }


def test_a_household_without_a_head_is_reported(units, commune_a_officer):
    households, members = sample()
    with pytest.raises(ImportInvalid) as info:
        run(commune_a_officer, workbook(households, members[1:]))
    assert {e.field for e in info.value.errors} >= {"relation", "head_name"}


def test_rows_outside_the_officers_commune_are_rejected(
    units, commune_a_officer, commune_b_officer
):
    with pytest.raises(ImportInvalid) as info:
        run(commune_a_officer, workbook(*sample(village="11002-B1")))
    assert [(e.field, e.row) for e in info.value.errors] == [("village_code", 2)]
    run(commune_b_officer, workbook(*sample(village="11002-B1", code="B-HH")))
    # Officer A cannot overwrite B's household through its code either.
    with pytest.raises(ImportInvalid) as info:
        run(commune_a_officer, workbook(*sample(code="B-HH", ids=("", ""))))
    assert ("household_code", 2) in [(e.field, e.row) for e in info.value.errors]
    assert Household.objects.get(code="B-HH").unit == units["B1"]


def test_citizen_id_registered_elsewhere_is_reported(units, commune_a_officer):
    run(commune_a_officer, workbook(*sample()))
    with pytest.raises(ImportInvalid) as info:
        run(commune_a_officer, workbook(*sample(code="HH-OTHER", ids=("031080000001", ""))))
    assert ("members", "citizen_id") in [(e.table, e.field) for e in info.value.errors]


def test_two_csv_files_are_accepted(units, commune_a_officer, tmp_path):
    households, members = sample()
    (tmp_path / "h.csv").write_text(
        ",".join(H) + "\n" + ",".join(str(households[0].get(n, "")) for n in H) + "\n",
        encoding="utf-8-sig",
    )
    lines = [",".join(M)] + [",".join(str(m.get(n, "")) for n in M) for m in members]
    (tmp_path / "m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tables = read_upload("h.csv", tmp_path / "h.csv", tmp_path / "m.csv", "m.csv")
    result = registry_import(actor=commune_a_officer, tables=tables)
    assert (result.households_created, result.members_created) == (1, 2)


def test_the_import_job_reports_progress_and_result(
    units, commune_a_officer, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(workbook(*sample()))
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            actor=commune_a_officer,
            kind="import_households",
            title="Nhập hộ",
            params={"user_id": commune_a_officer.pk, "files": [str(path)], "reason": "Tệp thôn A1"},
        )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["households_created"] == 1 and job.result["errors"] == []
    assert job.total == 3 and job.percent == 100


def test_the_import_job_returns_every_error(
    units, commune_a_officer, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(workbook(*sample(village="11002-B1")))
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            actor=commune_a_officer,
            kind="import_households",
            title="x",
            params={"user_id": commune_a_officer.pk, "files": [str(path)]},
        )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED_WITH_ERRORS
    assert job.result["error_count"] == 1 and "chưa nhập dữ liệu nào" in job.result["summary"]
    [error] = job.result["errors"]
    assert (error["sheet"], error["row"], error["column"]) == (
        "Hộ gia đình",
        2,
        "Mã thôn/tổ dân phố",
    )
    assert error["value"] == "11002-B1"
    assert not Household.objects.exists()


def test_management_command_imports_as_the_user(units, commune_a_officer, tmp_path, capsys):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(workbook(*sample()))
    call_command("import_households", str(path), "--user", "officer_a")
    assert Household.objects.filter(code="HH-1").exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(*sample(village="11002-B1", code="X")))
    with pytest.raises(CommandError):
        call_command("import_households", str(bad), "--user", "officer_a")
    with pytest.raises(CommandError):
        call_command(
            "import_households", str(Path(tmp_path / "missing.xlsx")), "--user", "officer_a"
        )


def test_export_is_scoped_and_masks_citizen_ids(units, commune_a_officer, commune_b_officer):
    run(commune_a_officer, workbook(*sample()))
    run(
        commune_b_officer,
        workbook(*sample(village="11002-B1", code="B-HH", ids=("031080000555", ""))),
    )
    data = export_workbook(household_list(actor=commune_a_officer))
    book = openpyxl.load_workbook(io.BytesIO(data))
    codes = [r[0] for r in book["households"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["HH-1"]
    ids = [r[M.index("citizen_id")] for r in book["members"].iter_rows(min_row=2, values_only=True)]
    assert "031080000001" not in ids
    assert ids[0].endswith("001") and "•" in ids[0]


def test_members_can_be_added_to_an_existing_household_without_its_row(units, commune_a_officer):
    run(commune_a_officer, workbook(*sample()))
    extra = {
        "household_code": "HH-1",
        "member_no": 3,
        "full_name": "Nguyễn Văn Út",
        "sex": "male",
        "date_of_birth": "2015-06-01",
        "relation": "child",
    }
    result = run(commune_a_officer, workbook([], [extra]))
    assert result.members_created == 1
    household = Household.objects.get(code="HH-1")
    assert household.members.count() == 3
    assert "nguyen van ut" in household.search_text


def test_enum_values_may_be_given_as_vietnamese_labels(units, commune_a_officer):
    households, members = sample()
    members[0].update(
        sex="Nam", relation="Chủ hộ", diploma="Trung học phổ thông", employment="Tự làm"
    )
    households[0]["head_ethnicity"] = "Tày"
    run(commune_a_officer, workbook(households, members))
    head = Member.objects.get(member_no=1)
    assert (head.sex, head.relation, head.diploma, head.employment) == (
        "male",
        "head",
        "upper_secondary",
        "self_employed",
    )
    assert Household.objects.get().head_ethnicity == "02"


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="A second session is PostgreSQL's; CI runs it there."
)
@pytest.mark.django_db(transaction=True)
def test_the_import_jobs_progress_is_seen_while_its_transaction_writes(
    units, commune_a_officer, tmp_path, monkeypatch
):
    """The page polling the bar sees the import halfway through, not only once it commits."""
    from giamngheo.households.imports import writing
    from giamngheo.jobs.models import Job

    seen = []
    create_members = writing.create_members

    def watched(*args, **kwargs):
        other = connection.copy()  # another session, as the page's request is
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT done, total FROM jobs_job ORDER BY id DESC LIMIT 1")
                seen.append(cursor.fetchone())
        finally:
            other.close()
        return create_members(*args, **kwargs)

    monkeypatch.setattr(writing, "create_members", watched)
    path = tmp_path / "registry.xlsx"
    path.write_bytes(workbook(*sample()))
    job = job_start(
        actor=commune_a_officer,
        kind="import_households",
        title="Nhập hộ",
        params={"user_id": commune_a_officer.pk, "files": [str(path)], "reason": "Tệp thôn A1"},
    )
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.SUCCEEDED
    assert seen == [(1, 3)]  # half of 3 rows written: the households, before the members
