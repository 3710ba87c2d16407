"""The text WeasyPrint lays out on the pages: what a printed document actually shows."""


def pdf_text(html: str) -> str:
    from weasyprint import HTML

    document = HTML(string=html).render()
    parts: list[str] = []

    def walk(box) -> None:
        text = getattr(box, "text", None)
        if text:
            parts.append(text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(parts)


def xlsx_text(content: bytes) -> str:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    return " ".join(
        str(cell.value)
        for ws in wb
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    )
