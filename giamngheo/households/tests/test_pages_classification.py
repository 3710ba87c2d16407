"""The household page shows the latest classification and why, from the reviews app."""

import pytest
from django.urls import reverse

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus


@pytest.mark.django_db
def test_household_page_shows_class_and_deprivations_with_the_article(client):
    units = build_small_province()
    household = HouseholdFactory(unit=units["A1"], head_name="Nguyễn Văn An")
    rnd = ReviewRound.objects.create(
        unit=units["A"],
        year=2025,
        review_date="2025-10-15",
        standard="vn-2022",
        status=RoundStatus.APPROVED,
    )
    Assessment.objects.create(
        round=rnd,
        household=household,
        poverty_class="poor",
        standard="vn-2022",
        deprived=["health_insurance", "hygienic_latrine", "housing_area"],
        deprivation_count=3,
        explanation=[
            {
                "code": "income_at_or_below_line",
                "params": {"income": 1450000, "line": 1500000},
                "article": "Decree 07/2021/NĐ-CP, Art. 3(1)(a)",
            },
            {
                "code": "class_rule",
                "params": {"class": "poor", "rule": "poor_by_count", "count": 3, "threshold": 3},
                "article": "Decree 07/2021/NĐ-CP, Art. 3(2)(a)–(b)",
            },
        ],
        engine_version="1.0.0",
    )
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"])
    client.force_login(officer)
    html = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Hộ nghèo" in html
    assert "điểm a khoản 1 Điều 3 Nghị định số 07/2021/NĐ-CP" in html
    assert "1.450.000" in html
