"""Plausible public news for the demo; figures from the published results (statistics.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TextIO

from django.db.models import Case, When
from django.utils import timezone

from giamngheo.accounts.models import Role, User
from giamngheo.geo.models import AdminUnit
from giamngheo.households.vocab import PovertyClass, Relation
from giamngheo.portal.models import Article, Category
from giamngheo.portal.services import format_code, latest_entry, lookup_code_issue
from giamngheo.reports.selectors.common import FINAL_STATUSES
from giamngheo.reviews.models import SnapshotEntry

CATEGORY = ("Giảm nghèo – Bảo trợ xã hội", "giam-ngheo-bao-tro-xa-hoi")
SOURCE = "Sở Nông nghiệp và Môi trường"

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "hai-phong-ty-le-ho-ngheo-2018",
        "date": dt.date(2019, 1, 18),
        "title": "Hải Phòng: tỷ lệ hộ nghèo cuối năm 2018 còn 1,41%",
        "summary": "Tỷ lệ hộ nghèo của thành phố giảm 0,65 điểm % so với năm 2017.",
        "body": (
            "Theo kết quả rà soát hộ nghèo, hộ cận nghèo cuối năm 2018 theo chuẩn nghèo đa chiều "
            "giai đoạn 2016–2020, **tỷ lệ hộ nghèo của thành phố còn 1,41%, giảm 0,65 điểm %** so "
            "với cuối năm 2017.\n\n"
            "Kết quả có được nhờ sự vào cuộc của cả hệ thống chính trị, các chính sách hỗ trợ "
            "vay vốn, đào tạo nghề và giải quyết việc làm cho người lao động thuộc hộ nghèo."
        ),
    },
    {
        "slug": "ket-qua-ra-soat-ca-nuoc-2024",
        "date": dt.date(2025, 2, 10),
        "title": "Cả nước còn 1,93% hộ nghèo theo chuẩn nghèo đa chiều",
        "summary": "Kết quả rà soát năm 2024: tỷ lệ hộ nghèo và hộ cận nghèo còn 4,06%.",
        "body": (
            "Theo quyết định công bố kết quả rà soát hộ nghèo, hộ cận nghèo năm 2024, cả nước "
            "còn 599.608 hộ nghèo, chiếm **1,93%**; tỷ lệ hộ nghèo và hộ cận nghèo là 4,06%.\n\n"
            "| Năm | Tỷ lệ hộ nghèo | Tỷ lệ hộ nghèo và cận nghèo |\n"
            "|---|---|---|\n"
            "| 2022 | 4,03% | 7,52% |\n"
            "| 2023 | 2,93% | 5,71% |\n"
            "| 2024 | 1,93% | 4,06% |\n"
        ),
    },
    {
        "slug": "huong-dan-ra-soat-dinh-ky",
        "date": dt.date(2025, 8, 25),
        "title": "Hướng dẫn rà soát hộ nghèo, hộ cận nghèo định kỳ năm 2025",
        "summary": "Các xã, phường tổ chức rà soát theo Quyết định 24/2021/QĐ-TTg.",
        "body": (
            "Việc rà soát định kỳ được thực hiện theo các bước:\n\n"
            "1. Lập danh sách hộ cần rà soát;\n"
            "2. Rà soát, phân loại hộ và họp dân thống nhất kết quả;\n"
            "3. Niêm yết công khai kết quả;\n"
            "4. Chủ tịch Ủy ban nhân dân cấp xã công nhận danh sách.\n\n"
            "Danh sách niêm yết công khai chỉ gồm tên chủ hộ, thôn và phân loại hộ."
        ),
    },
    {
        "slug": "vay-von-uu-dai-ho-can-ngheo",
        "date": dt.date(2025, 10, 3),
        "title": "Hộ cận nghèo được vay vốn ưu đãi để phát triển sản xuất",
        "summary": "Ngân hàng Chính sách xã hội tiếp tục giải ngân cho hộ mới thoát nghèo.",
        "body": (
            "Các hộ nghèo, hộ cận nghèo và hộ mới thoát nghèo có nhu cầu được vay vốn ưu đãi "
            "qua các tổ tiết kiệm và vay vốn ở thôn, tổ dân phố. Liên hệ Ủy ban nhân dân xã, "
            "phường nơi cư trú để được hướng dẫn."
        ),
    },
]


def portal_seed_demo(*, stdout: TextIO) -> None:
    """Create the news category and articles once; running it again changes nothing."""
    category, _ = Category.objects.get_or_create(slug=CATEGORY[1], defaults={"name": CATEGORY[0]})
    created = 0
    for item in ARTICLES:
        published = timezone.make_aware(dt.datetime.combine(item["date"], dt.time(8, 0)))
        _article, made = Article.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "category": category,
                "title": item["title"],
                "summary": item["summary"],
                "body": item["body"],
                "source": SOURCE,
                "published_at": published,
                "is_published": True,
            },
        )
        created += made
    stdout.write(f"Portal: {created} news articles added in “{category.name}”.\n")


@dataclass(frozen=True)
class DemoLookup:
    """A household a person can look up on the portal: the head's ID card details and the code."""

    head_name: str
    citizen_id: str
    date_of_birth: dt.date
    code: str
    poverty_class: str


def lookup_codes_seed_demo(
    *, province: AdminUnit, commune: AdminUnit, actor: User, count: int = 3
) -> list[DemoLookup]:
    """Issue lookup codes to a few poor and near-poor households, the demo commune's first.

    Only a hash is stored, so each run issues new codes (the old ones stop working), as the demo
    passwords are new on every run. A handful keeps the demo fast (each code is hashed as a
    password is). A household of another commune gets its code from that commune's chairman.
    """
    entries = (
        SnapshotEntry.objects.filter(
            snapshot__round__unit__parent=province,
            snapshot__round__status__in=FINAL_STATUSES,
            poverty_class__in=[PovertyClass.POOR, PovertyClass.NEAR_POOR],
        )
        .annotate(elsewhere=Case(When(snapshot__round__unit=commune, then=0), default=1))
        .select_related("household", "snapshot__round")
        .order_by("elsewhere", "-snapshot__round__year", "household_code")
    )
    found: list[DemoLookup] = []
    seen: set[int] = set()
    wanted = {PovertyClass.POOR: count - 1, PovertyClass.NEAR_POOR: 1}
    for entry in entries.iterator(chunk_size=200):
        if not any(wanted.values()):
            break
        household = entry.household
        if household.pk in seen or not wanted.get(entry.poverty_class):
            continue
        seen.add(household.pk)
        latest = latest_entry(household)
        head = (
            household.members.filter(
                relation=Relation.HEAD, date_of_birth__isnull=False, left_on__isnull=True
            )
            .exclude(citizen_id="")
            .first()
        )
        if head is None or latest is None or latest.pk != entry.pk:
            continue
        wanted[entry.poverty_class] -= 1
        unit = entry.snapshot.round.unit
        issuer = actor if unit == commune else _chairman(unit) or actor
        _code, plain = lookup_code_issue(actor=issuer, household=household)
        found.append(
            DemoLookup(
                head_name=head.full_name,
                citizen_id=head.citizen_id,
                date_of_birth=head.date_of_birth,
                code=format_code(plain),
                poverty_class=entry.get_poverty_class_display(),
            )
        )
    return found


def _chairman(commune: AdminUnit) -> User | None:
    return User.objects.filter(role=Role.COMMUNE_CHAIRMAN, unit=commune).order_by("pk").first()
