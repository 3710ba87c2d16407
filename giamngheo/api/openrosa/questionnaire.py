"""Phiếu B (the household survey of Circular 07/2021/TT-BLĐTBXH) as an XLSForm, in Python.

The names are the classifier contract's facts (household-facts.md), so a submission maps onto an
assessment without a translation table. `write_xlsx` regenerates the committed
`forms/phieu_b.xlsx`; a test keeps the two identical.
"""

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from giamngheo.spreadsheets import append_row

FORM_ID = "giamngheo_phieu_b"
FORM_VERSION = "2025110101"
FORMS_DIR = Path(__file__).resolve().parent.parent / "forms"
XLSX_PATH = FORMS_DIR / "phieu_b.xlsx"
VI = "label::Tiếng Việt (vi)"
EN = "label::English (en)"

YES = "selected(., 'yes')"

# A members repeat row is a registered member when members.csv has its key, else a new one.
EXISTING = "${member_id} != ''"
NEW = "${member_id} = ''"
# Facts are asked of members still present and of new members; not of those who left.
ASKED = f"({NEW}) or ${{status}} = 'present'"


def member_pull(column: str) -> str:
    """Last year's value of a registered member (members.csv), looked up by household and row."""
    return f"pulldata('members', '{column}', 'key', concat(${{household}}, '#', position(..)))"


def prefilled(column: str) -> dict[str, str]:
    """Required, with last year's value as the default when the repeat row is created
    (a dynamic default: ODK evaluates it once, on the new repeat instance)."""
    return {"required": "yes", "relevant": ASKED, "default": member_pull(column)}


