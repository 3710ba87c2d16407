import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from giamngheo.reviews import services
from giamngheo.reviews.models import Complaint
from giamngheo.reviews.selectors import overdue_rounds
from giamngheo.reviews.tests.conftest import POOR, on_day

pytestmark = pytest.mark.django_db


def _receive(people, r, household, day):
    return services.complaint_receive(
        actor=people["commune_a_officer"],
        review_round=r,
        household=household,
        received_on=day,
        complainant="Người dân",
        content="Kết quả chưa đúng",
    )


def test_complaints_are_received_only_during_the_posting(people, posting, households_a):
    with on_day(dt.date(2025, 10, 3)):
        with pytest.raises(ValidationError, match="before the posting started on 01/10/2025"):
            _receive(people, posting, households_a[1], dt.date(2025, 9, 30))
        complaint = _receive(people, posting, households_a[1], dt.date(2025, 10, 3))
    assert complaint.recheck_due == dt.date(2025, 10, 14)
    assert complaint.class_before == "not_poor"
    with on_day(dt.date(2025, 10, 6)):
        services.round_advance(actor=people["commune_a_officer"], review_round=posting)
        with pytest.raises(ValidationError, match="received while the results are posted"):
            _receive(people, posting, households_a[1], dt.date(2025, 10, 6))
        with pytest.raises(ValidationError, match="still to be re-checked"):
            services.round_advance(actor=people["commune_a_officer"], review_round=posting)


def test_a_complaint_not_rechecked_in_seven_working_days_flags_the_round(
    people, posting, households_a
):
    with on_day(dt.date(2025, 10, 2)):
        _receive(people, posting, households_a[1], dt.date(2025, 10, 2))
    officer = people["commune_a_officer"]
    assert not overdue_rounds(actor=officer, today=dt.date(2025, 10, 13))
    assert list(overdue_rounds(actor=officer, today=dt.date(2025, 10, 14))) == [posting]


def test_a_dismissed_complaint_keeps_the_result_and_is_audited(people, posting, households_a):
    with on_day(dt.date(2025, 10, 2)):
        complaint = _receive(people, posting, households_a[0], dt.date(2025, 10, 2))
        with pytest.raises(PermissionDenied):
            services.complaint_recheck(
                actor=people["commune_b_officer"],
                complaint=complaint,
                resolution="x",
                dismiss=True,
            )
        with pytest.raises(ValidationError, match="result of the re-check"):
            services.complaint_recheck(
                actor=people["commune_a_officer"],
                complaint=complaint,
                resolution=" ",
                dismiss=True,
            )
        services.complaint_recheck(
            actor=people["commune_a_officer"],
            complaint=complaint,
            resolution="Giữ nguyên kết quả",
            dismiss=True,
        )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DISMISSED
    assert complaint.class_after == complaint.class_before == "poor"
    assert complaint.resolved_by == people["commune_a_officer"]
    assert complaint.history.count() == 2


def test_a_household_left_off_the_list_is_surveyed_and_classified_through_its_complaint(
    client, people, posting, households_a
):
    from django.urls import reverse

    from giamngheo.reviews.tests.conftest import ADULT

    h3 = households_a[2]
    assert not posting.assessments.filter(household=h3).exists()
    client.force_login(people["commune_a_officer"])
    with on_day(dt.date(2025, 10, 2)):
        complaint = _receive(people, posting, h3, dt.date(2025, 10, 2))
        url = reverse("reviews:complaint_recheck", args=[complaint.pk])
        early = client.post(url, {"resolution": "Phúc tra", "income_per_capita_month": 1})
        assert early.status_code == 200  # not every section answered yet: a message, no error
        for section, values in POOR.items():
            data = {
                k: ("true" if v is True else "false" if v is False else "" if v is None else v)
                for k, v in values.items()
            }
            response = client.post(f"{url}?section={section}", {**data, "save_section": "1"})
            assert response.status_code == 302
        member = posting.assessments.get(household=h3).members[0]["member_id"]
        data = {
            k: ("true" if v is True else "false" if v is False else "" if v is None else v)
            for k, v in ADULT.items()
        }
        client.post(f"{url}?section=member-{member}", {**data, "save_section": "1"})
        response = client.post(
            f"{url}?section=general",
            {
                **{k: v for k, v in POOR["general"].items() if v is not None},
                "nlnn": "true",
                "resolution": "Hộ đủ điều kiện, bổ sung vào danh sách",
            },
        )
        assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECHECKED
    assert (complaint.class_before, complaint.class_after) == ("", "poor")
    assert posting.assessments.get(household=h3).source == "complaint"
