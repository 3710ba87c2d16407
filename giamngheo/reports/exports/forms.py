"""The official tables (report-forms.md §1–2), built from the selectors.

Titles and headings are the forms' own Vietnamese wording, as printed; rates are recomputed
from each row's summed counts. Form numbers ("Mẫu số 7.x") are not confirmed (§0.3), so the
documents print "Biểu số" with our form number.
"""

from __future__ import annotations

from collections.abc import Callable

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.geo.models import AdminUnit, Area
from giamngheo.reports.exports.lists import household_list
from giamngheo.reports.exports.tables import RATE, Cell, Column, ReportTable, Row
from giamngheo.reports.selectors import breakdowns, children, flows
from giamngheo.reports.selectors.common import whole_number
from giamngheo.reports.selectors.figures import _sum_rows, unit_summary

# Short headings of Forms 4–7 for the 2022–2025 standard, as printed (report-forms.md §2).
SHORT_HEADINGS = {
    "employment": "Việc làm",
    "dependency_ratio": "Người phụ thuộc trong hộ",
    "nutrition": "Dinh dưỡng",
    "health_insurance": "Bảo hiểm y tế",
    "adult_education": "Trình độ giáo dục của người lớn",
    "child_school_attendance": "Tình trạng đi học của trẻ em",
    "housing_quality": "Chất lượng nhà ở",
    "housing_area": "Diện tích nhà ở bình quân đầu người",
    "domestic_water": "Nguồn nước sinh hoạt",
    "hygienic_latrine": "Nhà tiêu hợp vệ sinh",
    "telecom_use": "Sử dụng dịch vụ viễn thông",
    "info_access_means": "Phương tiện phục vụ tiếp cận thông tin",
}
CAUSE_HEADINGS = {
    "lack_land": "Thiếu đất sản xuất",
    "lack_capital": "Thiếu vốn",
    "lack_labour": "Thiếu lao động",
    "lack_tools": "Thiếu công cụ/phương tiện sản xuất",
    "lack_knowledge": "Thiếu kiến thức sản xuất",
    "lack_skills": "Thiếu kỹ năng lao động",
    "illness": "Ốm đau, tai nạn (bệnh tật)",
    "other": "Khác",
}
CLASS_NAMES = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo"}
TOTAL_LABEL = "Tổng cộng"
APPORTIONED_NOTE = (
    "Số liệu có dấu * được phân bổ từ xã cũ bị chia tách (theo tỷ lệ hoặc đơn vị kế thừa mặc "
    "định), không phải số đếm chính xác."
)


def _subtitle(unit: AdminUnit, year: int) -> str:
    return f"Năm {year} — {unit.name}"


def _unit_rows(actor: User, table_rows: list, total, make: Callable) -> list[Row]:
    """The total row (bold) first, then one numbered row per commune (report-forms.md §2)."""
    out: list[Row] = []
    for i, source in enumerate([total, *table_rows]):
        unit = source.unit
        allowed = unit is not None and can(actor, Capability.READ_RECORDS, unit)
        for part, cells in make(source):
            out.append(
                Row(
                    stt="" if i == 0 else str(i),
                    label=TOTAL_LABEL if i == 0 else source.label,
                    cells=cells,
                    bold=i == 0,
                    part=part,
                    unit_id=unit.pk if unit is not None else None,
                    apportioned=not source.exact,
                    link_allowed=allowed,
                )
            )
    return out


