"""Figures kept in the cache (`reviews.version.remembered`) are the figures computed afresh, and a
change to what they add up is seen by the very next read.

The reports' province (`fixtures.build_reports_province`): A's 2025 round approved, B's reported,
and a 2026 round of A still in progress with 3 poor households in A1.
"""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.households.models import ResidentCount
from giamngheo.reports.selectors import breakdowns, flows
from giamngheo.reports.selectors.dashboard import dashboard
from giamngheo.reports.selectors.figures import published_summary, published_years, unit_summary
from giamngheo.reports.tests.fixtures import build_reports_province
from giamngheo.reviews.models import RoundStatus, RoundSummary
from giamngheo.reviews.services import resident_count_set, round_approve
from giamngheo.reviews.version import figures_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def u():
    u = build_reports_province()
    u["officer"] = UserFactory(role=Role.PROVINCE_OFFICER, unit=u["P"])
    return u


@contextmanager
def uncached():
    """Every `remembered` figure computed afresh and nothing kept."""
    with (
        mock.patch("giamngheo.reviews.version.cache.get", side_effect=lambda _k, d=None: d),
        mock.patch("giamngheo.reviews.version.cache.set"),
    ):
        yield


def figures(summary) -> list:
    return [
        (row.unit_pk, row.households, row.persons, sorted(row.counts.items()), row.exact)
        for row in [*summary.rows, summary.total]
    ]


def board(d) -> tuple:
    return (
        d.year,
        d.years,
        figures(d.summary),
        [(y, row.counts, row.households) for y, row in d.trend],
        d.flows.households,
        d.deprivations,
        d.groups,
        [(label, row.counts) for label, row in d.by_area],
    )


@pytest.mark.parametrize("unit", ["P", "A"])
def test_kept_figures_equal_the_figures_computed_afresh(u, unit):
    officer = u["officer"]
    with uncached():
        fresh = board(dashboard(actor=officer, unit=u[unit]))
        form_1 = figures(unit_summary(actor=officer, unit=u[unit], year=2025))
    first = board(dashboard(actor=officer, unit=u[unit]))  # computes and keeps
    with CaptureQueriesContext(connection) as read:
        kept = board(dashboard(actor=officer, unit=u[unit]))
    assert fresh == first == kept
    assert figures(unit_summary(actor=officer, unit=u[unit], year=2025)) == form_1
    # The second read took the kept figures: no summary was summed again.
    assert not [q for q in read.captured_queries if RoundSummary._meta.db_table in q["sql"]]


def test_a_kept_figure_carries_the_callers_unit(u):
    """What the request knows of its unit is not replaced by the copy kept with the figures."""
    published_summary(unit=u["P"], year=2025)
    summary = published_summary(unit=u["P"], year=2025)
    assert summary.unit is u["P"] and summary.total.unit is u["P"]
    table = breakdowns.plain_groups(actor=u["officer"], unit=u["P"], year=2025)
    table = breakdowns.plain_groups(actor=u["officer"], unit=u["P"], year=2025)
    assert table.unit is u["P"]
    movement = flows.unit_flows(actor=u["officer"], unit=u["P"], year=2025, persons=False)
    movement = flows.unit_flows(actor=u["officer"], unit=u["P"], year=2025, persons=False)
    assert movement.unit is u["P"] and movement.total.unit is u["P"]


def _approve_2026(u) -> None:
    pending = u["A"].review_rounds.get(year=2026)
    type(pending).objects.filter(pk=pending.pk).update(status=RoundStatus.APPROVAL)
    chairman = UserFactory(role=Role.COMMUNE_CHAIRMAN, unit=u["A"])
    day = dt.date(2026, 12, 1)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        round_approve(
            actor=chairman,
            review_round=pending,
            decision_number="7/QĐ-UBND",
            decision_date=day,
        )


def test_an_approval_is_seen_at_the_next_read(u, django_capture_on_commit_callbacks):
    """The year and its figures appear at once, in every process (the token changes with the
    approval's transaction and again after it commits)."""
    ResidentCount.objects.create(unit=u["A"], year=2026, households=300, persons=900)
    assert published_years(unit=u["P"]) == [2025, 2024]
    before = figures_token()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _approve_2026(u)
    assert callbacks and figures_token() != before
    assert published_years(unit=u["P"]) == [2026, 2025, 2024]
    summary = published_summary(unit=u["P"], year=2026)
    assert summary.total.counts["poor"] == 3 and summary.total.households == 300
    with uncached():
        assert figures(published_summary(unit=u["P"], year=2026)) == figures(summary)


def test_a_round_leaving_approval_is_seen_at_the_next_read(u):
    """However it leaves approval (the administrator's form saves the round), its year goes."""
    assert published_summary(unit=u["A"], year=2025).total.counts["poor"] == 4
    assert published_years(unit=u["A"]) == [2025, 2024]
    round_a = u["round_A"]
    round_a.status = RoundStatus.COMPLAINTS
    round_a.save()
    assert published_years(unit=u["A"]) == [2024]
    province = published_summary(unit=u["P"], year=2025)
    assert province.total.counts.get("poor", Decimal(0)) == 1  # B's only
    with uncached():
        assert figures(published_summary(unit=u["P"], year=2025)) == figures(province)


def _row(summary, unit):
    return next(row for row in summary.rows if row.unit_pk == unit.pk)


def test_a_resident_count_is_seen_at_the_next_read(u):
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=u["A"])
    assert _row(published_summary(unit=u["P"], year=2025), u["A"]).households == 200
    resident_count_set(actor=officer, unit=u["A"], year=2025, households=400, persons=1200)
    row = _row(published_summary(unit=u["P"], year=2025), u["A"])
    assert row.households == 400 and row.rate("poor") == Decimal("1.00")  # 4 of 400


def test_a_units_change_is_seen_at_the_next_read(u):
    published_summary(unit=u["P"], year=2025)
    u["A"].name = "Xã A mới"
    u["A"].save()
    assert _row(published_summary(unit=u["P"], year=2025), u["A"]).label == "Xã A mới"


def test_a_migrate_renews_the_figures_token():
    """A new release may keep figures differently: what the release before kept is not read."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    before = figures_token()
    config = apps.get_app_config("reviews")
    post_migrate.send(
        sender=config, app_config=config, verbosity=0, interactive=False, using="default", apps=apps
    )
    assert figures_token() != before
