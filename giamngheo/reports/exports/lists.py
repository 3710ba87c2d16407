"""Forms 14/15: detailed lists of near-poor and poor households with their members.

Printed from the approved round's snapshot (`SnapshotEntry`): the households, their members and
marks as approved, whatever the registry says since.

Personal data: only for someone who may read records in the commune (READ_RECORDS). The birth
year goes in the column of the person's sex, as on the form (report-forms.md §2, Forms 14/15).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.errors import DomainError
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.households.vocab import ETHNIC_GROUPS, KINH, Relation, Sex
from giamngheo.reports.exports.tables import TEXT, Cell, Column, ReportTable, Row
from giamngheo.reports.selectors.drilldown import figure_entries
from giamngheo.reviews.models import Flow

ETHNIC_NAMES = dict(ETHNIC_GROUPS)
RELATIONS_VI = {
    Relation.HEAD: "Chủ hộ",
    Relation.SPOUSE: "Vợ/chồng",
    Relation.CHILD: "Con",
    Relation.PARENT: "Bố/mẹ",
    Relation.GRANDCHILD: "Cháu",
    Relation.SIBLING: "Anh/chị/em",
    Relation.OTHER: "Khác",
}
NEW = {
    "poor": {Flow.NEW_POOR, Flow.NEAR_POOR_TO_POOR, Flow.ENTERED_LISTS},
    "near_poor": {Flow.NEW_NEAR_POOR, Flow.ESCAPED_TO_NEAR_POOR, Flow.ENTERED_LISTS},
}
RELAPSED = {"poor": {Flow.RELAPSED_POOR}, "near_poor": {Flow.RELAPSED_NEAR_POOR}}


class NeedsCommune(DomainError):
    """Household lists are made by the commune."""

    title = gettext_lazy("Reports")

    def __init__(self, unit: AdminUnit | None = None) -> None:
        super().__init__(
            _("Household lists are made per commune: choose a commune."), code="needs_commune"
        )


def household_list(klass: str, actor: User, unit: AdminUnit, year: int) -> ReportTable:
    if unit.level != Level.COMMUNE:
        raise NeedsCommune(unit)
    if not can(actor, Capability.READ_RECORDS, unit):
        raise PermissionDenied(_("Your role can see figures here, but not the households."))
    entries, apportioned = figure_entries(actor=actor, unit=unit, year=year, measure=klass)
    word = "nghèo" if klass == "poor" else "cận nghèo"
    split = ("Chia hộ " + word + " theo",)
    columns = [
        Column("1", "STT thành viên hộ", kind=TEXT),
        Column("2", "Thôn/tổ dân phố", kind=TEXT),
        Column("3", "Nam", ("Năm sinh",), TEXT),
        Column("4", "Nữ", ("Năm sinh",), TEXT),
        Column("5", "Dân tộc", kind=TEXT),
        Column("6", "Quan hệ với chủ hộ", kind=TEXT),
        Column("7", f"{word.capitalize()} mới", split, TEXT),
        Column("8", f"Tái {word}", split, TEXT),
        Column("9", f"{word.capitalize()} cũ", split, TEXT),
        Column("10", "Hộ chính sách có công", kind=TEXT),
        Column("11", "Hộ DTTS", kind=TEXT),
        Column("12", "Hộ không có khả năng lao động", kind=TEXT),
    ]
    rows: list[Row] = []
    for n, entry in enumerate(entries, start=1):
        flow = entry.flow or None
        ticks = [
            "x" if flow in NEW[klass] else "",
            "x" if flow in RELAPSED[klass] else "",
            "x" if flow is not None and flow not in NEW[klass] | RELAPSED[klass] else "",
        ]
        household_marks = [
            "x" if entry.has_merit_person else "",
            "x" if entry.head_ethnicity != KINH else "",
            "x" if entry.no_working_capacity else "",
        ]
        rows.append(
            Row(
                stt=str(n),
                label=entry.head_name,
                cells=[
                    Cell(v) for v in ["", entry.village, "", "", "", "", *ticks, *household_marks]
                ],
                bold=True,
            )
        )
        for number, member in enumerate(entry.members, start=1):
            born = member.get("born", "")
            sex = member.get("sex", "")
            rows.append(
                Row(
                    stt="",
                    label=member.get("name", ""),
                    cells=[
                        Cell(v)
                        for v in [
                            str(number),
                            "",
                            born if sex == Sex.MALE else "",
                            born if sex == Sex.FEMALE else "",
                            ETHNIC_NAMES.get(member.get("ethnicity", ""), ""),
                            RELATIONS_VI.get(member.get("relation", ""), ""),
                            *[""] * 6,
                        ]
                    ],
                )
            )
    table = ReportTable(
        form="14" if klass == "near_poor" else "15",
        form_no="Biểu số 14" if klass == "near_poor" else "Biểu số 15",
        title=f"DANH SÁCH CHI TIẾT HỘ {word.upper()}",
        subtitle=f"Năm {year} — {unit.name}",
        columns=columns,
        rows=rows,
        year=year,
        unit_name=unit.name,
        label_heading="Họ, tên chủ hộ và thành viên",
    )
    if apportioned:
        table.notes.append("Danh sách gồm các hộ của xã cũ bị chia tách có phần thuộc xã này.")
    return table