def form_1(actor: User, unit: AdminUnit, year: int) -> ReportTable:
    s = unit_summary(actor=actor, unit=unit, year=year)
    h, k = "Kết quả rà soát về hộ (chính thức)", "Kết quả rà soát về khẩu (chính thức)"
    groups = [
        ("Hộ nghèo", "poor"),
        ("Hộ cận nghèo", "near_poor"),
        ("Hộ NLNN có mức sống trung bình", "middle_nlnn"),
    ]
    columns = [
        Column("1", "Số hộ", ("Tổng số hộ dân cư",)),
        Column("2", "Nhân khẩu", ("Tổng số hộ dân cư",)),
    ]
    n = 3
    for block, unit_word, base in ((h, "Số hộ", "1"), (k, "Số khẩu", "2")):
        for name, _key in groups:
            columns.append(Column(str(n), unit_word, (block, name)))
            columns.append(Column(f"{n + 1}={n}/{base}*100", "Tỷ lệ (%)", (block, name), RATE))
            n += 2

    def make(row):
        cells = [Cell(whole_number(row.households)), Cell(whole_number(row.persons))]
        for _name, key in groups:
            cells += [Cell(row.count(key), key), Cell(row.rate(key))]
        for _name, key in groups:
            cells += [Cell(row.count(f"{key}_persons"), key), Cell(row.persons_rate(key))]
        return [("", cells)]

    return ReportTable(
        form="1",
        form_no="Biểu số 01",
        title="TỔNG HỢP KẾT QUẢ CHÍNH THỨC RÀ SOÁT HỘ NGHÈO; HỘ CẬN NGHÈO; HỘ LÀM NÔNG, "
        "LÂM, NGƯ NGHIỆP CÓ MỨC SỐNG TRUNG BÌNH",
        subtitle=_subtitle(unit, year),
        columns=columns,
        rows=_area_blocks(actor, s, make),
        year=year,
        unit_name=unit.name,
    )


AREA_BLOCKS = (("I", Area.URBAN, "Khu vực thành thị"), ("II", Area.RURAL, "Khu vực nông thôn"))


def _area_blocks(actor: User, summary, make: Callable) -> list[Row]:
    """Form 1 of a province: the total, then urban and rural blocks (report-forms.md §5.11)."""
    blocks = [
        (n, label, [r for r in summary.rows if r.unit.area == area])
        for n, area, label in AREA_BLOCKS
    ]
    if sum(1 for _n, _l, rows in blocks if rows) < 2:
        return _unit_rows(actor, summary.rows, summary.total, make)
    out = _unit_rows(actor, [], summary.total, make)
    for number, label, rows in blocks:
        subtotal = _sum_rows(rows, None, label)
        for part, cells in make(subtotal):
            out.append(
                Row(number, label, cells, bold=True, part=part, apportioned=not subtotal.exact)
            )
        out += _unit_rows(actor, rows, subtotal, make)[1:]
    return out


def _flow_form(klass: str, actor: User, unit: AdminUnit, year: int) -> ReportTable:
    f = flows.unit_flows(actor=actor, unit=unit, year=year)
    if klass == "poor":
        title, word = "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO", "nghèo"
        out_group, in_group = "Số hộ thoát nghèo", "Số hộ nghèo bổ sung"
        headings = {
            2: "Trở thành hộ cận nghèo",
            3: "Vượt chuẩn cận nghèo",
            5: "Số hộ cận nghèo trở thành hộ nghèo",
            6: "Tái nghèo",
            7: "Phát sinh mới",
        }
    else:
        title, word = "TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO", "cận nghèo"
        out_group, in_group = "Số hộ thoát cận nghèo", "Số hộ cận nghèo bổ sung"
        headings = {
            2: "Trở thành hộ nghèo",
            3: "Vượt chuẩn cận nghèo",
            5: "Số hộ nghèo trở thành hộ cận nghèo",
            6: "Tái cận nghèo",
            7: "Phát sinh mới",
        }
    columns = [
        Column("1", f"Tổng số hộ {word} đầu kỳ"),
        Column("2", headings[2], (out_group,)),
        Column("3", headings[3], (out_group,)),
        Column("4", "Số hộ khác giảm"),
        Column("5", headings[5]),
        Column("6", headings[6], (in_group,)),
        Column("7", headings[7], (in_group,)),
        Column("8", "Số hộ khác tăng"),
        Column("9=1-2-3-4+5+6+7+8", f"Tổng số hộ {word} cuối kỳ"),
    ]

    def make(row):
        return [
            ("Hộ", [Cell(row.value(klass, c), f"flow:{klass}:{c}") for c in range(1, 10)]),
            ("Nhân khẩu", [Cell(row.value(klass, c, persons=True)) for c in range(1, 10)]),
        ]

    notes = [
        f"Cột 9 kiểm tra: {r.label} — {r.value(klass, 9)} ≠ {r.expected_end(klass)}"
        for r in f.failures
        if not r.identity_holds(klass)
    ]
    return ReportTable(
        form="2" if klass == "poor" else "3",
        form_no="Biểu số 02" if klass == "poor" else "Biểu số 03",
        title=title,
        subtitle=_subtitle(unit, year),
        columns=columns,
        rows=_unit_rows(actor, f.rows, f.total, make),
        year=year,
        unit_name=unit.name,
        notes=notes,
        has_part=True,
    )


