"""The registry template an officer downloads, fills in Vietnamese and uploads again."""

import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from giamngheo.households.imports.columns import (
    COLUMNS,
    HOUSEHOLDS,
    LISTED_KINDS,
    MEMBERS,
    SHEET_TITLES,
    Column,
    enum_lookup,
    labels,
)
from giamngheo.households.models import Household, Member
from giamngheo.households.text import fold
from giamngheo.spreadsheets import dropdown_values
from giamngheo.tests.pages import page_text

pytestmark = pytest.mark.django_db

HOUSEHOLD = {
    "household_code": "HH-VN",
    "village_code": "11001-A1",
    "address": "Xóm Đông",
    "area": "urban",
    "head_ethnicity": "02",
    "has_merit_person": True,
    "social_protection": False,
    "causes": ["lack_capital", "illness"],
}
HEAD = {
    "member_no": 1,
    "full_name": "Nguyễn Văn An",
    "sex": "male",
    "date_of_birth": "01/05/1980",
    "relation": "head",
    "citizen_id": "031080000001",
    "ethnicity": "02",
    "diploma": "upper_secondary",
    "employment": "wage_without_contract",
    "disability": "mild",
    "health_insurance": True,
    "working_capacity": True,
}
CHILD = {
    "member_no": 2,
    "full_name": "Nguyễn Thị Bình",
    "sex": "female",
    "date_of_birth": "02/03/2012",
    "relation": "child",
    "in_school": True,
    "child_nutrition": "stunted",
    "working_capacity": False,
}


def _column(table: str, name: str) -> Column:
    return next(c for c in COLUMNS[table] if c.name == name)


def _as_typed(table: str, name: str, value, *, codes: bool) -> str:
    """The cell an officer types: the Vietnamese label from the dropdown, or the code."""
    column = _column(table, name)
    if isinstance(value, bool):
        return ("1" if value else "0") if codes else labels(column)[0 if value else 1]
    if isinstance(value, list):
        found = dict(column.choices)
        return ";".join(value if codes else (str(found[v]) for v in value))
    if column.kind == "enum" and not codes:
        return str(dict(column.choices)[value])
    return str(value)


def _download(client) -> openpyxl.Workbook:
    response = client.get(reverse("households:template"))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _filled(client, *, codes: bool) -> bytes:
    book = _download(client)
    rows = {
        HOUSEHOLDS: [HOUSEHOLD],
        MEMBERS: [{"household_code": HOUSEHOLD["household_code"], **m} for m in (HEAD, CHILD)],
    }
    for table, values in rows.items():
        sheet = book[str(SHEET_TITLES[table])]
        headers = [cell.value for cell in sheet[1]]
        for number, row in enumerate(values, start=2):
            for name, value in row.items():
                index = headers.index(str(_column(table, name).header)) + 1
                sheet.cell(number, index, _as_typed(table, name, value, codes=codes))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, content: bytes):
    upload = io.BytesIO(content)
    upload.name = "mau-nhap-ho.xlsx"
    return client.post(reverse("households:import"), {"file": upload, "reason": "Rà soát"})


def _assert_stored() -> None:
    household = Household.objects.get(code="HH-VN")
    assert (household.area, household.head_ethnicity, household.head_name) == (
        "urban",
        "02",
        "Nguyễn Văn An",
    )
    assert (household.has_merit_person, household.social_protection) == (True, False)
    assert household.causes == ["lack_capital", "illness"]
    head, child = household.members.order_by("member_no")
    assert (head.sex, head.relation, head.diploma, head.employment, head.disability) == (
        "male",
        "head",
        "upper_secondary",
        "wage_without_contract",
        "mild",
    )
    assert (head.health_insurance, head.date_of_birth.isoformat()) == (True, "1980-05-01")
    assert (child.sex, child.relation, child.in_school, child.child_nutrition) == (
        "female",
        "child",
        True,
        "stunted",
    )
    assert child.working_capacity is False


def test_template_filled_with_vietnamese_labels_imports_and_stores_the_codes(
    client, commune_a_officer
):
    client.force_login(commune_a_officer)
    response = _upload(client, _filled(client, codes=False))
    assert response.status_code == 302, page_text(response)
    _assert_stored()


def test_template_filled_with_codes_imports_the_same(client, commune_a_officer):
    client.force_login(commune_a_officer)
    response = _upload(client, _filled(client, codes=True))
    assert response.status_code == 302, page_text(response)
    _assert_stored()


