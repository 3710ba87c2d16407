"""Requests households file online, their tracking page, and the commune's confirmation."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.errors import DomainError
from giamngheo.households.models import HouseholdStatus
from giamngheo.households.tests.factories import MemberFactory
from giamngheo.notifications.models import Kind as NoticeKind
from giamngheo.notifications.models import Notification
from giamngheo.portal import requests as citizen_requests
from giamngheo.portal.models import CitizenRequest
from giamngheo.portal.tests.sessions import lookup_session
from giamngheo.reviews import legal, services
from giamngheo.reviews.models import ChangeRequest, Complaint, RoundStatus, RoundType
from giamngheo.reviews.tests import helpers
from giamngheo.reviews.tests.conftest import NOT_POOR, POOR, make_household, on_day

pytestmark = pytest.mark.django_db

Kind = CitizenRequest.Kind
CODE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$")
CITIZEN_ID = "031080000111"
HEAD = "Nguyễn Văn Bảo"


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600  # the clock moves days inside one session
    caches[settings.THROTTLE_CACHE].clear()
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def province():
    return build_small_province()


@pytest.fixture
def people(province):
    return {
        "commune_a_officer": UserFactory(role=Role.COMMUNE_OFFICER, unit=province["A"]),
        "commune_a_chairman": UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=province["A"]),
        "commune_b_officer": UserFactory(role=Role.COMMUNE_OFFICER, unit=province["B"]),
    }


@pytest.fixture
def household(province):
    found = make_household(province["A1"], "31-11001-000001", HEAD, CITIZEN_ID)
    MemberFactory(household=found, member_no=2, full_name="Trần Thị Cúc", citizen_id="")
    return found


@pytest.fixture
def posting(people, province, household, monkeypatch):
    """Commune A's round stopped in its posting (posted Wed 1/10/2025, until Fri 3/10)."""
    real_advance = services.round_advance

    def stop_at_posting(**kw):
        if kw["review_round"].status == RoundStatus.POSTING:
            return kw["review_round"]
        return real_advance(**kw)

    monkeypatch.setattr(helpers.services, "round_advance", stop_at_posting)
    other = make_household(province["A2"], "31-11001-000002", "Lê Văn Cường")
    r = helpers.run_round(
        people["commune_a_officer"],
        people["commune_a_chairman"],
        province["A"],
        2025,
        {household: POOR, other: NOT_POOR},
        approve=False,
    )
    monkeypatch.setattr(helpers.services, "round_advance", real_advance)
    assert r.status == RoundStatus.POSTING and r.posting_ends_on == dt.date(2025, 10, 3)
    return r


def verified(client, household, *, with_code: bool = True) -> None:
    """The session the lookup leaves behind, made by the lookup's own `grant`."""
    client.cookies[settings.SESSION_COOKIE_NAME] = lookup_session(household, with_code=with_code)


def evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("don.pdf", b"%PDF-1.4 signed", content_type="application/pdf")


def filed(household, kind, day, text="Nhà tôi bị sập mái sau bão, đề nghị rà soát lại."):
    with on_day(day):
        return citizen_requests.file_request(household=household, kind=kind, text=text)


def confirm(officer, item, day, **kw):
    with on_day(day):
        return citizen_requests.request_confirm(actor=officer, citizen_request=item, **kw)


# Which kinds the date allows -------------------------------------------------------------------
@pytest.mark.parametrize("day", [dt.date(2026, 9, 1), dt.date(2026, 10, 20), dt.date(2026, 12, 14)])
def test_form_01_is_offered_during_the_annual_review_period_art_3(household, day):
    assert citizen_requests.kinds_on(household, day) == [Kind.REVIEW, Kind.CORRECTION]


@pytest.mark.parametrize("day", [dt.date(2026, 8, 31), dt.date(2026, 3, 10), dt.date(2026, 12, 15)])
def test_form_04_is_offered_outside_the_annual_review_period_art_5(household, day):
    assert citizen_requests.kinds_on(household, day) == [Kind.REGULAR, Kind.CORRECTION]


def test_a_complaint_is_offered_only_while_a_list_of_its_commune_is_posted_art_4_3(
    posting, household, province
):
    other_commune = make_household(province["B1"], "31-11002-000001", "Phạm Thị Dung")
    during, after = dt.date(2025, 10, 2), dt.date(2025, 10, 6)
    assert citizen_requests.kinds_on(household, during) == [
        Kind.REVIEW,
        Kind.COMPLAINT,
        Kind.CORRECTION,
    ]
    assert Kind.COMPLAINT not in citizen_requests.kinds_on(other_commune, during)
    assert Kind.COMPLAINT not in citizen_requests.kinds_on(household, after)