def _deprivation_form(
    klass: str, rates: bool, actor: User, unit: AdminUnit, year: int
) -> ReportTable:
    t = breakdowns.deprivations(actor=actor, unit=unit, year=year, klass=klass)
    name = CLASS_NAMES[klass]
    headings = [(i, SHORT_HEADINGS.get(i, title)) for i, title in t.columns]
    columns = [Column("1", f"Tổng số {name}")]
    if rates:
        group = ("Tỷ lệ các chỉ số thiếu hụt dịch vụ xã hội cơ bản (%)",)
        columns += [Column(str(n), h, group, RATE) for n, (_i, h) in enumerate(headings, start=2)]
    else:
        columns.append(Column("2", "Tổng số thiếu hụt"))
        group = ("Các chỉ số thiếu hụt dịch vụ xã hội cơ bản",)
        columns += [Column(str(n), h, group) for n, (_i, h) in enumerate(headings, start=3)]

    def make(row):
        cells = [Cell(row.count("households"), klass)]
        if rates:
            cells += [Cell(row.rate(i, "households"), f"dep:{i}:{klass}") for i, _ in headings]
        else:
            cells.append(Cell(row.count("total_deprivations")))
            cells += [Cell(row.count(i), f"dep:{i}:{klass}") for i, _ in headings]
        return [("", cells)]

    number = {
        ("poor", False): 4,
        ("poor", True): 5,
        ("near_poor", False): 6,
        ("near_poor", True): 7,
    }[(klass, rates)]
    title = "PHÂN TÍCH TỶ LỆ CÁC CHỈ SỐ" if rates else "PHÂN TÍCH CÁC CHỈ SỐ"
    return ReportTable(
        form=str(number),
        form_no=f"Biểu số {number:02d}",
        title=f"{title} THIẾU HỤT DỊCH VỤ XÃ HỘI CƠ BẢN CỦA {name.upper()}",
        subtitle=_subtitle(unit, year),
        columns=columns,
        rows=_unit_rows(actor, t.rows, t.total, make),
        year=year,
        unit_name=unit.name,
    )


