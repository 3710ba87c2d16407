"""What heads and signs a report as an administrative document (Decree 30/2020/NĐ-CP, Annex I)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from giamngheo.geo.models import AdminUnit, Level
from giamngheo.reports.models import ProvinceSettings


@dataclass(frozen=True)
class DocumentHead:
    parent_body: str  # box 2, first line, regular type
    issuing_body: str  # box 2, bold
    number_symbol: str  # box 3
    place_date: str  # box 4, italic
    subject: str  # box 5
    authority: str  # box 7a
    signer_title: str  # box 7b
    signer_name: str  # box 7c
    recipients: tuple[str, ...]  # box 9


def vietnamese_date(day: dt.date) -> str:
    """ "ngày 07 tháng 8 năm 2025": days below 10 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _place(unit: AdminUnit) -> str:
    name = unit.name
    for prefix in ("Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def document_head(unit: AdminUnit, year: int, *, today: dt.date | None = None) -> DocumentHead:
    """Defaults from the unit, overridden by the province's report settings when entered."""
    today = today or timezone.localdate()
    province = unit.province()
    settings = ProvinceSettings.objects.filter(unit=province).first() if province else None
    is_province = unit.level == Level.PROVINCE
    parent_body, issuing_body = "ỦY BAN NHÂN DÂN", unit.name.upper()
    symbol, authority, title, signer = "BC-UBND", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", ""
    place = _place(province or unit)
    if settings is not None and is_province:
        parent_body = settings.parent_body or parent_body
        issuing_body = settings.issuing_body or issuing_body
        symbol, authority = settings.symbol, settings.signer_authority
        title, signer = settings.signer_title, settings.signer_name
        place = settings.place_name or place
    return DocumentHead(
        parent_body=parent_body,
        issuing_body=issuing_body,
        number_symbol=f"Số:        /{symbol}",
        place_date=f"{place}, {vietnamese_date(today)}",
        subject=f"Kết quả rà soát hộ nghèo, hộ cận nghèo năm {year} trên địa bàn {unit.name}",
        authority=authority,
        signer_title=title,
        signer_name=signer,
        recipients=("- Như trên;", f"- Lưu: VT, {symbol.split('-')[-1]}."),
    )
