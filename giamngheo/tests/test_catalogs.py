"""The test run compiles missing or outdated `.mo` catalogues itself (giamngheo/tests/catalogs.py)."""

import gettext
import os
from pathlib import Path

from giamngheo.tests.catalogs import PACKAGE, compile_stale_catalogs, stale_catalogs

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Household"
msgstr "Hộ gia đình"

#, fuzzy
msgid "Member"
msgstr "Thành viên"
"""


def write_po(root: Path, text: str = PO) -> Path:
    folder = root / "app" / "locale" / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(text, encoding="utf-8")
    return po


def read_mo(mo: Path) -> gettext.GNUTranslations:
    with mo.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def test_a_missing_mo_is_written_and_gettext_reads_it(tmp_path):
    po = write_po(tmp_path)
    assert compile_stale_catalogs(tmp_path) == [po.with_suffix(".mo")]
    catalog = read_mo(po.with_suffix(".mo"))
    assert catalog.gettext("Household") == "Hộ gia đình"
    # Fuzzy entries stay out, as with `pybabel compile`.
    assert catalog.gettext("Member") == "Member"
    # Written aside and renamed: no temporary file is left behind.
    assert {p.name for p in po.parent.iterdir()} == {"django.po", "django.mo"}


def test_an_up_to_date_mo_is_left_alone(tmp_path):
    po = write_po(tmp_path)
    compile_stale_catalogs(tmp_path)
    mo = po.with_suffix(".mo")
    before = mo.stat().st_mtime_ns
    assert stale_catalogs(tmp_path) == []
    assert compile_stale_catalogs(tmp_path) == []
    assert mo.stat().st_mtime_ns == before


def test_an_mo_older_than_its_po_is_compiled_again(tmp_path):
    po = write_po(tmp_path)
    compile_stale_catalogs(tmp_path)
    mo = po.with_suffix(".mo")
    po.write_text(PO.replace("Hộ gia đình", "Hộ"), encoding="utf-8")
    old = po.stat().st_mtime - 60
    os.utime(mo, (old, old))
    assert stale_catalogs(tmp_path) == [po]
    compile_stale_catalogs(tmp_path)
    assert read_mo(mo).gettext("Household") == "Hộ"


def test_the_projects_catalogues_are_compiled_by_the_time_tests_run():
    pos = sorted(PACKAGE.glob("**/locale/*/LC_MESSAGES/*.po"))
    assert {p.parent.parent.parent.parent.name for p in pos} >= {"giamngheo", "standards"}
    assert stale_catalogs() == []
