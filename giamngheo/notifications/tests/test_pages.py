"""The bell, the list (read on open, all read) and the e-mail choices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from giamngheo.notifications.models import EMAIL_BY_DEFAULT, Kind, Notification
from giamngheo.notifications.selectors import preferences
from giamngheo.notifications.services import notify_unit


@pytest.fixture
def officer_client(client, people, province):
    for n in range(2):
        notify_unit(province["A"], title=f"Đề nghị {n}", url="/reviews/", dedupe_key=f"k{n}")
    client.force_login(people["commune_a_officer"])
    return client


def _count(response) -> str | None:
    html = response.content.decode()
    marker = '<span class="bell-count">'
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split("<", 1)[0]


def test_bell_shows_the_unread_count_on_every_staff_page(officer_client, people):
    assert _count(officer_client.get(reverse("households:list"))) == "2"
    assert _count(officer_client.get(reverse("notifications:list"))) == "2"


def test_bell_costs_one_count_query(officer_client):
    with CaptureQueriesContext(connection) as queries:
        officer_client.get(reverse("notifications:preferences"))
    counts = [q["sql"] for q in queries if '"notifications_notification"' in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(officer_client, people):
    notification = Notification.objects.filter(recipient=people["commune_a_officer"]).first()
    response = officer_client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/reviews/"
    notification.refresh_from_db()
    assert notification.is_read
    assert _count(officer_client.get(reverse("notifications:list"))) == "1"


def test_mark_all_read_clears_the_bell(officer_client):
    officer_client.post(reverse("notifications:mark_all_read"))
    assert _count(officer_client.get(reverse("notifications:list"))) is None
    assert not Notification.objects.filter(recipient__username="officer_a", read_at=None).exists()


def test_nobody_opens_anothers_notification(officer_client, people):
    theirs = Notification.objects.get(recipient=people["commune_a_chairman"], dedupe_key="k0")
    response = officer_client.get(reverse("notifications:open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_a_link_to_another_site_is_not_followed(client, people, province):
    notify_unit(province["A"], title="x", url="https://evil.example/", dedupe_key="evil")
    client.force_login(people["commune_a_officer"])
    notification = Notification.objects.get(recipient=people["commune_a_officer"])
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_preferences_page_turns_email_off_per_kind(client, people):
    officer = people["commune_a_officer"]
    client.force_login(officer)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    for _kind, label in Kind.choices:
        assert str(label) in page.content.decode()

    keep = [Kind.COMPLAINT_DUE, Kind.JOB_FINISHED]
    client.post(reverse("notifications:preferences"), {"email": keep})

    chosen = {p.kind: p.email for p in preferences(actor=officer)}
    assert chosen == {kind: kind in keep for kind in Kind.values}
    assert officer.notification_preferences.get(kind=Kind.POSTING_ENDING).history.count() == 1


def test_by_default_every_kind_is_emailed_but_ones_own_jobs():
    assert EMAIL_BY_DEFAULT[Kind.JOB_FINISHED] is False
    assert all(EMAIL_BY_DEFAULT[k] for k in Kind.values if k != Kind.JOB_FINISHED)
