"""The support policies the province lists for citizens, and the section that shows them."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.households.vocab import PovertyClass
from giamngheo.portal.models import SupportPolicy

pytestmark = pytest.mark.django_db

# Test rows, not law: the table ships empty and only the province fills it.
SAMPLE = {"name": "Chính sách thử nghiệm X", "legal_citation": "Văn bản thử nghiệm số 1"}


def render(poverty_class: str) -> str:
    return render_to_string("portal/_policies.html", {"poverty_class": poverty_class})


def test_the_section_renders_nothing_while_the_province_lists_no_policy():
    assert not SupportPolicy.objects.exists()  # no migration seeds legal content
    for klass in PovertyClass.values:
        assert render(klass).strip() == ""


def test_the_section_lists_the_classes_active_policies_in_the_provinces_order():
    SupportPolicy.objects.create(poverty_class=PovertyClass.POOR, position=2, **SAMPLE)
    SupportPolicy.objects.create(
        poverty_class=PovertyClass.POOR,
        position=1,
        name="Chính sách thử nghiệm Y",
        legal_citation="Văn bản thử nghiệm số 2",
        description="Dòng một\nDòng hai",
    )
    SupportPolicy.objects.create(
        poverty_class=PovertyClass.POOR, is_active=False, name="Đã bãi bỏ", legal_citation="Cũ"
    )
    SupportPolicy.objects.create(
        poverty_class=PovertyClass.NEAR_POOR, name="Cho hộ cận nghèo", legal_citation="Khác"
    )
    html = render(PovertyClass.POOR)
    assert html.index("Chính sách thử nghiệm Y") < html.index("Chính sách thử nghiệm X")
    assert "Văn bản thử nghiệm số 1" in html and "Dòng một<br>Dòng hai" in html
    assert "Đã bãi bỏ" not in html and "Cho hộ cận nghèo" not in html
    # A class the province listed nothing for still renders nothing.
    assert render(PovertyClass.MIDDLE).strip() == ""
    assert render("").strip() == ""


def test_policy_text_is_escaped():
    SupportPolicy.objects.create(
        poverty_class=PovertyClass.POOR, name="<script>x()</script>", legal_citation="a & b"
    )
    html = render(PovertyClass.POOR)
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html


def test_policy_changes_keep_history():
    policy = SupportPolicy.objects.create(poverty_class=PovertyClass.POOR, **SAMPLE)
    policy.legal_citation = "Văn bản thử nghiệm số 3"
    policy.save()
    assert [h.legal_citation for h in policy.history.all()] == [
        "Văn bản thử nghiệm số 3",
        "Văn bản thử nghiệm số 1",
    ]


@pytest.mark.parametrize(
    ("role", "unit", "allowed"),
    [
        (Role.PROVINCE_OFFICER, "P", True),
        (Role.COMMUNE_OFFICER, "A", False),
        (Role.COMMUNE_CHAIRMAN, "A", False),
        (Role.AUDITOR, "P", False),
    ],
)
def test_only_province_staff_edit_the_policies_in_the_admin(client, role, unit, allowed):
    units = build_small_province()
    client.force_login(UserFactory(role=role, unit=units[unit], is_staff=True))
    add = client.post(
        reverse("admin:portal_supportpolicy_add"),
        {**SAMPLE, "poverty_class": "poor", "is_active": "on", "position": "0", "description": ""},
    )
    assert add.status_code == (302 if allowed else 403)
    assert SupportPolicy.objects.filter(name=SAMPLE["name"]).exists() is allowed
    listing = client.get(reverse("admin:portal_supportpolicy_changelist"))
    assert listing.status_code == (200 if allowed else 403)