# (type, name, vi, en, extra columns)
SURVEY: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("start", "start", "", "", {}),
    ("end", "end", "", "", {}),
    ("username", "username", "", "", {}),
    (
        "select_one_from_file households.csv",
        "household",
        "Hộ gia đình (mã hộ · chủ hộ)",
        "Household (code · head)",
        {"required": "yes", "appearance": "autocomplete"},
    ),
    (
        "calculate",
        "last_year",
        "",
        "",
        {"calculation": "pulldata('households', 'last_year', 'name', ${household})"},
    ),
    (
        "calculate",
        "last_class",
        "",
        "",
        {"calculation": "pulldata('households', 'last_class', 'name', ${household})"},
    ),
    (
        "calculate",
        "last_income",
        "",
        "",
        {"calculation": "pulldata('households', 'last_income', 'name', ${household})"},
    ),
    (
        "calculate",
        "last_housing",
        "",
        "",
        {"calculation": "pulldata('households', 'last_housing', 'name', ${household})"},
    ),
    (
        "calculate",
        "member_count",
        "",
        "",
        {"calculation": "pulldata('households', 'member_count', 'name', ${household})"},
    ),
    (
        "note",
        "last_year_note",
        "Năm ${last_year}: xếp loại ${last_class}; thu nhập ${last_income} đồng/người/tháng; nhà ở ${last_housing}; ${member_count} thành viên.",
        "In ${last_year}: class ${last_class}; income ${last_income} VND per person per month; housing ${last_housing}; ${member_count} members.",
        {"relevant": "${last_year} != ''"},
    ),
    ("begin_group", "income", "Thu nhập", "Income", {}),
    (
        "integer",
        "income_per_capita_month",
        "Thu nhập bình quân đầu người một tháng (đồng)",
        "Income per person per month (VND)",
        {
            "required": "yes",
            "constraint": ". >= 0 and . <= 1000000000",
            "constraint_message::Tiếng Việt (vi)": "Từ 0 đến 1 tỷ đồng.",
            "constraint_message::English (en)": "Between 0 and 1 billion VND.",
        },
    ),
    (
        "select_one yesno",
        "nlnn",
        "Hộ làm nông, lâm, ngư nghiệp hoặc diêm nghiệp",
        "Works in agriculture, forestry, fishery or salt-making",
        {},
    ),
    ("end_group", "", "", "", {}),
    ("begin_group", "housing", "Nhà ở", "Housing", {}),
    ("select_one housing", "housing_type", "Loại nhà ở", "Type of house", {"required": "yes"}),
    (
        "decimal",
        "floor_area_m2",
        "Diện tích nhà ở (m²)",
        "Floor area of the dwelling (m²)",
        {
            "required": "yes",
            "relevant": "${housing_type} != 'none'",
            "constraint": ". > 0 and . <= 10000",
            "constraint_message::Tiếng Việt (vi)": "Lớn hơn 0 và không quá 10.000 m².",
            "constraint_message::English (en)": "More than 0 and at most 10,000 m².",
        },
    ),
    ("end_group", "", "", "", {}),
    ("begin_group", "water", "Nước và vệ sinh", "Water and sanitation", {}),
    (
        "select_one water",
        "domestic_water",
        "Nguồn nước sinh hoạt",
        "Domestic water source",
        {"required": "yes"},
    ),
    (
        "select_one yesno",
        "hygienic_latrine",
        "Sử dụng nhà tiêu hợp vệ sinh",
        "Uses a hygienic latrine",
        {"required": "yes"},
    ),
    (
        "select_one yesno",
        "waste_treated",
        "Rác thải được thu gom, xử lý hợp vệ sinh",
        "Household waste collected or treated hygienically",
        {},
    ),
    ("end_group", "", "", "", {}),
    ("begin_group", "information", "Thông tin", "Information", {}),
    (
        "select_one yesno",
        "uses_telecom",
        "Có thành viên sử dụng dịch vụ viễn thông, internet",
        "A member uses telecom or internet services",
        {"required": "yes"},
    ),
    (
        "select_multiple devices",
        "info_devices",
        "Phương tiện tiếp cận thông tin",
        "Information devices owned",
        {},
    ),
    (
        "select_one yesno",
        "hears_loudspeaker",
        "Nghe được loa truyền thanh xã, thôn",
        "Can hear the commune or village loudspeaker",
        {"required": "yes"},
    ),
    ("end_group", "", "", "", {}),
    (
        "integer",
        "added_count",
        "Số thành viên mới (mới sinh hoặc mới chuyển đến)",
        "New members (newborn or moved in)",
        {
            "required": "yes",
            "default": "0",
            "constraint": ". >= 0 and . <= 20",
            "constraint_message::Tiếng Việt (vi)": "Từ 0 đến 20 người.",
            "constraint_message::English (en)": "Between 0 and 20 people.",
        },
    ),
    (
        "begin_repeat",
        "members",
        "Thành viên",
        "Members",
        {"repeat_count": "${member_count} + ${added_count}"},
    ),
    # Rows 1..member_count are the registered members (members.csv, key household#row);
    # the rows after them are the new members.
    ("calculate", "member_id", "", "", {"calculation": member_pull("member_id")}),
    ("calculate", "member_name", "", "", {"calculation": member_pull("full_name")}),
    (
        "note",
        "member_note",
        "Thành viên: ${member_name}",
        "Member: ${member_name}",
        {"relevant": EXISTING},
    ),
    (
        "select_one member_status",
        "status",
        "Tình trạng",
        "Status",
        {"required": "yes", "default": "present", "relevant": EXISTING},
    ),
    (
        "select_one arrival",
        "arrival",
        "Thành viên mới",
        "New member",
        {"required": "yes", "relevant": NEW},
    ),
    (
        "text",
        "full_name",
        "Họ và tên",
        "Full name",
        {"required": "yes", "relevant": NEW},
    ),
    (
        "date",
        "change_date",
        "Ngày chuyển đi, mất hoặc chuyển đến",
        "Date of leaving, death or moving in",
        {
            "required": "yes",
            "relevant": f"({EXISTING} and ${{status}} != 'present') or "
            f"({NEW} and ${{arrival}} = 'moved_in')",
            "constraint": ". <= today()",
            "constraint_message::Tiếng Việt (vi)": "Ngày không thể ở tương lai.",
            "constraint_message::English (en)": "The date cannot be in the future.",
        },
    ),
    ("select_one sex", "sex", "Giới tính", "Sex", prefilled("sex")),
    (
        "date",
        "date_of_birth",
        "Ngày sinh",
        "Date of birth",
        {
            **prefilled("date_of_birth"),
            "constraint": ". <= today()",
            "constraint_message::Tiếng Việt (vi)": "Ngày sinh không thể ở tương lai.",
            "constraint_message::English (en)": "The date of birth cannot be in the future.",
        },
    ),
    (
        "calculate",
        "age",
        "",
        "",
        {
            "calculation": "int((decimal-date-time(today()) - decimal-date-time(${date_of_birth})) div 365.25)"
        },
    ),
    (
        "select_one relation",
        "relation",
        "Quan hệ với chủ hộ",
        "Relation to the head",
        prefilled("relation"),
    ),
    (
        "select_one yesno",
        "health_insurance",
        "Có thẻ bảo hiểm y tế còn hạn",
        "Holds a valid health insurance card",
        prefilled("health_insurance"),
    ),
    (
        "select_one yesno",
        "in_school",
        "Đang đi học hoặc học nghề",
        "Attending school or a training course",
        prefilled("in_school"),
    ),
    ("select_one diploma", "diploma", "Bằng cấp cao nhất", "Highest diploma", prefilled("diploma")),
    (
        "select_one yesno",
        "vocational_training",
        "Có chứng chỉ nghề hoặc đào tạo được xác nhận",
        "Vocational certificate or certified training",
        prefilled("vocational_training"),
    ),
    ("select_one employment", "employment", "Việc làm", "Employment", prefilled("employment")),
    (
        "select_one yesno",
        "working_capacity",
        "Có khả năng lao động",
        "Able to work",
        prefilled("working_capacity"),
    ),
    ("select_one disability", "disability", "Khuyết tật", "Disability", prefilled("disability")),
    (
        "select_one yesno",
        "social_allowance",
        "Hưởng trợ cấp xã hội hằng tháng",
        "Receives a monthly social allowance",
        prefilled("social_allowance"),
    ),
    (
        "select_one nutrition",
        "child_nutrition",
        "Dinh dưỡng (trẻ dưới 16 tuổi)",
        "Nutrition (children under 16)",
        {**prefilled("child_nutrition"), "relevant": f"({ASKED}) and ${{age}} < 16"},
    ),
    (
        "select_one yesno",
        "ill_untreated",
        "Ốm đau trong 12 tháng qua mà không đi khám chữa bệnh",
        "Ill in the last 12 months without treatment",
        {"relevant": ASKED},
    ),
    ("end_repeat", "", "", "", {}),
    (
        "geopoint",
        "location",
        "Vị trí nhà (không bắt buộc)",
        "Location of the dwelling (optional)",
        {},
    ),
    (
        "image",
        "dwelling_photo",
        "Ảnh nhà ở (không bắt buộc)",
        "Photo of the dwelling (optional)",
        {"parameters": "max-pixels=1600"},
    ),
]

