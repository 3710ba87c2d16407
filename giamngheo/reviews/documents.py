"""Printed outputs of a round: the public posting list and the certificates (Mẫu 03).

Official documents are in Vietnamese whatever the interface language, laid out per Decree
30/2020/NĐ-CP, Annex I (report-forms.md §4). They never carry citizen ID numbers or incomes:
the posting is public, and the Personal Data Protection Law (Law 91/2025/QH15) limits personal
data to what the purpose needs.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from giamngheo import law
from giamngheo.reviews.flows import flows_preview
from giamngheo.reviews.models import ReviewRound, RoundSnapshot, RoundType, SnapshotEntry
from giamngheo.reviews.printed import CATEGORY_VI, CLASS_VI, ESCAPED_VI, NEW_VI
from giamngheo.spreadsheets import append_row


class NotFrozen(LookupError):
    """An approved round without its snapshot: its documents cannot be printed from live rows."""


@dataclass(frozen=True)
class Row:
    no: int
    head_name: str
    village: str
    klass: str
    category: str


def vn_date(day: dt.date) -> str:
    """'ngày 07 tháng 8 năm 2017': zero before days under 10 and months 1–2 (Decree 30/2020)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _flows(review_round: ReviewRound) -> dict[int, tuple[str, str, str]]:
    if review_round.is_locked:
        return {
            o.household_id: (o.start_class, o.end_class, o.flow)
            for o in review_round.outcomes.all()
        }
    return flows_preview(review_round)


def frozen(review_round: ReviewRound) -> RoundSnapshot | None:
    """The approved round's snapshot; None while the round is a draft (printed live)."""
    if not review_round.is_locked:
        return None
    snapshot = RoundSnapshot.objects.filter(round=review_round).first()
    if snapshot is None:
        raise NotFrozen(review_round.pk)
    return snapshot


def _entries(snapshot: RoundSnapshot) -> list[SnapshotEntry]:
    return list(snapshot.entries.order_by("village", "head_name", "household_code"))


def _frozen_rows(snapshot: RoundSnapshot) -> tuple[list[Row], list[Row]]:
    entries = _entries(snapshot)
    listed = [e for e in entries if e.class_printed]
    escaped = [e for e in entries if e.escape_printed]
    return (
        [
            Row(no, e.head_name, e.village, e.class_printed, e.category_printed)
            for no, e in enumerate(listed, start=1)
        ],
        [
            Row(no, e.head_name, e.village, "", e.escape_printed)
            for no, e in enumerate(escaped, start=1)
        ],
    )


def posting_rows(review_round: ReviewRound) -> tuple[list[Row], list[Row]]:
    """(households on the lists, households leaving them) — names, village, class only."""
    snapshot = frozen(review_round)
    if snapshot is not None:
        return _frozen_rows(snapshot)
    flows = _flows(review_round)
    assessments = (
        review_round.assessments.filter(poverty_class__in=list(CLASS_VI))
        .select_related("household__unit")
        .order_by("household__unit__name", "household__head_name")
    )
    listed: list[Row] = []
    for a in assessments:
        flow = flows.get(a.household_id, ("", "", ""))[2]
        category = CATEGORY_VI[a.poverty_class].get(flow, NEW_VI[a.poverty_class])
        listed.append(
            Row(
                len(listed) + 1,
                a.household.head_name,
                a.household.unit.name,
                CLASS_VI[a.poverty_class],
                category,
            )
        )
    escaped_ids = {h: f for h, (_s, _e, f) in flows.items() if f in ESCAPED_VI}
    escaped: list[Row] = []
    for a in (
        review_round.assessments.filter(household_id__in=escaped_ids)
        .select_related("household__unit")
        .order_by("household__unit__name", "household__head_name")
    ):
        escaped.append(
            Row(
                len(escaped) + 1,
                a.household.head_name,
                a.household.unit.name,
                "",
                ESCAPED_VI[escaped_ids[a.household_id]],
            )
        )
    return listed, escaped


def _header(review_round: ReviewRound, day: dt.date) -> dict:
    snapshot = frozen(review_round)
    name = snapshot.commune_name if snapshot else review_round.unit.name
    return {
        "parent": "ỦY BAN NHÂN DÂN",
        "body": name.upper(),
        "place_date": f"{name}, {vn_date(day)}",
        "commune_name": name,
    }


def full_address(street: str, *places: str) -> str:
    """Street address or house number as stored, then village, commune and province.

    A place the stored address already names (an officer who typed "Số 12, Thôn 3") is not
    repeated."""
    parts = [street.strip()] if street and street.strip() else []
    for place in places:
        named = re.compile(rf"(?<!\w){re.escape(place)}(?!\w)", re.IGNORECASE)
        if place and not any(named.search(part) for part in parts):
            parts.append(place)
    return ", ".join(parts)


def _province_name(review_round: ReviewRound) -> str:
    province = review_round.unit.province()
    return province.name if province else ""


