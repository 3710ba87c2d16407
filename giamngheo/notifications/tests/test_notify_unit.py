"""`notify_unit`: how another app (a citizen's request) tells a commune's officers."""

from django.core import mail

from giamngheo.notifications.models import Kind, Notification
from giamngheo.notifications.services import notify_unit


def test_notify_unit_tells_the_communes_officers_once_and_no_other_commune(
    people, province, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            notify_unit(
                province["A1"],  # a village's request belongs to its commune
                title="Đề nghị mới",
                body="Hộ 31-11001-000001 đề nghị rà soát.",
                url="/reviews/",
                dedupe_key="citizen-request:17",
            )

    told = Notification.objects.filter(kind=Kind.CITIZEN_REQUEST)
    assert set(told.values_list("recipient__username", flat=True)) == {"officer_a", "chairman_a"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chairman_a@example.gov.vn",
        "officer_a@example.gov.vn",
    ]


def test_notify_unit_skips_closed_accounts(people, province):
    people["commune_a_chairman"].is_active = False
    people["commune_a_chairman"].save()
    created = notify_unit(province["A"], title="x", dedupe_key="citizen-request:1")
    assert [n.recipient.username for n in created] == ["officer_a"]
