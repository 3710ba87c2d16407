"""Every document the commune prints, and the staff pages that lead to them, name the law in
Vietnamese from data and never show an internal id.

Issue 15: the certificate (Mẫu 03) read "áp dụng chuẩn nghèo vn-2022" and its address dropped the
street; citations were English inside Vietnamese sentences. Here an approved round's posting list
(PDF and Excel), decision (Mẫu 02) and certificates (Mẫu 03), and every official report form (PDF
and Excel), are generated through the pages that serve them and read as a person reads them: PDF
text through poppler's ``pdftotext``, every cell of a workbook through openpyxl.
"""

import datetime as dt
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from giamngheo.geo.services import unit_sources
from giamngheo.households import rules
from giamngheo.households.services.records import household_update
from giamngheo.reports.exports.forms import FORM_TITLES
from giamngheo.reviews import legal, screening
from giamngheo.reviews.tests.conftest import NEAR_POOR, POOR, make_household, on_day
from giamngheo.reviews.tests.helpers import run_round
from giamngheo.standards.citations import cite_strict
from giamngheo.tests.pages import page_text

pytestmark = pytest.mark.django_db

INTERNAL_ID = re.compile(r"vn-20\d\d")
ENGLISH_WORDS = ["Decree", "Art.", "Circular", "Decision", "Resolution", "Created", "Changed"]
STREET = "Số 12 đường Lê Lợi"
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def leaks(text: str) -> list[str]:
    """Internal standard ids and English words of the law or the history found in `text`."""
    found = INTERNAL_ID.findall(text)
    found += [w for w in ENGLISH_WORDS if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]
    return found


def test_the_leak_check_sees_an_id_and_an_english_citation():
    assert leaks("áp dụng chuẩn nghèo vn-2022") == ["vn-2022"]
    assert sorted(leaks("Căn cứ Decision 24/2021/QĐ-TTg, Art. 4(3)")) == ["Art.", "Decision"]
    assert leaks("khoản 3 Điều 4 Quyết định số 24/2021/QĐ-TTg") == []


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    assert data.startswith(b"%PDF"), data[:80]
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(out.split())


def xlsx_text(data: bytes) -> str:
    workbook = load_workbook(io.BytesIO(data))
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert cells, "the workbook is empty"
    return " | ".join(cells)


@dataclass
class World:
    officer: Any
    province_officer: Any
    household: Any
    round: Any
    province: dict


@pytest.fixture
def world(settings, tmp_path) -> World:
    """Commune A's 2024 review approved: a poor household with a street address in village A1 and
    a near-poor one in A2."""
    from giamngheo.accounts.models import Role
    from giamngheo.accounts.tests.factories import UserFactory, build_small_province

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    province = build_small_province()
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"])
    chairman = UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=province["A"])
    province_officer = UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])
    with translation.override("vi"):
        poor = make_household(province["A1"], "31-11001-000001", "Nguyễn Văn An")
        household_update(
            actor=officer, household=poor, data={"address": STREET}, reason="Bổ sung địa chỉ"
        )
        near = make_household(province["A2"], "31-11001-000002", "Trần Thị Bình")
        approved = run_round(officer, chairman, province["A"], 2024, {poor: POOR, near: NEAR_POOR})
    assert approved.is_locked
    return World(officer, province_officer, poor, approved, province)


def get(client, settings, user, url: str):
    settings.LANGUAGE_CODE = "vi"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(user)
    with on_day(dt.date(2025, 10, 2)):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


ROUND_DOCUMENTS = {
    "posting list (PDF)": "reviews:posting_pdf",
    "posting list (Excel)": "reviews:posting_xlsx",
    "decision, Mẫu 02 (PDF)": "reviews:decision_pdf",
    "certificates, Mẫu 03 (PDF)": "reviews:certificates_pdf",
}


def round_document_text(client, settings, world: World, name: str, tmp_path) -> str:
    response = get(
        client, settings, world.officer, reverse(ROUND_DOCUMENTS[name], args=[world.round.pk])
    )
    data = body(response)
    return xlsx_text(data) if name.endswith("(Excel)") else pdf_text(data, tmp_path)


def test_round_documents_name_no_internal_id_and_no_english_law(client, settings, world, tmp_path):
    found = {}
    for name in ROUND_DOCUMENTS:
        text = round_document_text(client, settings, world, name, tmp_path)
        assert "Nguyễn Văn An" in text, name  # the round's document, not an empty page
        found[name] = leaks(text)
    assert found == {name: [] for name in ROUND_DOCUMENTS}