def standard_basis(review_round: ReviewRound) -> dict[str, str]:
    """How a document names the round's standard: its kind and the instrument that issues it
    ("chuẩn nghèo đa chiều", "Nghị định số 07/2021/NĐ-CP"), from the standard's data."""
    title = law.standard_named(review_round.standard, "vi")
    instrument = law.standard_instrument_named(review_round.standard, "vi")
    if instrument and title.endswith(f" ({instrument})"):
        title = title[: -len(instrument) - 3]
    # "Chuẩn nghèo đa chiều giai đoạn 2022 - 2025 (…)" → "chuẩn nghèo đa chiều"
    kind = title.split(" giai đoạn")[0]
    return {
        "standard_kind": kind[:1].lower() + kind[1:],
        "standard_title": title[:1].lower() + title[1:],
        "standard_instrument": instrument,
    }


def _list_year(review_round: ReviewRound) -> int:
    """A periodic round in year N sets the lists for N+1; an ad-hoc one changes this year's."""
    if review_round.round_type == RoundType.PERIODIC:
        return review_round.year + 1
    return review_round.year


def posting_html(review_round: ReviewRound, day: dt.date) -> str:
    listed, escaped = posting_rows(review_round)
    return render_to_string(
        "reviews/pdf/posting.html",
        {"round": review_round, "listed": listed, "escaped": escaped, **_header(review_round, day)},
    )


def certificates_html(
    review_round: ReviewRound, day: dt.date, household_id: int | None = None
) -> str:
    snapshot = frozen(review_round)
    province = _province_name(review_round)
    if snapshot is not None:
        items = [
            {
                "head_name": e.head_name,
                "address": full_address(e.address, e.village, snapshot.commune_name, province),
                "size": e.member_count,
                "klass": e.class_printed.upper(),
            }
            for e in _entries(snapshot)
            if e.class_printed and household_id in (None, e.household_id)
        ]
    else:
        qs = review_round.assessments.filter(poverty_class__in=list(CLASS_VI)).select_related(
            "household__unit"
        )
        if household_id:
            qs = qs.filter(household_id=household_id)
        items = [
            {
                "head_name": a.household.head_name,
                "address": full_address(
                    a.household.address, a.household.unit.name, review_round.unit.name, province
                ),
                "size": len(a.members),
                "klass": CLASS_VI[a.poverty_class].upper(),
            }
            for a in qs.order_by("household__unit__name", "household__head_name")
        ]
    return render_to_string(
        "reviews/pdf/certificates.html",
        {
            "round": review_round,
            "items": items,
            "valid_year": _list_year(review_round),
            **standard_basis(review_round),
            **_header(review_round, day),
        },
    )


def decision_html(review_round: ReviewRound) -> str:
    """The chairman's decision recognising the lists (Mẫu 02), with the lists attached.

    Printed only from an approved round's snapshot: before approval there is no decision.
    """
    snapshot = frozen(review_round)
    if snapshot is None:
        raise NotFrozen(review_round.pk)
    listed, escaped = _frozen_rows(snapshot)
    counts = {klass: 0 for klass in CLASS_VI.values()}
    for row in listed:
        counts[row.klass] += 1
    return render_to_string(
        "reviews/pdf/decision.html",
        {
            "round": review_round,
            "listed": listed,
            "escaped": escaped,
            "poor": counts[CLASS_VI["poor"]],
            "near_poor": counts[CLASS_VI["near_poor"]],
            "valid_year": _list_year(review_round),
            "number": review_round.decision_number,
            **standard_basis(review_round),
            **_header(review_round, review_round.decision_date),
        },
    )


def to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def posting_xlsx(review_round: ReviewRound, day: dt.date) -> bytes:
    listed, escaped = posting_rows(review_round)
    wb = Workbook()
    ws = wb.active
    ws.title = "Niêm yết"
    head = _header(review_round, day)
    bold = Font(bold=True)
    append_row(ws, [head["parent"], None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    append_row(ws, [head["body"], None, None, "Độc lập - Tự do - Hạnh phúc"])
    append_row(ws, [None, None, None, head["place_date"]])
    ws.append([])
    ws.append(
        [
            "DANH SÁCH NIÊM YẾT CÔNG KHAI KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM "
            f"{review_round.year}"
        ]
    )
    for cell in ("A1", "A2", "D1", "D2", "A5"):
        ws[cell].font = bold
    ws.append([])
    ws.append(["STT", "Họ và tên chủ hộ", "Thôn/tổ dân phố", "Phân loại", "Chia theo"])
    for cell in ws[ws.max_row]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for r in listed:
        append_row(ws, [r.no, r.head_name, r.village, r.klass, r.category])
    if escaped:
        ws.append([])
        ws.append(["HỘ THOÁT NGHÈO, THOÁT CẬN NGHÈO"])
        ws[f"A{ws.max_row}"].font = bold
        for r in escaped:
            append_row(ws, [r.no, r.head_name, r.village, r.category, ""])
    for col, width in zip("ABCDE", (6, 32, 24, 18, 30), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
