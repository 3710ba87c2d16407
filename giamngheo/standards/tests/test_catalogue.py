"""The engine's own gettext catalogue: complete in Vietnamese, loadable from a fresh clone."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from babel.messages.pofile import read_po

from giamngheo.standards import (
    available_standards,
    classify_household,
    explain,
    indicators,
    load_standard,
    vocab,
)
from giamngheo.standards.i18n import LOCALE_DIR, load_catalogue, translation
from giamngheo.standards.tests.factories import child, household, member


def catalog(lang):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "giamngheo_standards.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def used_msgids() -> set[str]:
    ids = {k.text for k in indicators.REGISTRY.values()}
    ids |= set(explain.MESSAGES.values()) | set(explain.RULES.values()) | set(vocab.LABELS.values())
    ids |= set(explain.WARNINGS.values())
    for texts_ in (explain.GROUPED, explain.DETAILS, explain.MEMBER, explain.MEMBER_DETAILS):
        ids |= set(texts_.values())
    ids |= {text for pair in explain.COUNTED_RULES.values() for text in pair}
    for std_id in available_standards():
        std = load_standard(std_id)
        ids |= {i.title for i in std.indicators} | set(std.dimensions.values())
    source = (Path(indicators.__file__)).read_text("utf-8")
    ids |= set(re.findall(r'N_\("([^"]+)"\)', source))
    return ids


def texts(value) -> tuple[str, ...]:
    """A catalogue id or string as a tuple (plural entries hold several)."""
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def test_every_msgid_has_a_vietnamese_translation():
    untranslated = [m.id for m in catalog("vi") if m.id and not all(texts(m.string))]
    assert untranslated == []


def test_every_string_the_engine_renders_is_in_the_catalogue():
    known = {text for m in catalog("vi") if m.id for text in texts(m.id)}
    assert used_msgids() - known == set()


def test_vietnamese_translations_keep_placeholders():
    for m in catalog("vi"):
        if m.id:
            wanted = set(re.findall(r"{\w+}", texts(m.id)[-1]))
            for text in texts(m.string):
                assert set(re.findall(r"{\w+}", text)) == wanted, m.id


def test_catalogue_loads_from_the_po_file_when_no_mo_was_compiled(tmp_path):
    """``.mo`` files are git-ignored: a fresh clone has only the ``.po``."""
    folder = tmp_path / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(LOCALE_DIR / "vi" / "LC_MESSAGES" / "giamngheo_standards.po", folder)
    assert load_catalogue(tmp_path, "vi").gettext("Health insurance") == "Bảo hiểm y tế"
    assert translation("vi").gettext("Health insurance") == "Bảo hiểm y tế"


def test_explanation_is_rendered_in_vietnamese_by_default_and_english_on_request():
    facts = household("vn-2022", [member(), child(8, health_insurance=False)])
    vi = classify_household(facts)["explanation_text"]
    en = classify_household(facts, lang="en")["explanation_text"]
    assert "Bảo hiểm y tế" in vi[1] and "thành viên 2 (8 tuổi, không có thẻ bảo hiểm y tế)" in vi[1]
    assert "Health insurance" in en[1] and "member 2 (aged 8, no health insurance card)" in en[1]
    assert vi[-1].startswith("Phân loại: hộ cận nghèo")
    assert "deprived on 1 indicator, fewer than 3" in en[-1]
