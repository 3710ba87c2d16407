"""Phiếu A (the quick screening form of Circular 07/2021/TT-BLĐTBXH, Annex II) as an XLSForm.

The marker codes are those of `reviews.screening`, so a submission goes through the same
service as the web form. `write_xlsx` regenerates the committed `forms/phieu_a.xlsx`; a test
keeps the two identical, and another keeps the Vietnamese labels equal to the web form's.
"""

import datetime as dt
from pathlib import Path

from giamngheo.api.openrosa.questionnaire import FORMS_DIR, write_xlsform

FORM_ID = "giamngheo_phieu_a"
FORM_VERSION = "2026120601"
XLSX_PATH = FORMS_DIR / "phieu_a.xlsx"

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
        "last_markers",
        "",
        "",
        {"calculation": "pulldata('households', 'last_markers', 'name', ${household})"},
    ),
    (
        "note",
        "last_year_note",
        "Năm ${last_year}, hộ có các tiêu chí: ${last_markers}",
        "In ${last_year} the household had these markers: ${last_markers}",
        {"relevant": "${last_year} != ''"},
    ),
    (
        "select_multiple markers",
        "markers",
        "Các tiêu chí hộ hiện có (chọn tất cả các tiêu chí đúng; bỏ trống nếu không có)",
        "Markers the household has now (select every one that applies; none if none)",
        {},
    ),
    ("calculate", "marker_count", "", "", {"calculation": "count-selected(${markers})"}),
    (
        "note",
        "stops_note",
        "${marker_count} tiêu chí: hộ dừng ở bước nhận diện (không nghèo), không rà soát Phiếu B.",
        "${marker_count} markers: the household stops at screening (not poor); no form B.",
        {"relevant": "${marker_count} >= 4"},
    ),
    (
        "note",
        "continues_note",
        "${marker_count} tiêu chí: hộ tiếp tục được rà soát bằng Phiếu B.",
        "${marker_count} markers: the household goes on to form B.",
        {"relevant": "${marker_count} < 4"},
    ),
    (
        "geopoint",
        "location",
        "Vị trí nhà (không bắt buộc)",
        "Location of the dwelling (optional)",
        {},
    ),
]

# Codes and order of reviews.screening.MARKERS; the Vietnamese labels are the web form's.
CHOICES: dict[str, list[tuple[str, str, str]]] = {
    "markers": [
        (
            "salaried_member",
            "Có thành viên hưởng lương thường xuyên từ ngân sách nhà nước",
            "A member receives a regular salary from the state budget",
        ),
        (
            "pension",
            "Có thành viên hưởng lương hưu hoặc trợ cấp bảo hiểm xã hội hằng tháng",
            "A member receives a pension or a monthly social-insurance allowance",
        ),
        ("car", "Hộ có ô tô", "The household owns a car"),
        (
            "large_boat",
            "Hộ có tàu, thuyền máy hoặc tàu đánh bắt công suất lớn",
            "The household owns a motor boat or a large fishing vessel",
        ),
        (
            "solid_large_house",
            "Hộ ở nhà kiên cố diện tích lớn hoặc biệt thự",
            "The household lives in a large solid house or villa",
        ),
        ("air_conditioner", "Hộ có máy điều hòa nhiệt độ", "The household owns an air conditioner"),
        (
            "large_land",
            "Hộ có diện tích đất sản xuất hoặc mặt nước nuôi trồng lớn",
            "The household has a large area of production land or ponds",
        ),
        (
            "business",
            "Hộ có cơ sở sản xuất, kinh doanh thuê lao động thường xuyên",
            "The household runs a business regularly employing workers",
        ),
        (
            "machinery",
            "Hộ có máy móc sản xuất có giá trị lớn",
            "The household owns large production machinery",
        ),
    ],
}

SETTINGS = {
    "form_title": "Phiếu A — Nhận diện nhanh đặc điểm hộ gia đình",
    "form_id": FORM_ID,
    "version": FORM_VERSION,
    "default_language": "Tiếng Việt (vi)",
    "instance_name": "concat('A · ', ${household}, ' · ', ${username})",
    "allow_choice_duplicates": "no",
}


def write_xlsx(path: Path = XLSX_PATH) -> Path:
    return write_xlsform(path, SURVEY, CHOICES, SETTINGS, dt.datetime(2026, 12, 6))


if __name__ == "__main__":
    write_xlsx()