def test_a_kind_the_date_does_not_allow_is_refused_by_the_service(household):
    with pytest.raises(DomainError, match="cannot be filed today"):
        filed(household, Kind.REGULAR, dt.date(2026, 10, 1))
    with pytest.raises(DomainError, match="cannot be filed today"):
        filed(household, Kind.COMPLAINT, dt.date(2026, 3, 10))
    assert not CitizenRequest.objects.exists()


def test_a_kind_the_date_does_not_allow_is_refused_by_the_page(client, household):
    verified(client, household)
    with on_day(dt.date(2026, 10, 1)):
        page = client.get(reverse("portal:request_new"))
        assert b'value="review"' in page.content and b'value="regular"' not in page.content
        response = client.post(
            reverse("portal:request_new"), {"kind": "regular", "text": "Xin rà soát"}
        )
    assert response.status_code == 200 and "not one of the available choices" in response.text
    assert not CitizenRequest.objects.exists()


# Filing --------------------------------------------------------------------------------------
def test_filing_without_a_code_verified_session_is_refused(client, household):
    url = reverse("portal:request_new")
    assert client.get(url)["Location"] == "/portal/tra-cuu/"
    verified(client, household, with_code=False)  # citizen ID and date of birth alone
    assert client.get(url)["Location"] == "/portal/tra-cuu/"
    response = client.post(url, {"kind": "correction", "text": "Sửa ngày sinh"})
    assert response.status_code == 302 and response["Location"] == "/portal/tra-cuu/"
    assert not CitizenRequest.objects.exists()


def test_a_household_files_online_and_receives_a_tracking_code(
    client, household, django_capture_on_commit_callbacks
):
    verified(client, household)
    page = client.get(reverse("portal:request_new") + "?kind=correction")
    assert "Law 91/2025/QH15" in page.text  # the notice of purpose
    assert re.search(r'value="correction"[^>]*checked', page.text)
    with (
        mock.patch.object(citizen_requests, "_announce") as announce,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("portal:request_new"),
            {
                "kind": "correction",
                "text": "Ngày sinh của chủ hộ bị ghi sai",
                "phone": "0912345678",
            },
        )
    item = CitizenRequest.objects.get()
    announce.assert_called_once_with(item)
    assert CODE.match(item.tracking_code)
    assert response["Location"] == f"/portal/tra-cuu/ho-so/{item.tracking_code}/?new=1"
    status = client.get(response["Location"])
    assert item.tracking_code in status.text
    assert "Received — to be confirmed by the household at the commune" in status.text
    assert item.history.count() == 1


def test_tracking_codes_are_unguessable_and_typed_loosely(household):
    codes = {filed(household, Kind.CORRECTION, dt.date(2026, 3, 2)).tracking_code for _ in range(5)}
    assert len(codes) == 5 and all(CODE.match(c) for c in codes)
    code = next(iter(codes))
    loose = f" {code[:5].lower()}-{code[5:]} "
    assert citizen_requests.request_by_code(loose).tracking_code == code


# The tracking page ------------------------------------------------------------------------------
def test_the_tracking_page_shows_progress_and_deadlines_but_no_registry_personal_data(
    client, people, household
):
    item = filed(household, Kind.REGULAR, dt.date(2026, 3, 20), text="Xin xét lại hộ cận nghèo")
    confirm(people["commune_a_officer"], item, dt.date(2026, 3, 20), evidence=evidence())
    text = client.get(reverse("portal:request_status", args=[item.tracking_code])).text
    assert "Xin xét lại hộ cận nghèo" in text  # what the household typed
    assert "Being reviewed" in text and 'aria-current="step"' in text
    # Received after the 15th: the April review (15/04) decides within 15 days, by 30/04.
    assert "15/04/2026" in text and "30/04/2026" in text
    assert "Decision 24/2021/QĐ-TTg" in text
    for private in (CITIZEN_ID, HEAD, "Trần Thị Cúc", household.code, "Thôn A1", "0912"):
        assert private not in text