def form_8(actor: User, unit: AdminUnit, year: int) -> ReportTable:
    t = breakdowns.household_groups(actor=actor, unit=unit, year=year)
    columns = []
    n = 1
    for block in ("Hộ nghèo", "Hộ cận nghèo"):
        columns += [
            Column(str(n), "Tổng số", (block,)),
            Column(str(n + 1), "Hộ DTTS", (block,)),
            Column(str(n + 2), "Hộ không có khả năng lao động", (block,)),
            Column(str(n + 3), "Hộ có người có công với cách mạng", (block,)),
            Column(f"{n + 4}={n}-{n + 1}-{n + 2}-{n + 3}", "Khác", (block,)),
        ]
        n += 5

    def make(row):
        out = []
        for part, suffix in (("Hộ", ""), ("Nhân khẩu", "_persons")):
            cells = []
            for klass in ("poor", "near_poor"):
                link = (lambda m: m) if not suffix else (lambda m: None)
                cells += [
                    Cell(row.count(f"{klass}{suffix}"), link(klass)),
                    Cell(row.count(f"{klass}_minority{suffix}"), link(f"group:minority:{klass}")),
                    Cell(
                        row.count(f"{klass}_no_capacity{suffix}"),
                        link(f"group:no_capacity:{klass}"),
                    ),
                    Cell(row.count(f"{klass}_merit{suffix}"), link(f"group:merit:{klass}")),
                    Cell(row.count(f"{klass}_other{suffix}")),
                ]
            out.append((part, cells))
        return out

    return ReportTable(
        form="8",
        form_no="Biểu số 08",
        title="PHÂN TÍCH HỘ NGHÈO, HỘ CẬN NGHÈO THEO CÁC NHÓM ĐỐI TƯỢNG",
        subtitle=_subtitle(unit, year),
        columns=columns,
        rows=_unit_rows(actor, t.rows, t.total, make),
        year=year,
        unit_name=unit.name,
        notes=[
            "Mỗi hộ được tính vào một nhóm theo thứ tự ưu tiên: có người có công với cách "
            "mạng, không có khả năng lao động, dân tộc thiểu số."
        ],
        has_part=True,
    )


def form_9(actor: User, unit: AdminUnit, year: int) -> ReportTable:
    t = breakdowns.ethnicity(actor=actor, unit=unit, year=year)
    columns = []
    for n, block in ((1, "Hộ nghèo"), (2, "Hộ cận nghèo")):
        columns += [
            Column(f"{n}.0", "Tổng số", (block,)),
            Column(f"{n}.1", "Kinh", (block,)),
            Column(f"{n}.2", "Tổng DTTS", (block,)),
        ]
        columns += [
            Column(f"{n}.2.{j}", name, (block, "Chia ra"))
            for j, (_c, name) in enumerate(t.columns, 1)
        ]
        columns.append(Column(f"{n}.2.{len(t.columns) + 1}", "Khác", (block, "Chia ra")))

    def make(row):
        cells = []
        for klass in ("poor", "near_poor"):
            cells += [
                Cell(row.count(klass), klass),
                Cell(row.count(f"{klass}_kinh"), f"eth:kinh:{klass}"),
                Cell(row.count(f"{klass}_minority"), f"eth:minority:{klass}"),
            ]
            cells += [Cell(row.count(f"{klass}_{c}"), f"eth:{c}:{klass}") for c, _ in t.columns]
            cells.append(Cell(row.count(f"{klass}_other")))
        return [("", cells)]

    return ReportTable(
        form="9",
        form_no="Biểu số 09",
        title="PHÂN TÍCH HỘ NGHÈO, HỘ CẬN NGHÈO THEO DÂN TỘC",
        subtitle=_subtitle(unit, year),
        columns=columns,
        rows=_unit_rows(actor, t.rows, t.total, make),
        year=year,
        unit_name=unit.name,
        notes=["Dân tộc của chủ hộ."],
    )


def form_10(actor: User, unit: AdminUnit, year: int) -> ReportTable:
    t = breakdowns.causes(actor=actor, unit=unit, year=year)
    columns = []
    n = 1
    for block in ("Hộ nghèo", "Hộ cận nghèo"):
        columns.append(Column(str(n), "Tổng số hộ", (block,)))
        n += 1
        for heading in CAUSE_HEADINGS.values():
            columns.append(Column(str(n), heading, (block, "Nguyên nhân")))
            n += 1

    def make(row):
        cells = []
        for klass in ("poor", "near_poor"):
            cells.append(Cell(row.count(klass), klass))
            cells += [Cell(row.count(f"{klass}_{c}"), f"cause:{c}:{klass}") for c in CAUSE_HEADINGS]
        return [("", cells)]

    return ReportTable(
        form="10",
        form_no="Biểu số 10",
        title="PHÂN NHÓM HỘ NGHÈO, HỘ CẬN NGHÈO THEO CÁC NGUYÊN NHÂN NGHÈO",
        subtitle=_subtitle(unit, year),
        columns=columns,
        rows=_unit_rows(actor, t.rows, t.total, make),
        year=year,
        unit_name=unit.name,
        notes=["Một hộ có thể nêu nhiều nguyên nhân."],
    )


