"""Citations in Vietnamese as the instruments are printed (Decree 30/2020/NĐ-CP, Annex I)."""

import tomllib

import pytest

from giamngheo.standards import load_standard
from giamngheo.standards.citations import (
    CitationError,
    cite,
    cite_strict,
    standard_instrument,
    standard_name,
)
from giamngheo.standards.standard import DATA_DIR, NATIONAL_IDS

CITED = ("article", "middle_article", "citation", "validity_article")


def _citations(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in CITED and isinstance(value, str):
                found.add(value)
            _citations(value, found)
    elif isinstance(node, list):
        for value in node:
            _citations(value, found)
    return found


DATA_CITATIONS = sorted(
    set().union(
        *(_citations(tomllib.loads(f.read_text("utf-8")), set()) for f in DATA_DIR.glob("*.toml"))
    )
)


@pytest.mark.parametrize("text", DATA_CITATIONS)
def test_every_citation_in_the_standards_data_reads_in_vietnamese(text):
    vi = cite_strict(text, "vi")
    for english in ("Decree", "Decision", "Circular", "Art.", "Article", "Annex", "Law "):
        assert english not in vi, (text, vi)
    assert cite_strict(text, "en") == text


@pytest.mark.parametrize(
    ("text", "vi"),
    [
        (
            "Decree 07/2021/NĐ-CP, Art. 3(1)(c)",
            "điểm c khoản 1 Điều 3 Nghị định số 07/2021/NĐ-CP",
        ),
        (
            "Decree 07/2021/NĐ-CP, Art. 3(2)(a)–(b)",
            "điểm a, điểm b khoản 2 Điều 3 Nghị định số 07/2021/NĐ-CP",
        ),
        (
            "Decision 59/2015/QĐ-TTg, Art. 2(1)–(2)",
            "khoản 1, khoản 2 Điều 2 Quyết định số 59/2015/QĐ-TTg",
        ),
        ("Decision 24/2021/QĐ-TTg, Art. 5", "Điều 5 Quyết định số 24/2021/QĐ-TTg"),
        (
            "Circular 07/2021/TT-BLĐTBXH, Art. 4 and Annex II (form A); Decision 24/2021/QĐ-TTg, Art. 4(1)",
            "Điều 4 và Phụ lục II Thông tư số 07/2021/TT-BLĐTBXH (Phiếu A); "
            "khoản 1 Điều 4 Quyết định số 24/2021/QĐ-TTg",
        ),
        (
            "Labour Code 2019 (Law 45/2019/QH14), Art. 169(2)",
            "khoản 2 Điều 169 Bộ luật Lao động số 45/2019/QH14",
        ),
        (
            "Decree 351/2025/NĐ-CP (article not read)",
            "Nghị định số 351/2025/NĐ-CP (chưa đối chiếu điều khoản cụ thể)",
        ),
    ],
)
def test_decree_30_2020_citation_names_point_clause_article_then_instrument(text, vi):
    assert cite(text, "vi") == vi


@pytest.mark.parametrize(
    "text",
    [
        "Decree 99/2099/NĐ-CP, Art. 1",  # instrument not in the data
        "Decree 07/2021/NĐ-CP, Art. 3(1)(c) (a remark nobody translated)",
        "Decree 07/2021/NĐ-CP, Section 4",  # not the citation form
    ],
)
def test_an_unknown_citation_is_refused_and_shown_unchanged_never_guessed(text):
    with pytest.raises(CitationError):
        cite_strict(text, "vi")
    assert cite(text, "vi") == text


@pytest.mark.parametrize("std_id", NATIONAL_IDS)
def test_each_national_standard_is_named_by_its_instrument_not_its_id(std_id):
    std = load_standard(std_id)
    vi = standard_name(std, "vi")
    assert std_id not in vi and standard_instrument(std, "vi") in vi
    assert vi.startswith("Chuẩn nghèo")
    assert standard_instrument(std, "en") in standard_name(std, "en")