def test_an_unknown_tracking_code_is_not_found_and_guessing_is_throttled(
    client, settings, household
):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    item = filed(household, Kind.CORRECTION, dt.date(2026, 3, 2))
    assert (
        client.get(reverse("portal:request_status", args=[item.tracking_code])).status_code == 200
    )
    for guess in ("AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC"):
        assert client.get(reverse("portal:request_status", args=[guess])).status_code == 404
    refused = client.get(reverse("portal:request_status", args=[item.tracking_code]))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    other = client.get(
        reverse("portal:request_status", args=[item.tracking_code]), REMOTE_ADDR="10.9.8.7"
    )
    assert other.status_code == 200


# Confirmation at the commune -------------------------------------------------------------------
def test_regular_review_deadline_is_15_days_from_the_15th_art_5():
    assert legal.regular_review_deadline(dt.date(2026, 3, 10)) == dt.date(2026, 3, 30)
    assert legal.regular_review_deadline(dt.date(2026, 3, 15)) == dt.date(2026, 3, 30)
    assert legal.regular_review_deadline(dt.date(2026, 3, 16)) == dt.date(2026, 4, 30)
    assert legal.regular_review_deadline(dt.date(2026, 12, 20)) == dt.date(2027, 1, 30)


def test_confirming_form_04_opens_a_change_request_decided_15_days_from_the_15th_art_5(
    people, household
):
    officer = people["commune_a_officer"]
    item = filed(household, Kind.REGULAR, dt.date(2026, 3, 5), text="Xin rà soát thoát nghèo")
    with pytest.raises(ValidationError, match="Attach the evidence"):
        confirm(officer, item, dt.date(2026, 3, 10))
    item = confirm(officer, item, dt.date(2026, 3, 10), evidence=evidence())
    change = item.change_request
    assert "Xin rà soát thoát nghèo" in change.reason and item.tracking_code in change.reason
    assert change.status == ChangeRequest.Status.OPEN and change.household == household
    assert change.ad_hoc_round.round_type == RoundType.AD_HOC
    assert change.ad_hoc_round.assessments.filter(household=household).exists()
    assert item.decision_due == dt.date(2026, 3, 30)
    assert (item.status, item.handled_by) == (CitizenRequest.Status.CONFIRMED, officer)
    assert item.handled_at is not None
    assert citizen_requests.stage_of(item) == citizen_requests.Stage.REVIEWING
    with pytest.raises(DomainError, match="already been dealt with"):
        confirm(officer, item, dt.date(2026, 3, 11), evidence=evidence())


def test_confirming_a_complaint_receives_it_with_its_7_working_day_recheck_art_4_3(
    people, posting, household
):
    item = filed(household, Kind.COMPLAINT, dt.date(2025, 10, 2), text="Nhà tôi chưa được xét")
    assert item.review_round == posting
    item = confirm(people["commune_a_officer"], item, dt.date(2025, 10, 3))
    complaint = item.complaint
    assert complaint.round == posting and complaint.household == household
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.received_on == dt.date(2025, 10, 2)  # filed during the posting
    # Thu 2/10 + 7 working days: Fri 3, Mon 6 … Fri 10, Mon 13.
    assert complaint.recheck_due == item.decision_due == dt.date(2025, 10, 13)
    assert "Nhà tôi chưa được xét" in complaint.content


def test_confirming_form_01_lists_the_household_in_the_open_annual_round_art_4_1(
    people, province, household
):
    officer = people["commune_a_officer"]
    with on_day(dt.date(2026, 9, 15)):
        r = services.round_create(
            actor=officer,
            unit=province["A"],
            round_type=RoundType.PERIODIC,
            review_date=dt.date(2026, 9, 15),
        )
    item = filed(household, Kind.REVIEW, dt.date(2026, 9, 20))
    item = confirm(officer, item, dt.date(2026, 9, 21))
    assert item.review_round == r and r.assessments.filter(household=household).exists()
    assert item.decision_due == dt.date(2026, 12, 14)
    assert citizen_requests.stage_of(item) == citizen_requests.Stage.REVIEWING


def test_a_confirmed_form_01_waits_for_the_listing_which_includes_it_art_4_1(
    client, people, province, household
):
    officer = people["commune_a_officer"]
    household.status = HouseholdStatus.LEFT  # not among the households the commune manages
    household.save()
    item = confirm(officer, filed(household, Kind.REVIEW, dt.date(2026, 9, 2)), dt.date(2026, 9, 3))
    assert item.review_round is None and item.decision_due == dt.date(2026, 12, 14)
    assert citizen_requests.stage_of(item) == citizen_requests.Stage.CONFIRMED
    with on_day(dt.date(2026, 9, 10)):
        r = services.round_create(
            actor=officer,
            unit=province["A"],
            round_type=RoundType.PERIODIC,
            review_date=dt.date(2026, 9, 10),
        )
        client.force_login(officer)
        client.post(reverse("reviews:round_list_households", args=[r.pk]))
    item.refresh_from_db()
    assert item.review_round == r
    assert r.assessments.filter(household=household).exists()


