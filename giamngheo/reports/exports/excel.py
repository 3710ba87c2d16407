"""A table as the .xlsx sheet communes and provinces send upward (report-forms.md §2, §4)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from giamngheo.reports.exports.document import document_head
from giamngheo.reports.exports.tables import RATE, TEXT, ReportTable, header_grid, label_codes
from giamngheo.reports.exports.tables import label_columns as _labels
from giamngheo.spreadsheets import put, set_cell

FONT = "Times New Roman"  # the form's font; Liberation Serif is its metric twin on Debian
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _value(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def workbook(table: ReportTable, unit) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = table.form_no.replace("Biểu số ", "Bieu_")
    labels = _labels(table)
    width = len(labels) + len(table.columns)
    last = get_column_letter(width)
    head = document_head(unit, table.year)

    put(ws["A1"], head.parent_body)
    put(ws["A2"], head.issuing_body)
    ws["A2"].font = Font(name=FONT, bold=True)
    set_cell(ws, 1, width, table.form_no).font = Font(name=FONT, bold=True, italic=True)
    ws.cell(row=1, column=width).alignment = Alignment(horizontal="right")
    ws.merge_cells(f"A4:{last}4")
    put(ws["A4"], table.title)
    ws["A4"].font = Font(name=FONT, bold=True, size=13)
    ws["A4"].alignment = CENTER
    ws.row_dimensions[4].height = 36
    ws.merge_cells(f"A5:{last}5")
    put(ws["A5"], f"({table.subtitle}; kèm theo báo cáo kết quả rà soát định kỳ)")
    ws["A5"].font = Font(name=FONT, italic=True)
    ws["A5"].alignment = CENTER

    top = 7
    grid = header_grid(table)
    for r, cells in enumerate(grid):
        for cell in cells:
            at_row, at_col = top + r, cell.col + 1
            target = set_cell(ws, at_row, at_col, cell.text)
            target.font = Font(name=FONT, bold=True)
            target.alignment = CENTER
            if cell.colspan > 1 or cell.rowspan > 1:
                ws.merge_cells(
                    start_row=at_row,
                    start_column=at_col,
                    end_row=at_row + cell.rowspan - 1,
                    end_column=at_col + cell.colspan - 1,
                )
    for r in range(top, top + len(grid)):
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).border = BOX
    code_row = top + len(grid)
    for c, code in enumerate([*label_codes(table), *(col.code for col in table.columns)], 1):
        cell = set_cell(ws, code_row, c, code)
        cell.font = Font(name=FONT, italic=True)
        cell.alignment = CENTER
        cell.border = BOX

    row_no = code_row + 1
    for row in table.rows:
        values = [row.stt, row.label + (" *" if row.apportioned else "")]
        if table.has_part:
            values.append(row.part)
        values += [_value(c.value) for c in row.cells]
        for c, value in enumerate(values, 1):
            cell = set_cell(ws, row_no, c, value)
            cell.font = Font(name=FONT, bold=row.bold)
            cell.border = BOX
            if c > len(labels):
                kind = table.columns[c - len(labels) - 1].kind
                if kind == RATE:
                    cell.number_format = "0.00"
                elif kind != TEXT:
                    cell.number_format = "#,##0"
        row_no += 1

    for note in table.notes:
        row_no += 1
        set_cell(ws, row_no, 1, f"Ghi chú: {note}").font = Font(name=FONT, italic=True)
    row_no += 2
    set_cell(ws, row_no, 2, "Người lập biểu").font = Font(name=FONT, bold=True)
    set_cell(ws, row_no + 1, 2, "(Ký, ghi rõ họ tên)").font = Font(name=FONT, italic=True)
    right = max(width - 3, 3)
    set_cell(ws, row_no - 1, right, head.place_date).font = Font(name=FONT, italic=True)
    set_cell(ws, row_no, right, head.signer_title).font = Font(name=FONT, bold=True)
    set_cell(ws, row_no + 1, right, "(Ký, ghi rõ họ tên, đóng dấu)").font = Font(
        name=FONT, italic=True
    )

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 28
    for c in range(len(labels) + 1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 11
    ws.freeze_panes = ws.cell(row=code_row + 1, column=len(labels) + 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if table.wide else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top}:{code_row}"
    ws.oddFooter.center.text = "Trang &P/&N"

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
