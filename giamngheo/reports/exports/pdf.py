"""A table as a Vietnamese administrative document, printed to PDF with WeasyPrint.

Layout per Decree 30/2020/NĐ-CP, Annex I (report-forms.md §4): issuing body and number on the
left, national name and motto on the right, place and date, the document type and subject, the
attached table, recipients and the signature block; Times New Roman's metric twin.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from giamngheo.reports.exports.document import document_head
from giamngheo.reports.exports.tables import ReportTable, header_grid, label_codes


def document_html(table: ReportTable, unit) -> str:
    return render_to_string(
        "reports/pdf_document.html",
        {
            "table": table,
            "head": document_head(unit, table.year),
            "grid": header_grid(table),
            "codes": [*label_codes(table), *(c.code for c in table.columns)],
        },
    )


def pdf_bytes(table: ReportTable, unit) -> bytes:
    # WeasyPrint loads Pango and its fonts on import: only when a PDF is asked for.
    from weasyprint import HTML

    return HTML(string=document_html(table, unit)).write_pdf()