def test_form_01_confirmed_after_this_years_listing_waits_for_the_next_one_art_4_1(
    people, posting, household
):
    item = filed(household, Kind.REVIEW, dt.date(2025, 10, 2))
    item = confirm(people["commune_a_officer"], item, dt.date(2025, 10, 3))
    assert item.review_round is None and item.review_year == 2026
    assert item.decision_due == dt.date(2026, 12, 14)


def test_a_correction_becomes_a_change_request_with_its_reason_and_changes_nothing(
    people, household
):
    before = (household.head_name, list(household.members.values_list("full_name", "citizen_id")))
    history = household.history.count()
    item = filed(household, Kind.CORRECTION, dt.date(2026, 3, 2), text="Tên vợ tôi là Trần Thị Cúc")
    item = confirm(people["commune_a_officer"], item, dt.date(2026, 3, 3), evidence=evidence())
    change = item.change_request
    assert "Tên vợ tôi là Trần Thị Cúc" in change.reason
    assert change.changes == {"citizen_request": item.tracking_code, "kind": "correction"}
    household.refresh_from_db()
    after = (household.head_name, list(household.members.values_list("full_name", "citizen_id")))
    assert after == before and household.history.count() == history


def test_a_request_not_accepted_shows_the_reason_on_the_tracking_page(client, people, household):
    item = filed(household, Kind.CORRECTION, dt.date(2026, 3, 2))
    with pytest.raises(DomainError):
        citizen_requests.request_reject(
            actor=people["commune_a_officer"], citizen_request=item, reason=" "
        )
    citizen_requests.request_reject(
        actor=people["commune_a_officer"],
        citizen_request=item,
        reason="Hộ không đến xác nhận trong 30 ngày.",
    )
    text = client.get(reverse("portal:request_status", args=[item.tracking_code])).text
    assert "Not accepted by the commune." in text and "Hộ không đến xác nhận" in text


# The queue -------------------------------------------------------------------------------------
def test_the_commune_officer_confirms_from_the_queue(client, people, household):
    officer = people["commune_a_officer"]
    item = filed(household, Kind.CORRECTION, dt.date(2026, 3, 2))
    client.force_login(officer)
    home = client.get(reverse("home")).text
    assert reverse("portal:request_queue") in home
    queue = client.get(reverse("portal:request_queue")).text
    assert item.tracking_code in queue and household.code in queue
    url = reverse("portal:request_detail", args=[item.pk])
    response = client.post(url, {"confirm": "1", "evidence": evidence()})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == CitizenRequest.Status.CONFIRMED and item.handled_by == officer
    assert item.change_request is not None


def test_an_officer_of_another_commune_cannot_see_or_confirm(client, people, household):
    item = filed(household, Kind.CORRECTION, dt.date(2026, 3, 2))
    stranger = people["commune_b_officer"]
    client.force_login(stranger)
    assert item.tracking_code not in client.get(reverse("portal:request_queue") + "?status=").text
    url = reverse("portal:request_detail", args=[item.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1", "evidence": evidence()}).status_code == 404
    with pytest.raises(PermissionDenied):
        citizen_requests.request_confirm(actor=stranger, citizen_request=item, evidence=evidence())
    item.refresh_from_db()
    assert item.status == CitizenRequest.Status.RECEIVED and item.change_request is None


def test_an_enumerator_has_no_queue(client, province):
    client.force_login(UserFactory(role=Role.ENUMERATOR, unit=province["A"]))
    assert client.get(reverse("portal:request_queue")).status_code == 403
    assert reverse("portal:request_queue") not in client.get(reverse("home")).text


def test_a_filed_request_tells_its_communes_officers_once(
    people, household, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = filed(household, Kind.CORRECTION, dt.date(2026, 3, 2))
    told = Notification.objects.filter(kind=NoticeKind.CITIZEN_REQUEST)
    assert {n.recipient for n in told} == {
        people["commune_a_officer"],
        people["commune_a_chairman"],
    }
    assert {n.url for n in told} == {reverse("portal:request_detail", args=[item.pk])}
    assert all(item.tracking_code in n.title and HEAD not in n.title for n in told)
    citizen_requests._announce(item)  # a second call for the same request tells no one again
    assert Notification.objects.count() == 2