def test_certificate_applies_the_standard_of_decree_07_2021_art_3_by_name(
    client, settings, world, tmp_path
):
    """Decree 07/2021/NĐ-CP, Art. 3 sets the standard the round applied (vn-2022 in the data)."""
    text = round_document_text(client, settings, world, "certificates, Mẫu 03 (PDF)", tmp_path)
    assert "áp dụng chuẩn nghèo đa chiều quy định tại Nghị định số 07/2021/NĐ-CP" in text
    text = round_document_text(client, settings, world, "decision, Mẫu 02 (PDF)", tmp_path)
    assert "Căn cứ Nghị định số 07/2021/NĐ-CP quy định chuẩn nghèo đa chiều giai đoạn" in text


def test_certificate_address_line_gives_street_village_commune_and_province(
    client, settings, world, tmp_path
):
    text = round_document_text(client, settings, world, "certificates, Mẫu 03 (PDF)", tmp_path)
    assert f"Địa chỉ: {STREET}, Thôn A1, Xã A, Thành phố P" in text
    # the household without a street address still gets village, commune and province
    assert "Địa chỉ: Thôn A2, Xã A, Thành phố P" in text


def test_certificate_address_does_not_repeat_a_place_the_street_address_names():
    from giamngheo.reviews.documents import full_address

    assert full_address("Số 5, Thôn A1", "Thôn A1", "Xã A", "Thành phố P") == (
        "Số 5, Thôn A1, Xã A, Thành phố P"
    )
    assert full_address("Số 5, Thôn 12", "Thôn 1", "Xã A", "") == "Số 5, Thôn 12, Thôn 1, Xã A"


REPORT_FORMS = sorted(FORM_TITLES, key=int)


def test_report_forms_name_no_internal_id_and_no_english_law(client, settings, world, tmp_path):
    found = {}
    for form in REPORT_FORMS:
        for kind in ("pdf", "xlsx"):
            url = reverse(f"reports:form_{kind}", args=[form]) + f"?unit={world.province['A'].pk}"
            data = body(get(client, settings, world.province_officer, url))
            text = xlsx_text(data) if kind == "xlsx" else pdf_text(data, tmp_path)
            assert "Biểu số" in text and "XÃ A" in text.upper(), (form, kind)
            found[f"{form}.{kind}"] = leaks(text)
    assert found == {name: [] for name in found}
    assert len(found) == 2 * len(REPORT_FORMS)


STAFF_PAGES = {
    "round list": (lambda w: reverse("reviews:round_list"), None),
    "approved round": (lambda w: w.round.get_absolute_url(), None),
    "household classification history": (
        lambda w: reverse("reviews:household_classification", args=[w.household.pk]),
        "earlier-reviews",
    ),
}


@pytest.mark.parametrize("page", list(STAFF_PAGES))
def test_staff_page_names_the_standard_and_cites_in_vietnamese(client, settings, world, page):
    url, region = STAFF_PAGES[page]
    text = page_text(get(client, settings, world.officer, url(world)), within=region)
    assert "Chuẩn nghèo đa chiều giai đoạn 2022 - 2025" in text
    assert "Nghị định số 07/2021/NĐ-CP" in text
    assert leaks(text) == []


def test_household_classification_page_shows_no_standard_id_anywhere(client, settings, world):
    url = reverse("reviews:household_classification", args=[world.household.pk])
    assert leaks(page_text(get(client, settings, world.officer, url))) == []


def test_english_pages_keep_the_english_citation(client, settings, world):
    settings.LANGUAGE_CODE = "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.officer)
    text = page_text(client.get(reverse("reviews:round_create")))
    assert "(Decision 24/2021/QĐ-TTg, Art. 3)" in text


# Every citation the Django side shows; the data files' own are read by standards' tests.
DJANGO_CITATIONS = {
    **{
        f"legal.{name}": value.article
        for name, value in vars(legal).items()
        if isinstance(value, legal.Duration)
    },
    **{
        f"legal.{name}": value
        for name, value in vars(legal).items()
        if name.endswith("_ARTICLE") and isinstance(value, str)
    },
    "screening.SOURCE": screening.SOURCE,
    "screening.EXEMPT_SOURCE": screening.EXEMPT_SOURCE,
    **{f"screening marker {m.code}": m.article for m in screening.MARKERS},
    "households.rules.CITIZEN_ID_LAW": rules.CITIZEN_ID_LAW,
    "reports.ProvinceSettings.issuing_body help": "Decree 30/2020/NĐ-CP, Annex I",
    "support budget_line help": "Decision 90/QĐ-TTg",
    # a former commune's legal basis on geo's unit pages
    "geo PROVINCE_LEGAL_BASIS": unit_sources.PROVINCE_LEGAL_BASIS,
    "geo FALLBACK_LEGAL_BASIS": unit_sources.FALLBACK_LEGAL_BASIS,
    **{
        f"geo COMMUNE_LEGAL_BASIS {scope}": f"Resolution {number}/NQ-UBTVQH15"
        for scope, number in unit_sources.COMMUNE_LEGAL_BASIS.items()
    },
    # the templates' own: `law="Decision 24/2021/QĐ-TTg"|cite`
    **{
        f"{path.relative_to(TEMPLATES)}: {literal}": literal
        for path in sorted(TEMPLATES.rglob("*.html"))
        for literal in re.findall(r'"([^"]+)"\|cite\b', path.read_text(encoding="utf-8"))
    },
}


