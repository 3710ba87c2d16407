"""Plausible public news for the demo; figures from the published results (statistics.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.utils import timezone

from giamngheo.portal.models import Article, Category

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