def form_11(actor: User, unit: AdminUnit, year: int) -> ReportTable:
    t = children.children(actor=actor, unit=unit, year=year)
    columns = []
    n = 1
    for block in (
        "Chỉ số thiếu hụt về trẻ em thuộc hộ nghèo",
        "Chỉ số thiếu hụt về trẻ em thuộc hộ cận nghèo",
    ):
        columns += [
            Column(str(n), "Tổng số trẻ em", (block,)),
            Column(str(n + 1), "Dinh dưỡng", (block, "Y tế")),
            Column(str(n + 2), "Bảo hiểm y tế", (block, "Y tế")),
            Column(str(n + 3), "Tình trạng đi học", (block, "Giáo dục")),
        ]
        n += 4

    def make(row):
        cells = []
        for klass in ("poor", "near_poor"):
            cells += [
                Cell(row.count(f"{klass}_{k}"))
                for k in ("children", "nutrition", "health_insurance", "school")
            ]
        return [("", cells)]

    return ReportTable(
        form="11",
        form_no="Biểu số 11",
        title="TỔNG HỢP CHỈ TIÊU THIẾU HỤT CỦA TRẺ EM THUỘC HỘ NGHÈO, HỘ CẬN NGHÈO",
        subtitle=_subtitle(unit, year),
        columns=columns,
        rows=_unit_rows(actor, t.rows, t.total, make),
        year=year,
        unit_name=unit.name,
        notes=["Trẻ em dưới 16 tuổi tại ngày rà soát; đi học: từ 5 tuổi."],
    )


FORMS: dict[str, Callable[[User, AdminUnit, int], ReportTable]] = {
    "1": form_1,
    "2": lambda a, u, y: _flow_form("poor", a, u, y),
    "3": lambda a, u, y: _flow_form("near_poor", a, u, y),
    "4": lambda a, u, y: _deprivation_form("poor", False, a, u, y),
    "5": lambda a, u, y: _deprivation_form("poor", True, a, u, y),
    "6": lambda a, u, y: _deprivation_form("near_poor", False, a, u, y),
    "7": lambda a, u, y: _deprivation_form("near_poor", True, a, u, y),
    "8": form_8,
    "9": form_9,
    "10": form_10,
    "11": form_11,
}
FORM_TITLES = {
    "1": "Tổng hợp kết quả chính thức rà soát",
    "2": "Diễn biến hộ nghèo",
    "3": "Diễn biến hộ cận nghèo",
    "4": "Thiếu hụt của hộ nghèo (số hộ)",
    "5": "Thiếu hụt của hộ nghèo (%)",
    "6": "Thiếu hụt của hộ cận nghèo (số hộ)",
    "7": "Thiếu hụt của hộ cận nghèo (%)",
    "8": "Theo nhóm đối tượng",
    "9": "Theo dân tộc",
    "10": "Theo nguyên nhân nghèo",
    "11": "Thiếu hụt của trẻ em",
    "14": "Danh sách hộ cận nghèo",
    "15": "Danh sách hộ nghèo",
}


def build(form: str, actor: User, unit: AdminUnit, year: int) -> ReportTable:
    if form in ("14", "15"):
        return household_list("near_poor" if form == "14" else "poor", actor, unit, year)
    table = FORMS[form](actor, unit, year)
    if table.apportioned:
        table.notes.append(APPORTIONED_NOTE)
    return table