@pytest.mark.parametrize("name", list(DJANGO_CITATIONS))
def test_every_citation_of_the_django_side_is_named_by_the_data(name):
    vietnamese = cite_strict(DJANGO_CITATIONS[name], "vi")
    assert leaks(vietnamese) == [] and vietnamese != DJANGO_CITATIONS[name]


def test_a_message_with_a_citation_reads_it_in_the_readers_language():
    with translation.override("vi"):
        assert str(rules.MSG_CITIZEN_ID) == (
            "Số định danh cá nhân gồm đúng 12 chữ số (Nghị định số 137/2015/NĐ-CP)."
        )
    with translation.override("en"):
        assert str(rules.MSG_CITIZEN_ID) == (
            "A citizen ID number has exactly 12 digits (Decree 137/2015/NĐ-CP)."
        )


def test_citation_list_covers_the_procedure_and_the_templates():
    names = set(DJANGO_CITATIONS)
    assert {"legal.POSTING", "legal.AD_HOC_DECISION", "legal.SCREENING_ARTICLE"} <= names
    assert any(n.startswith("portal/postings.html") for n in names)
    assert any(n.startswith("households/detail.html") for n in names)
    # Phiếu A's source line names the annex every marker cites
    assert all(m.article.removesuffix(" (form A)") in screening.SOURCE for m in screening.MARKERS)


STANDARDS_DOC = Path(__file__).resolve().parents[2] / "docs" / "standards.md"


def test_what_the_law_leaves_unconfirmed_is_listed_in_the_docs_not_on_the_forms():
    """Every `confirmed = false` condition of the data, and the procedure's unconfirmed figures,
    have their line in docs/standards.md; Phiếu A's pages carry the citation instead."""
    from giamngheo.standards import available_standards, load_standard

    doc = STANDARDS_DOC.read_text(encoding="utf-8")
    expected = [
        f"* `{line.split(': ', 1)[0]}`: {line.split(': ', 1)[1]}"
        for standard_id in available_standards()
        for line in load_standard(standard_id).unconfirmed()
    ]
    expected += [
        f"* `reviews.legal.{name}`"
        for name, value in vars(legal).items()
        if isinstance(value, legal.Duration) and not value.confirmed
    ]
    if not screening.CONFIRMED:
        expected.append("* `reviews.screening.CONFIRMED`")
    if not screening.EXEMPT_CONFIRMED:
        expected.append("* `reviews.screening.EXEMPT_CONFIRMED`")
    assert [line for line in expected if line not in doc] == []
    templates = [
        TEMPLATES / "reviews" / n for n in ("screening_form.html", "screening_village.html")
    ]
    for template in templates:
        assert "against the law" not in template.read_text(encoding="utf-8"), template.name


@pytest.mark.browser
def test_certificate_as_a_person_sees_it(world):
    """The certificate of one household drawn by Chromium at A4 width (210 mm at 96 dpi), kept
    as docs/screenshots/certificate.png."""
    from giamngheo.reviews.documents import certificates_html
    from giamngheo.tests.browser import browser_page, screenshot

    html = certificates_html(world.round, world.round.decision_date, world.household.pk)
    with browser_page(width=794, height=1123) as page:
        page.set_content(html)
        # the printed page's margins (@page in reviews/pdf/_style.html), which a screen ignores
        page.add_style_tag(content="body { margin: 20mm 15mm 20mm 30mm; }")
        text = " ".join(page.inner_text("body").split())
        assert f"Địa chỉ: {STREET}, Thôn A1, Xã A, Thành phố P" in text
        assert "quy định tại Nghị định số 07/2021/NĐ-CP" in text and leaks(text) == []
        path = screenshot(page, "certificate")
    docs = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    docs.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, docs / "certificate.png")
