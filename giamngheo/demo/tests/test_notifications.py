import datetime as dt
import io

import pytest
from django.core import mail

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.demo.notifications import notifications_seed_demo
from giamngheo.notifications.models import Kind, Notification
from giamngheo.programs.models import Inspection

pytestmark = pytest.mark.django_db


def test_demo_reminds_of_an_undone_inspection_once(
    units, province_officer, django_capture_on_commit_callbacks
):
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=units["A"], email="xa@example.gov.vn")
    UserFactory(role=Role.COMMUNE_OFFICER, unit=units["B"], email="b@example.gov.vn")
    today = dt.date(2026, 12, 7)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            notifications_seed_demo(
                province=units["P"], commune=units["A"], stdout=io.StringIO(), today=today
            )

    assert Inspection.objects.filter(unit=units["A"]).count() == 1
    told = Notification.objects.filter(kind=Kind.INSPECTION_OVERDUE)
    assert set(told.values_list("recipient", flat=True)) == {officer.pk, province_officer.pk}
    assert [m.to for m in mail.outbox] == [["xa@example.gov.vn"]]
