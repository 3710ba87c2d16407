"""Approval counts a periodic round once (`RoundSummary`), from what it froze, and never again."""

import importlib
from collections import Counter

import pytest
from django.apps import apps as django_apps

from giamngheo.households import services as registry
from giamngheo.reviews.models import RoundSummary, SnapshotEntry
from giamngheo.reviews.tests.conftest import NEAR_POOR, NOT_POOR, POOR
from giamngheo.reviews.tests.helpers import run_round

pytestmark = pytest.mark.django_db


def _summary(review_round) -> dict:
    return {
        (s.village_id, s.poverty_class): (s.households, s.persons, s.nlnn_households)
        for s in RoundSummary.objects.filter(round=review_round)
    }


def _from_entries(review_round) -> dict:
    """The same counts taken one entry at a time from the snapshot."""
    households: Counter = Counter()
    persons: Counter = Counter()
    nlnn: Counter = Counter()
    for entry in SnapshotEntry.objects.filter(snapshot__round=review_round).select_related(
        "assessment"
    ):
        key = (entry.village_id, entry.poverty_class)
        households[key] += 1
        persons[key] += len(entry.assessment.members)
        nlnn[key] += bool((entry.assessment.facts or {}).get("nlnn"))
    return {key: (households[key], persons[key], nlnn[key]) for key in households}


def test_approval_summarises_the_frozen_round_and_later_edits_leave_it(
    people, province, households_a
):
    h1, h2, h3 = households_a
    officer = people["commune_a_officer"]
    approved = run_round(
        officer,
        people["commune_a_chairman"],
        h1.unit.parent,
        2025,
        {h1: POOR, h2: NEAR_POOR, h3: NOT_POOR},
    )
    summary = _summary(approved)
    assert summary == _from_entries(approved)
    assert sum(households for households, _, _ in summary.values()) == 3
    assert {klass for _, klass in summary} == {"poor", "near_poor", "not_poor"}
    registry.household_update(
        actor=officer, household=h1, data={"unit": province["A2"]}, reason="Chuyển nơi ở"
    )
    registry.member_update(
        actor=officer,
        member=h2.members.get(member_no=1),
        data={"full_name": "Tên Mới"},
        reason="Đổi tên",
    )
    assert _summary(approved) == summary

    # The upgrade counts rounds approved before summaries existed, from their snapshots.
    RoundSummary.objects.filter(round=approved).delete()
    migration = importlib.import_module(
        "giamngheo.reviews.migrations.0012_summarise_rounds_approved_before_summaries"
    )
    migration.summarise_approved_rounds(django_apps, None)
    assert _summary(approved) == summary