def test_a_value_off_the_list_names_row_column_and_allowed_values_and_writes_nothing(
    client, commune_a_officer
):
    client.force_login(commune_a_officer)
    book = openpyxl.load_workbook(io.BytesIO(_filled(client, codes=False)))
    sheet = book[str(SHEET_TITLES[MEMBERS])]
    relation = _column(MEMBERS, "relation")
    index = [c.value for c in sheet[1]].index(str(relation.header)) + 1
    sheet.cell(3, index, "Con nuôi")
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, out.getvalue())
    assert response.status_code == 200
    errors = page_text(response, within="job-errors")
    assert "Thành viên 3 Quan hệ với chủ hộ Con nuôi" in " ".join(errors.split()), errors
    for label in labels(relation):
        assert label in errors
    assert not Household.objects.exists() and not Member.objects.exists()


def _validations(sheet) -> dict[str, object]:
    """Each column letter with its list validation."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cell_range in validation.sqref.ranges:
            assert (cell_range.min_row, cell_range.max_row) == (2, 5000)
            found[openpyxl.utils.get_column_letter(cell_range.min_col)] = validation
    return found


def test_every_coded_column_offers_a_dropdown_of_its_labels(client, commune_a_officer):
    client.force_login(commune_a_officer)
    book = _download(client)
    for table in (HOUSEHOLDS, MEMBERS):
        sheet = book[str(SHEET_TITLES[table])]
        validations = _validations(sheet)
        coded = []
        for index, column in enumerate(COLUMNS[table], start=1):
            letter = openpyxl.utils.get_column_letter(index)
            if column.kind not in LISTED_KINDS:
                assert letter not in validations, column.name
                continue
            coded.append(column.name)
            assert dropdown_values(book, validations[letter]) == labels(column), column.name
        assert len(validations) == len(coded)
    # The lists are Vietnamese: the page's language is Vietnamese by default.
    assert settings.LANGUAGE_CODE == "vi"
    sex = dropdown_values(book, _validations(book["Thành viên"])["D"])
    assert sex == ["Nam", "Nữ"]


def test_labels_of_a_column_are_distinct_and_each_reads_back_as_its_code():
    for table in (HOUSEHOLDS, MEMBERS):
        for column in COLUMNS[table]:
            if column.kind != "enum":
                continue
            for language in ("vi", "en"):
                with translation.override(language):
                    shown = labels(column)
                    assert len({fold(label) for label in shown}) == len(shown), column.name
                    lookup = enum_lookup(column)
                    assert [lookup[fold(label)] for label in shown] == [
                        code for code, _label in column.choices
                    ]


def test_instructions_sheet_comes_first_and_describes_every_column(client, commune_a_officer):
    client.force_login(commune_a_officer)
    book = _download(client)
    guide = book.worksheets[0]
    assert guide.title == "Hướng dẫn"
    text = [[str(v or "") for v in row] for row in guide.iter_rows(values_only=True)]
    described = {(row[0], row[1]) for row in text}
    for table in (HOUSEHOLDS, MEMBERS):
        for column in COLUMNS[table]:
            assert (str(SHEET_TITLES[table]), str(column.header)) in described, column.name
    whole = " ".join(" ".join(row) for row in text)
    assert "Danh mục" in whole and "Nguyên nhân nghèo" in whole


def test_english_page_gives_english_headers_and_the_reader_takes_them(commune_a_officer):
    from giamngheo.households.imports import read_upload, registry_import, template_workbook

    with translation.override("en"):
        book = openpyxl.load_workbook(io.BytesIO(template_workbook()))
        assert book.sheetnames == ["Instructions", "Households", "Members", "Lists"]
        assert [c.value for c in book["Members"][1]][:4] == [
            "Household code",
            "Member number",
            "Full name",
            "Sex",
        ]
        sheet = book["Households"]
        sheet.append(["HH-EN", "11001-A1", "", "Trần Văn Ba", "Rural"])
        out = io.BytesIO()
        book.save(out)
    # Read in Vietnamese: an English file still imports.
    tables = read_upload("f.xlsx", io.BytesIO(out.getvalue()))
    result = registry_import(actor=commune_a_officer, tables=tables)
    assert result.households_created == 1
    assert Household.objects.get(code="HH-EN").area == "rural"


def test_headers_match_without_accents_case_or_extra_spaces(commune_a_officer):
    from giamngheo.households.imports import read_upload, registry_import

    book = openpyxl.Workbook()
    book.active.title = "ho gia dinh"
    book.active.append(
        ["  MÃ HỘ ", "ma thon/to dan pho", "Ho va ten chu ho", "Khu vuc (nong thon/thanh thi)"]
    )
    book.active.append(["HH-X", "11001-A1", "Lê Thị Cúc", "thanh thi"])
    out = io.BytesIO()
    book.save(out)
    result = registry_import(
        actor=commune_a_officer, tables=read_upload("f.xlsx", io.BytesIO(out.getvalue()))
    )
    assert result.households_created == 1
    assert Household.objects.get(code="HH-X").area == "urban"


def test_import_page_shows_the_column_guide_of_the_instructions_sheet(client, commune_a_officer):
    from giamngheo.households.imports import column_guide

    client.force_login(commune_a_officer)
    response = client.get(reverse("households:import"))
    guide = " ".join(page_text(response, within="column-guide").split())
    assert "Hướng dẫn các cột" in guide
    for row in column_guide():
        assert row.header in guide and row.format in guide
    relation = _column(MEMBERS, "relation")
    listbox = response.content.decode().split('id="dropdown-preview"')[1].split("</select>")[0]
    assert re.findall(r"<option>(.*?)</option>", listbox) == labels(relation)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_import_page_column_guide_and_dropdown_preview(live_server, units):
    """The screenshot in the docs: what the template's dropdown offers, beside the column guide.

    A browser cannot open an .xlsx file, so the page shows the template's values from the same
    function the workbook is written from."""
    import shutil
    from pathlib import Path

    from giamngheo.accounts.models import Role
    from giamngheo.accounts.tests.factories import UserFactory
    from giamngheo.tests.browser import browser_page, screenshot

    UserFactory(username="lan", role=Role.COMMUNE_OFFICER, unit=units["A"])
    with browser_page(width=1280, height=900) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("lan")
        page.get_by_label("Mật khẩu").fill("pw-for-tests-only")
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(f"{live_server.url}{reverse('households:import')}")
        listbox = page.locator("#dropdown-preview")
        assert listbox.locator("option").all_inner_texts() == labels(_column(MEMBERS, "relation"))
        listbox.select_option(label="Con")
        guide = page.locator("#column-guide")
        assert "Quan hệ với chủ hộ" in guide.inner_text()
        path = screenshot(page, "households-import-column-guide")
        box = guide.bounding_box()
        # The instructions, the dropdown and the first rows of the guide.
        clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": 1000}
        page.screenshot(path=str(path), full_page=True, clip=clip)
    docs = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
    docs.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, docs / "import-template-dropdown.png")


def test_a_large_csv_with_vietnamese_headers_and_labels_reads_like_a_small_one():
    from giamngheo.households.imports.reading import _fast_csv, read_csv

    text = (
        "Mã hộ;Mã thôn/tổ dân phố;Khu vực (nông thôn/thành thị);Nguyên nhân nghèo\n"
        "HH-1;11001-A1;Thành thị;Thiếu vốn sản xuất, kinh doanh; Ốm đau, bệnh nặng, tai nạn\n"
    )
    # The causes cell holds a ';' too: quoted as a spreadsheet program writes it.
    text = text.replace(
        "Thiếu vốn sản xuất, kinh doanh; Ốm đau, bệnh nặng, tai nạn",
        '"Thiếu vốn sản xuất, kinh doanh; Ốm đau, bệnh nặng, tai nạn"',
    )
    data = text.encode()
    for frame in (read_csv(io.BytesIO(data), HOUSEHOLDS), _fast_csv(data, ";", HOUSEHOLDS)):
        row = frame.row(0, named=True)
        assert (row["household_code"], row["village_code"], row["area"]) == (
            "HH-1",
            "11001-A1",
            "Thành thị",
        )
        assert row["causes"].startswith("Thiếu vốn")


def test_a_large_csv_unescapes_formulas_like_a_small_one():
    """The large-file reader runs the unescaping only on cells that start with a quote; the
    cells it skips must come out as the small-file reader gives them."""
    from giamngheo.households.imports.reading import _fast_csv, read_csv

    addresses = ["'=1+1", "''-5", "'@home", "'plain", " '=x ", "=raw", "  12 Lê Lợi  ", "a'=b"]
    text = "Mã hộ;Mã thôn/tổ dân phố;address\n" + "".join(
        f"HH-{i};11001-A1;{value}\n" for i, value in enumerate(addresses)
    )
    data = text.encode()
    small = read_csv(io.BytesIO(data), HOUSEHOLDS)["address"].to_list()
    large = _fast_csv(data, ";", HOUSEHOLDS)["address"].to_list()
    assert large == small
    assert large[:3] == ["=1+1", "'-5", "@home"]
    assert large[3] == "'plain"
