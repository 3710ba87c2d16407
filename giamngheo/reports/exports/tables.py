"""One description of an official table, rendered the same way to HTML, Excel and PDF.

Layout conventions of the forms (report-forms.md §2): two or three header rows of merged group
headings, a column-code row ("A, B, 1, 2, 4=3/1*100 …"), bold higher-level rows, a total row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

RATE = "rate"
COUNT = "count"
TEXT = "text"


@dataclass(frozen=True)
class Column:
    code: str
    heading: str
    groups: tuple[str, ...] = ()
    kind: str = COUNT


@dataclass
class Cell:
    value: int | Decimal | str | None
    measure: str | None = None  # drill-down code (selectors.drilldown)
    text: str = ""  # as displayed on the page
    href: str = ""  # the households behind the figure, when the reader may see them


@dataclass
class Row:
    stt: str
    label: str
    cells: list[Cell]
    bold: bool = False
    part: str = ""  # "Phân tổ": Hộ / Nhân khẩu
    unit_id: int | None = None
    apportioned: bool = False
    link_allowed: bool = False


@dataclass
class ReportTable:
    form: str
    form_no: str
    title: str
    subtitle: str
    columns: list[Column]
    rows: list[Row]
    year: int
    unit_name: str
    notes: list[str] = field(default_factory=list)
    has_part: bool = False
    label_heading: str = "Đơn vị"

    @property
    def apportioned(self) -> bool:
        return any(r.apportioned for r in self.rows)

    @property
    def wide(self) -> bool:
        """A3 beyond 12 data columns, as the forms are printed (report-forms.md §2)."""
        return len(self.columns) > 12


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    col: int = 0  # 0-based, over all columns including the label columns


def label_columns(table: ReportTable) -> list[str]:
    labels = ["STT", table.label_heading]
    if table.has_part:
        labels.append("Phân tổ")
    return labels


def label_codes(table: ReportTable) -> list[str]:
    return ["A", "B", "C"][: len(label_columns(table))]


def header_grid(table: ReportTable) -> list[list[HeaderCell]]:
    """Header rows with spans: label columns span every row; groups merge over their columns."""
    depth = max((len(c.groups) for c in table.columns), default=0) + 1
    labels = label_columns(table)
    rows: list[list[HeaderCell]] = [[] for _ in range(depth)]
    for i, text in enumerate(labels):
        rows[0].append(HeaderCell(text, rowspan=depth, col=i))
    offset = len(labels)
    for level in range(depth):
        i = 0
        while i < len(table.columns):
            column = table.columns[i]
            if level < len(column.groups):
                key = column.groups[: level + 1]
                j = i
                while j < len(table.columns) and table.columns[j].groups[: level + 1] == key:
                    j += 1
                rows[level].append(HeaderCell(key[-1], colspan=j - i, col=offset + i))
                i = j
            elif level == len(column.groups):
                rows[level].append(
                    HeaderCell(column.heading, rowspan=depth - level, col=offset + i)
                )
                i += 1
            else:
                i += 1
    return rows
