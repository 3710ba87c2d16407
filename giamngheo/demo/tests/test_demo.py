"""The demo province: idempotent, plausible, and every stored classification reproducible."""

import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.test import Client
from django.urls import reverse

from giamngheo.accounts.models import Role, User
from giamngheo.households.models import Household
from giamngheo.households.services.common import search_text_for
from giamngheo.reviews.models import (
    Assessment,
    Outcome,
    ReviewRound,
    RoundSnapshot,
    RoundStatus,
    RoundSummary,
    SnapshotEntry,
)
from giamngheo.standards import classify_household

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(demo_province, db):
    """The module's one demo build; each test's changes are rolled back to it."""
    return demo_province


def test_demo_prints_a_login_for_every_role(demo):
    for role in Role:
        assert User.objects.filter(role=role).exists(), role
    assert "admin" in demo.output and "chutich" in demo.output


def test_demo_prints_lookup_codes_that_open_a_households_deprivations(demo):
    printed = re.findall(
        r"^  (\d{12})  (\d\d/\d\d/\d{4})  ([A-Z0-9]{5}-[A-Z0-9]{5})  ", demo.output, re.M
    )
    assert 1 <= len(printed) <= 5, demo.output
    for n, (citizen_id, born, code) in enumerate(printed):
        client = Client(REMOTE_ADDR=f"192.0.2.{n + 1}")
        client.cookies["django_language"] = "en"
        data = {"citizen_id": citizen_id, "date_of_birth": born, "code": code}
        response = client.post(reverse("portal:lookup"), data)
        assert response.status_code == 302, citizen_id
        result = client.get(response["Location"]).content.decode()
        assert "Grounds for the classification" in result
        assert citizen_id not in result


def test_demo_has_two_approved_rounds_with_flows(demo):
    assert set(ReviewRound.objects.values_list("year", flat=True)) == {2024, 2025}
    assert not ReviewRound.objects.exclude(status=RoundStatus.APPROVED).exists()
    assert Outcome.objects.filter(round__year=2025).exists()
    assert Household.objects.filter(code__startswith="31-").count() == demo.households


def test_stored_classifications_are_what_the_engine_says_of_the_stored_facts(demo):
    for assessment in Assessment.objects.order_by("?")[:150]:
        facts = dict(assessment.facts, household_id=str(assessment.pk), members=assessment.members)
        result = classify_household(facts, standard=assessment.standard)
        assert result["class"] == assessment.poverty_class
        assert result["deprived"] == assessment.deprived
        assert result["explanation"] == assessment.explanation


def test_running_the_demo_again_changes_no_household(demo):
    before = Household.objects.count(), Assessment.objects.count()
    call_command("demo", households=demo.households, stdout=io.StringIO())
    assert (Household.objects.count(), Assessment.objects.count()) == before


def test_every_approved_demo_round_is_frozen_with_all_its_households(demo, client):
    assessed = dict(
        Assessment.objects.values("round").annotate(n=Count("id")).values_list("round", "n")
    )
    frozen = dict(
        SnapshotEntry.objects.values("snapshot__round")
        .annotate(n=Count("id"))
        .values_list("snapshot__round", "n")
    )
    assert frozen == assessed and len(frozen) == ReviewRound.objects.count()
    assert set(RoundSnapshot.objects.values_list("taken_from", flat=True)) == {"seeded"}
    entry = SnapshotEntry.objects.exclude(class_printed="").select_related("household").first()
    assert entry.head_name == entry.household.head_name and entry.member_count >= 1
    page = client.get(f"/portal/niem-yet/{entry.snapshot.round_id}/").content.decode()
    assert entry.head_name in page
    # Each round is also counted by village and class, households for households.
    summed = dict(
        RoundSummary.objects.values("round").annotate(n=Sum("households")).values_list("round", "n")
    )
    assert summed == assessed


def test_demo_households_are_searchable_as_the_registry_keeps_them(demo):
    for household in Household.objects.order_by("pk")[:200]:
        names = household.members.order_by("member_no").values_list("full_name", flat=True)
        assert household.search_text == search_text_for(household, list(names))


def test_demo_shows_reminders_and_remind_run_twice_sends_each_once(
    demo, django_capture_on_commit_callbacks
):
    from django.core import mail

    from giamngheo.notifications.models import Notification

    assert Notification.objects.filter(recipient__username="xa").exists()
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", stdout=io.StringIO())
        call_command("remind", stdout=io.StringIO())
    assert Notification.objects.count() == before
    assert mail.outbox == []
