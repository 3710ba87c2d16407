"""Tra cứu: a household sees what the posting published with its head's ID and birth date, and
its deprivations and personal data only with its lookup code (Law 91/2025/QH15); a miss never
tells whether an ID is in the registry."""

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.households.tests.factories import MemberFactory
from giamngheo.households.vocab import Relation, Sex
from giamngheo.portal import access, challenge, services
from giamngheo.portal.models import LookupAttempt, LookupCode
from giamngheo.reviews.tests.conftest import POOR, make_household
from giamngheo.reviews.tests.helpers import run_round
from giamngheo.settings import cache_config
from giamngheo.tests.pages import page_text

pytestmark = pytest.mark.django_db

HEAD_ID = "031080000111"
OTHER_ID = "031080000222"  # a head whose household has no approved round
UNKNOWN_ID = "099099099099"
BORN = dt.date(1980, 5, 1)  # make_household's head
HOME = "198.51.100.20"
ELSEWHERE = "203.0.113.10"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": cache_config("")}
    caches["default"].clear()
    u = build_small_province()
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=u["A"])
    chairman = UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=u["A"])
    poor = make_household(u["A1"], "31-11001-000001", "Nguyễn Văn An", HEAD_ID)
    MemberFactory(
        household=poor,
        member_no=2,
        full_name="Nguyễn Thị Hoa",
        sex=Sex.FEMALE,
        date_of_birth=dt.date(1983, 7, 9),
        relation=Relation.SPOUSE,
    )
    pending = make_household(u["A1"], "31-11001-000002", "Trần Thị Bình", OTHER_ID)
    run_round(officer, chairman, u["A"], 2025, {poor: POOR})
    yield {
        "units": u,
        "officer": officer,
        "other_officer": UserFactory(role=Role.COMMUNE_OFFICER, unit=u["B"]),
        "poor": poor,
        "pending": pending,
    }
    caches["default"].clear()


def citizen(address: str = HOME) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies["django_language"] = "en"
    return client


def post(client: Client, citizen_id: str = HEAD_ID, born: dt.date = BORN, code: str = "", **extra):
    data = {"citizen_id": citizen_id, "date_of_birth": born.isoformat(), "code": code, **extra}
    return client.post(reverse("portal:lookup"), data)


def issue(world) -> str:
    _code, plain = services.lookup_code_issue(actor=world["officer"], household=world["poor"])
    return plain


def stripped(response) -> bytes:
    """The page without what must differ between two requests: CSRF tokens and the challenge."""
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)
    body = re.sub(rb'"X-CSRFToken": "[^"]*"', b"", body)
    return re.sub(rb"<!-- challenge -->.*?<!-- /challenge -->", b"", body, flags=re.S)