CHOICES: dict[str, list[tuple[str, str, str]]] = {
    "yesno": [("yes", "Có", "Yes"), ("no", "Không", "No")],
    "housing": [
        ("solid", "Nhà kiên cố", "Solid"),
        ("semi_solid", "Nhà bán kiên cố", "Semi-solid"),
        ("less_solid", "Nhà thiếu kiên cố", "Less solid"),
        ("simple", "Nhà đơn sơ", "Simple"),
        ("none", "Không có nhà ở", "No house"),
    ],
    "water": [("safe", "Hợp vệ sinh", "Safe"), ("unsafe", "Không hợp vệ sinh", "Unsafe")],
    "devices": [
        ("tv", "Ti vi", "Television"),
        ("radio", "Radio", "Radio"),
        ("computer", "Máy tính", "Computer"),
        ("smartphone", "Điện thoại thông minh", "Smartphone"),
        ("landline", "Điện thoại cố định", "Landline telephone"),
        ("feature_phone", "Điện thoại phổ thông", "Feature phone"),
    ],
    "sex": [("male", "Nam", "Male"), ("female", "Nữ", "Female")],
    "relation": [
        ("head", "Chủ hộ", "Head of household"),
        ("spouse", "Vợ/chồng", "Spouse"),
        ("child", "Con", "Child"),
        ("parent", "Bố/mẹ", "Parent"),
        ("grandchild", "Cháu", "Grandchild"),
        ("sibling", "Anh/chị/em", "Sibling"),
        ("other", "Khác", "Other"),
    ],
    "diploma": [
        ("none", "Không có", "None"),
        ("primary", "Tiểu học", "Primary"),
        ("lower_secondary", "Trung học cơ sở", "Lower secondary"),
        ("upper_secondary", "Trung học phổ thông", "Upper secondary"),
        ("vocational_elementary", "Sơ cấp nghề", "Vocational, elementary"),
        ("vocational_intermediate", "Trung cấp", "Vocational, intermediate"),
        ("college", "Cao đẳng", "College"),
        ("university", "Đại học trở lên", "University"),
    ],
    "employment": [
        ("wage_with_contract", "Làm công có hợp đồng lao động", "Wage work with a labour contract"),
        (
            "wage_without_contract",
            "Làm công không có hợp đồng",
            "Wage work without a labour contract",
        ),
        ("self_employed", "Tự làm", "Self-employed"),
        ("unemployed", "Thất nghiệp", "Unemployed"),
        ("not_in_labour_force", "Không tham gia lực lượng lao động", "Not in the labour force"),
    ],
    "disability": [
        ("none", "Không", "None"),
        ("mild", "Nhẹ", "Mild"),
        ("severe", "Nặng", "Severe"),
        ("especially_severe", "Đặc biệt nặng", "Especially severe"),
    ],
    "member_status": [
        ("present", "Vẫn ở trong hộ", "Still in the household"),
        ("departed", "Đã chuyển đi", "Moved away"),
        ("deceased", "Đã mất", "Deceased"),
    ],
    "arrival": [
        ("born", "Mới sinh", "Newborn"),
        ("moved_in", "Mới chuyển đến", "Moved in"),
    ],
    "nutrition": [
        ("normal", "Bình thường", "Normal"),
        ("stunted", "Thấp còi", "Stunted"),
        ("underweight", "Nhẹ cân", "Underweight"),
    ],
}

