"""A commune officer working in Vietnamese sees no English label on the main staff pages.

An English word reaches a Vietnamese page in three ways: a msgid left untranslated (or fuzzy) in
the catalogue, a lookup the catalogue does not hold (a message context without its entry falls back
to the English msgid), and a string that is never passed to gettext at all. The first is read from
django.po; the other two are caught by looking for the catalogue's English msgids, and for a few
English words of the law and of the history, in the text each page shows.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from django.urls import reverse
from django.utils import translation

from giamngheo.households.services.records import household_update
from giamngheo.notifications.services import notify_unit
from giamngheo.programs.tests.factories import make_program
from giamngheo.reviews import services as review_services
from giamngheo.reviews.models import RoundType
from giamngheo.reviews.tests.conftest import POOR, make_household, on_day
from giamngheo.reviews.tests.helpers import run_round
from giamngheo.tests.pages import page_text

pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.po"

# English that must never reach an official's page: the history's actions, the prior-year hint,
# and the names of legal instruments (citations are checked on their own, below).
LABEL_WORDS = ["Created", "Changed", "Last year"]
CITATION_WORDS = ["Decree", "Art.", "Circular"]
ENGLISH_WORDS = LABEL_WORDS + CITATION_WORDS


def _catalogue() -> list[Any]:
    with CATALOGUE.open("rb") as f:
        return [m for m in read_po(f) if m.id]


def _singular(text: Any) -> str:
    return text[0] if isinstance(text, tuple) else text


def untranslated_msgids() -> list[str]:
    """Entries of django.po an officer would read in English: empty or fuzzy."""
    return [
        _singular(m.id)
        for m in _catalogue()
        if m.fuzzy
        or not all(m.string if isinstance(m.string, tuple) else [m.string])
        or not _singular(m.string).strip()
    ]


def english_phrases() -> list[str]:
    """English msgids of two or more words whose Vietnamese differs: seen verbatim on a
    Vietnamese page, they mean a lookup fell through to the source string."""
    phrases = set()
    for m in _catalogue():
        msgid, msgstr = _singular(m.id), _singular(m.string)
        if "%" in msgid or "{" in msgid or msgid == msgstr or len(msgid.split()) < 2:
            continue
        phrases.add(msgid)
    return sorted(phrases)


def leaks(text: str, words: list[str]) -> list[str]:
    """The words or phrases of `words` that appear in `text` as whole words."""
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]


@dataclass
class World:
    officer: Any
    chairman: Any
    household: Any
    approved_round: Any
    open_round: Any
    assessment: Any


@pytest.fixture
def world(settings, tmp_path) -> World:
    """Commune A with a household reviewed last year (approved round) and listed again this year,
    edited once so its history has a creation and a change, and a coordination program."""
    from giamngheo.accounts.models import Role
    from giamngheo.accounts.tests.factories import UserFactory, build_small_province

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600  # the clock moves ahead inside one login
    province = build_small_province()
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"])
    chairman = UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=province["A"])
    with translation.override("vi"):
        household = make_household(province["A1"], "31-11001-000001", "Nguyễn Văn An")
        household_update(
            actor=officer,
            household=household,
            data={"phone": "0912345678"},
            reason="Cập nhật số điện thoại",
        )
        approved = run_round(officer, chairman, province["A"], 2024, {household: POOR})
        with on_day(dt.date(2025, 10, 1)):
            open_round = review_services.round_create(
                actor=officer,
                unit=province["A"],
                round_type=RoundType.PERIODIC,
                review_date=dt.date(2025, 10, 1),
            )
            review_services.round_list_households(actor=officer, review_round=open_round)
        make_program(province["P"])
        # Under the bell on every page, and on the notifications page with its kind.
        notify_unit(
            province["A"],
            title="Đề nghị rà soát mới: hộ 31-11001-000001",
            url=reverse("households:list"),
            dedupe_key="citizen-request:1",
        )
    assessment = open_round.assessments.get(household=household)
    return World(officer, chairman, household, approved, open_round, assessment)


PAGES: dict[str, Callable[[World], str]] = {
    "home": lambda w: reverse("home"),
    "household list": lambda w: reverse("households:list"),
    "household detail": lambda w: reverse("households:detail", args=[w.household.pk]),
    "approved round": lambda w: w.approved_round.get_absolute_url(),
    "open round": lambda w: w.open_round.get_absolute_url(),
    "Form A with last year's markers": lambda w: reverse(
        "reviews:assessment_screening", args=[w.assessment.pk]
    ),
    "Form B section with last year's answers": lambda w: reverse(
        "reviews:assessment_section", args=[w.assessment.pk, "general"]
    ),
    "reports dashboard": lambda w: reverse("reports:dashboard"),
    "programs list": lambda w: reverse("programs:list"),
    "household import": lambda w: reverse("households:import"),
    "what-if": lambda w: reverse("reports:whatif"),
    "users list": lambda w: reverse("user_list"),
    "user detail": lambda w: reverse("user_detail", args=[w.officer.pk]),
    "user onboarding": lambda w: reverse("user_import"),
    "notifications": lambda w: reverse("notifications:list"),
    "e-mail choices": lambda w: reverse("notifications:preferences"),
}
# pages only a manager of users opens: read as the commune chairman
CHAIRMAN_PAGES = {"users list", "user detail", "user onboarding"}


def test_every_catalogue_entry_has_its_vietnamese():
    assert untranslated_msgids() == []


def visible_text(client, settings, world: World, page: str) -> str:
    settings.LANGUAGE_CODE = "vi"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(world.chairman if page in CHAIRMAN_PAGES else world.officer)
    with on_day(dt.date(2025, 10, 2)):
        response = client.get(PAGES[page](world))
    assert response.status_code == 200, response.status_code
    assert response["Content-Language"] == "vi"
    return page_text(response)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_shows_no_english_label_in_vietnamese(client, settings, world, page):
    text = visible_text(client, settings, world, page)
    assert leaks(text, untranslated_msgids() + LABEL_WORDS) == []
    assert leaks(text, english_phrases()) == []
    # never an internal standard id, nor a member called by its record number
    assert re.findall(r"vn-20\d\d|thành viên \d+|member \d+", text) == []


@pytest.mark.parametrize("page", list(PAGES))
def test_page_cites_the_law_in_vietnamese(client, settings, world, page):
    text = visible_text(client, settings, world, page)
    assert leaks(text, CITATION_WORDS) == []


def test_prior_year_hints_and_history_read_as_an_officer_writes(client, settings, world):
    """The hints beside Phiếu A/B say "last year's answer", not a program's end year; the
    history names its actions; the menu names the registry, not a count."""
    for page in ("Form A with last year's markers", "Form B section with last year's answers"):
        text = visible_text(client, settings, world, page)
        assert "Năm trước:" in text and "Năm kết thúc" not in text
    text = visible_text(client, settings, world, "household detail")
    assert "Tạo mới · hộ gia đình" in text and "Sửa đổi · hộ gia đình" in text
    assert "Hộ gia đình" in page_text_of_nav(client)
    assert "Số hộ" not in page_text_of_nav(client)


def page_text_of_nav(client) -> str:
    html = client.get(reverse("home")).content.decode()
    return page_text(html[html.index("<nav") : html.index("</nav>")])


def test_the_leak_check_sees_an_english_label():
    """The check itself: an English word or a fallen-through msgid in the text is reported."""
    assert leaks("Căn cứ: Decree 07/2021/NĐ-CP, Art. 3", ENGLISH_WORDS) == ["Decree", "Art."]
    assert leaks("Lịch sử: Created · hộ gia đình", ENGLISH_WORDS) == ["Created"]
    assert leaks("Năm trước: 2", ENGLISH_WORDS) == []
    assert "Change history" in english_phrases()
    assert leaks("Change history", english_phrases()) == ["Change history"]
