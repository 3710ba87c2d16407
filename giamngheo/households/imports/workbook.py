"""The template the app hands out (in the language of the page), and the export of a user's households (citizen IDs masked)."""

import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from giamngheo.households.imports.columns import (
    COLUMNS,
    GUIDE_TITLE,
    HOUSEHOLDS,
    LISTED_KINDS,
    LISTS_TITLE,
    MEMBERS,
    SHEET_TITLES,
    allowed_values,
    column_guide,
    labels,
)
from giamngheo.households.imports.guide import write_guide
from giamngheo.households.models import Household, Member, mask_citizen_id
from giamngheo.spreadsheets import (
    DROPDOWN_LAST_ROW,
    Dropdowns,
    SheetRows,
    set_cell,
    write_xlsx,
)

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
# Rows prepared for officers to fill: cells formatted as text and offered the dropdowns.
LAST_ROW = DROPDOWN_LAST_ROW
TEXT_KINDS = ("citizen_id", "code", "date")


def _header(sheet, table: str, lists: Dropdowns) -> None:
    for index, column in enumerate(COLUMNS[table], start=1):
        header = str(column.header)
        cell = set_cell(sheet, 1, index, header)
        cell.font = HEADER_FONT
        note = str(column.note)
        if column.kind in (*LISTED_KINDS, "causes"):
            note += " " + _("Allowed: %(codes)s.") % {"codes": allowed_values(column)}
        cell.comment = Comment(note, "GiảmNghèo")
        if column.required:
            cell.fill = REQUIRED_FILL
        letter = cell.column_letter
        if column.kind in TEXT_KINDS:
            sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = max(12, min(len(header) + 2, 40))
        if column.kind in LISTED_KINDS:
            lists.add(
                sheet,
                index,
                header,
                labels(column),
                error=_("Choose a value from the list: %(values)s.")
                % {"values": allowed_values(column)},
                last_row=LAST_ROW,
            )
    sheet.freeze_panes = "A2"


def template_workbook() -> bytes:
    """The registry template in the language of the page: an instructions sheet first, then the
    households and members sheets with one header row, a dropdown on every coded column and
    text cells for codes, ID numbers and dates; the dropdowns' values sit on a hidden lists sheet."""
    book = Workbook()
    guide = book.active
    guide.title = str(GUIDE_TITLE)
    sheets = {table: book.create_sheet(str(SHEET_TITLES[table])) for table in (HOUSEHOLDS, MEMBERS)}
    lists = Dropdowns(book, str(LISTS_TITLE))
    for table, sheet in sheets.items():
        _header(sheet, table, lists)
        for index, column in enumerate(COLUMNS[table], start=1):
            if column.kind in TEXT_KINDS:
                for row in range(2, 1002):
                    sheet.cell(row=row, column=index).number_format = "@"
    _guide(guide)
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def instructions() -> list[str]:
    """The paragraphs above the column table of the instructions sheet and the import page."""
    return [
        _(
            "This workbook loads the commune's household registry: one row per household on the "
            "sheet %(households)s and one row per person on the sheet %(members)s."
        )
        % {"households": SHEET_TITLES[HOUSEHOLDS], "members": SHEET_TITLES[MEMBERS]},
        _(
            "Keep the header row as it is. Columns marked required (yellow) must be filled; the "
            "others may stay empty."
        ),
        _(
            "Coded columns have a dropdown: click the cell and choose a value. Their values are "
            "listed on the hidden sheet %(lists)s (right-click a sheet tab, Unhide, to see it). "
            "The codes (for example male, head) are accepted too."
        )
        % {"lists": LISTS_TITLE},
        _(
            "Columns holding several values (causes of poverty) have no dropdown: type the values "
            "separated by ';'."
        ),
        _("Dates are typed as dd/mm/yyyy; the citizen ID is typed as 12 digits, kept as text."),
        _(
            "Households are matched by household code and members by household code and member "
            "number: importing the same file again changes nothing. If any row is wrong nothing is "
            "imported and every problem is listed with its row and column."
        ),
    ]


def _guide(guide) -> None:
    write_guide(
        guide,
        _("How to fill in the household import workbook"),
        instructions(),
        column_guide(),
        (14, 30, 60, 10, 30, 60, 24),
    )


# Rows read from the database per round trip: enough to keep it busy, few enough to keep memory flat.
CHUNK = 5000
HOUSEHOLD_FIELDS = (
    "code",
    "unit__code",
    "address",
    "head_name",
    "area",
    "head_ethnicity",
    "phone",
    "has_merit_person",
    "social_protection",
    "no_working_capacity",
    "causes",
    "status",
)
Progress = Callable[[int], None]


def export_workbook(households: QuerySet[Household]) -> bytes:
    """The template's layout filled with `households` (already scoped); IDs are masked."""
    out = io.BytesIO()
    export_write(households, out)
    return out.getvalue()


def export_members(households: QuerySet[Household]) -> QuerySet[Member]:
    return Member.objects.filter(household__in=households.order_by().values("pk"))


def progress_while_reading(alias: str) -> bool:
    """Whether a job may write its progress while the export's rows are still being read.

    Not on SQLite: a connection reading rows holds a snapshot, and once another connection (the
    worker's heartbeat, a page) has committed since, it cannot write ("database is locked");
    the progress is written when each file's rows are read (the CSV export), or once the whole
    workbook is (the workbook's writer opens both sheets' rows before it writes the first).
    """
    return connections[alias].vendor != "sqlite"


def export_write(
    households: QuerySet[Household], file: Any, progress: Progress | None = None
) -> tuple[int, int]:
    """Stream the export of `households` into `file` in constant memory; returns the number of
    households and members written. `progress(rows)` hears every `CHUNK` rows of both sheets."""
    written = {HOUSEHOLDS: 0, MEMBERS: 0}
    live = progress_while_reading(households.db)

    def counted(table: str, values: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        for row in values:
            yield row
            written[table] += 1
            if live and progress is not None and (total := sum(written.values())) % CHUNK == 0:
                progress(total)

    def household_rows() -> Iterator[Sequence[Any]]:
        values = households.order_by("code").values_list(*HOUSEHOLD_FIELDS)
        for row in values.iterator(chunk_size=CHUNK):
            # Causes joined, as the template asks for them; flags are written as 1/0.
            yield (*row[:10], ";".join(row[10] or ()), row[11])

    names = [c.name for c in COLUMNS[MEMBERS]]
    fields = ["household__code" if n == "household_code" else n for n in names]
    masked = names.index("citizen_id")

    def member_rows() -> Iterator[Sequence[Any]]:
        members = export_members(households).order_by("household__code", "member_no")
        for member in members.values_list(*fields).iterator(chunk_size=CHUNK):
            row = list(member)
            row[masked] = mask_citizen_id(row[masked])
            yield row

    dates = [c.name for c in COLUMNS[MEMBERS] if c.kind == "date"]
    write_xlsx(
        file,
        [
            SheetRows(
                HOUSEHOLDS,
                [c.name for c in COLUMNS[HOUSEHOLDS]] + ["status"],
                counted(HOUSEHOLDS, household_rows()),
            ),
            SheetRows(MEMBERS, names, counted(MEMBERS, member_rows()), dates=dates),
        ],
    )
    return written[HOUSEHOLDS], written[MEMBERS]