SETTINGS = {
    "form_title": "Phiếu B — Rà soát hộ nghèo, hộ cận nghèo",
    "form_id": FORM_ID,
    "version": FORM_VERSION,
    "default_language": "Tiếng Việt (vi)",
    "instance_name": "concat(${household}, ' · ', ${username})",
    "allow_choice_duplicates": "no",
}

EXTRA_COLUMNS = [
    "required",
    "relevant",
    "constraint",
    "constraint_message::Tiếng Việt (vi)",
    "constraint_message::English (en)",
    "calculation",
    "choice_filter",
    "appearance",
    "repeat_count",
    "default",
    "parameters",
]


def write_xlsform(
    path: Path,
    survey_rows: list[tuple[str, str, str, str, dict[str, str]]],
    choice_lists: dict[str, list[tuple[str, str, str]]],
    form_settings: dict[str, str],
    created: dt.datetime,
) -> Path:
    """Write an XLSForm with fixed metadata, so the same definition gives the same bytes."""
    wb = Workbook()
    survey = wb.active
    survey.title = "survey"
    append_row(survey, ["type", "name", VI, EN, *EXTRA_COLUMNS])
    for kind, name, vi, en, extra in survey_rows:
        append_row(survey, [kind, name, vi, en, *(extra.get(c, "") for c in EXTRA_COLUMNS)])
    choices = wb.create_sheet("choices")
    append_row(choices, ["list_name", "name", VI, EN])
    for list_name, options in choice_lists.items():
        for name, vi, en in options:
            append_row(choices, [list_name, name, vi, en])
    settings = wb.create_sheet("settings")
    append_row(settings, list(form_settings))
    append_row(settings, list(form_settings.values()))
    wb.properties.creator = "GiảmNghèo"
    wb.properties.created = wb.properties.modified = created
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_xlsx(path: Path = XLSX_PATH) -> Path:
    return write_xlsform(path, SURVEY, CHOICES, SETTINGS, dt.datetime(2025, 11, 1))


def workbook_rows(path: Path = XLSX_PATH) -> dict[str, list[tuple]]:
    """Every sheet's cell values, for comparing the committed workbook with the definition."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in wb}


if __name__ == "__main__":
    write_xlsx()