def test_law91_lookup_with_id_and_birth_date_shows_the_posted_facts_and_no_deprivations(world):
    client = citizen()
    response = post(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:lookup_result")
    text = page_text(client.get(response["Location"]))
    assert "Class Poor Poverty standard Multidimensional poverty standard" in text
    assert "(Decree 07/2021/NĐ-CP) Year of the approved review 2025" in text
    assert "deprived indicator" not in text
    assert "Housing quality" not in text and "Nguyễn Thị Hoa" not in text
    assert client.get(reverse("portal:lookup_personal_data")).status_code == 302


def test_law91_lookup_with_the_code_shows_the_deprivations_and_personal_data(world):
    client = citizen()
    plain = issue(world)
    response = post(client, code=services.format_code(plain).lower())
    assert response.status_code == 302
    text = page_text(client.get(reverse("portal:lookup_result")))
    assert "4 deprived indicators: Housing quality" in text
    assert "Grounds for the classification" in text
    data = client.get(reverse("portal:lookup_personal_data"))
    assert data.status_code == 200
    html = data.content.decode()
    assert "Nguyễn Thị Hoa" in html and "09/07/1983" in html
    assert "/portal/tra-cuu/de-nghi/?kind=correction" in html
    assert HEAD_ID not in html and HEAD_ID[-3:] + "<" not in html


def test_reissued_code_ends_the_old_one_and_its_grants(world):
    old = issue(world)
    client = citizen()
    assert post(client, code=old).status_code == 302
    assert access.current(client_request(client)).with_code
    new = issue(world)
    assert LookupCode.objects.filter(household=world["poor"]).count() == 2
    # The grant made with the old code no longer opens the personal data.
    assert client.get(reverse("portal:lookup_personal_data")).status_code == 302
    assert post(citizen(ELSEWHERE), code=old).status_code == 200
    assert post(citizen(ELSEWHERE), code=new).status_code == 302


def client_request(client: Client):
    """A request carrying the client's session, to ask ``access.current`` about it."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = client.session
    return request


def test_law91_misses_look_identical_whatever_was_wrong(world):
    issue(world)
    pages = [
        post(citizen("192.0.2.1"), citizen_id=UNKNOWN_ID),
        post(citizen("192.0.2.2"), born=dt.date(1980, 5, 2)),
        post(citizen("192.0.2.3"), code="AAAAA-BBBBB"),
        post(citizen("192.0.2.4"), citizen_id=OTHER_ID),  # right details, nothing approved
        post(citizen("192.0.2.5"), citizen_id=UNKNOWN_ID, code="AAAAA-BBBBB"),
    ]
    assert {p.status_code for p in pages} == {200}
    assert len({stripped(p) for p in pages}) == 1
    assert b"No published result matches" in pages[0].content


def test_challenge_comes_after_three_misses_and_a_wrong_answer_is_refused(world):
    client = citizen()
    for _ in range(3):
        first = post(client, born=dt.date(1980, 5, 2))
        assert b'name="challenge_token"' not in first.content or _ == 2
    page = client.get(reverse("portal:lookup"))
    assert b'name="challenge_token"' in page.content
    token = re.search(rb'name="challenge_token" value="([^"]+)"', page.content).group(1).decode()
    question = re.search(r"How much is (\d+) \+ (\d+)\?", page.content.decode())
    right = int(question.group(1)) + int(question.group(2))
    refused = post(client, challenge_token=token, challenge_answer=str(right + 1))
    assert refused.status_code == 200 and b"Answer the question" in refused.content
    assert LookupAttempt.objects.filter(result=LookupAttempt.Result.CHALLENGE_FAILED).exists()
    # Without an answer at all, even the right details are refused.
    assert post(client).status_code == 200
    page = client.get(reverse("portal:lookup"))
    token = re.search(rb'name="challenge_token" value="([^"]+)"', page.content).group(1).decode()
    question = re.search(r"How much is (\d+) \+ (\d+)\?", page.content.decode())
    right = int(question.group(1)) + int(question.group(2))
    assert post(client, challenge_token=token, challenge_answer=str(right)).status_code == 302
    # The same answered question is good once.
    again = citizen()
    for _ in range(3):
        post(again, born=dt.date(1980, 5, 2))
    assert post(again, challenge_token=token, challenge_answer=str(right)).status_code == 200


def _solve(page) -> dict:
    token = re.search(rb'name="challenge_token" value="([^"]+)"', page.content)
    if token is None:
        return {}
    question = re.search(r"How much is (\d+) \+ (\d+)\?", page.content.decode())
    answer = int(question.group(1)) + int(question.group(2))
    return {"challenge_token": token.group(1).decode(), "challenge_answer": str(answer)}


def test_twenty_wrong_lookups_from_one_address_are_throttled_but_not_another_address(world):
    client = citizen()
    statuses = []
    page = client.get(reverse("portal:lookup"))
    for _ in range(20):
        page = post(client, born=dt.date(1980, 5, 2), **_solve(page))
        statuses.append(page.status_code)
    assert 429 in statuses
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    # Even the right details wait now from this address …
    assert post(client, **_solve(client.get(reverse("portal:lookup")))).status_code == 429
    # … while the household looks itself up from another address.
    assert post(citizen(ELSEWHERE)).status_code == 302


def test_lookups_are_logged_without_the_citizen_id(world):
    post(citizen(), citizen_id=UNKNOWN_ID)
    post(citizen())
    rows = list(LookupAttempt.objects.order_by("at"))
    assert [r.result for r in rows] == ["no_match", "shown"]
    assert [r.id_tail for r in rows] == ["099", "111"]
    assert rows[0].address == HOME
    for row in rows:
        for value in (row.id_tail, row.id_digest, row.address, str(row)):
            assert UNKNOWN_ID not in value and HEAD_ID not in value


def test_law91_public_lookup_pages_never_show_a_citizen_id(world):
    plain = issue(world)
    client = citizen()
    pages = [
        client.get(reverse("portal:lookup")),
        post(client, born=dt.date(1980, 5, 2)),
        client.post(reverse("portal:lookup"), {"citizen_id": HEAD_ID, "date_of_birth": "x"}),
        post(client, code=plain),
    ]
    assert b"field-error" in pages[2].content
    pages += [
        client.get(reverse("portal:lookup_result")),
        client.get(reverse("portal:lookup_personal_data")),
    ]
    for page in pages:
        assert HEAD_ID.encode() not in page.content
        assert OTHER_ID.encode() not in page.content


def test_commune_officer_issues_a_code_and_prints_the_slip(world):
    client = Client()
    client.force_login(world["officer"])
    url = reverse("portal:lookup_code", args=[world["poor"].pk])
    assert client.get(url).status_code == 200
    slip = client.post(url)
    assert slip.status_code == 200 and slip["Cache-Control"] == "no-store"
    shown = re.search(rb'class="lookup-code">([A-Z0-9-]+)<', slip.content).group(1).decode()
    code = LookupCode.objects.get(household=world["poor"])
    assert code.code_hash != shown and shown not in code.code_hash
    history = code.history.get()
    assert (history.history_user, history.history_change_reason) == (world["officer"], "issued")
    assert post(citizen(), code=shown).status_code == 302
    client.post(url)
    revoked = LookupCode.objects.get(pk=code.pk)
    assert revoked.revoked_at is not None
    assert revoked.history.first().history_change_reason == "re-issued"


def test_commune_officer_of_another_commune_cannot_issue_a_code(world):
    client = Client()
    client.force_login(world["other_officer"])
    url = reverse("portal:lookup_code", args=[world["poor"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not LookupCode.objects.exists()
    assert Client().post(url).status_code == 302  # anonymous: to the login page


def test_challenge_tokens_are_signed_and_single_use(world):
    question = challenge.new()
    a, b = (int(x) for x in question.question.split(" + "))
    assert not challenge.passed(question.token + "x", str(a + b))
    assert challenge.passed(question.token, str(a + b))
    assert not challenge.passed(question.token, str(a + b))
    wrong = challenge.new()
    c, d = (int(x) for x in wrong.question.split(" + "))
    assert not challenge.passed(wrong.token, str(c + d + 1))
    assert not challenge.passed(wrong.token, str(c + d))  # one question, one guess


def test_law91_household_without_an_approved_round_reaches_its_personal_data_with_its_code(world):
    _code, plain = services.lookup_code_issue(actor=world["officer"], household=world["pending"])
    client = citizen()
    assert post(client, citizen_id=OTHER_ID).status_code == 200  # nothing published: a miss
    assert post(client, citizen_id=OTHER_ID, code=plain).status_code == 302
    text = page_text(client.get(reverse("portal:lookup_result")))
    assert "No approved review result has been published for your household yet." in text
    assert "Trần Thị Bình" in page_text(client.get(reverse("portal:lookup_personal_data")))


def test_the_id_and_birth_date_alone_do_not_reset_a_count_of_guessed_codes(world, settings):
    settings.LOGIN_FAILURES_PER_PAIR = 3
    issue(world)
    client = citizen()
    for n in range(3):
        assert post(client, code="AAAAA-BBBBB").status_code == 200
        if n < 2:
            assert post(client).status_code == 302  # no code: the posted facts, no reset
    solved = _solve(client.get(reverse("portal:lookup")))
    assert post(client, code="AAAAA-BBBBB", **solved).status_code == 429
