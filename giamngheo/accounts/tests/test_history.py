"""Every model a person edits keeps its history: who, when, what, why."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from simple_history.models import HistoricalChanges

from giamngheo.accounts.models import Role, User
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.reports.models import Target
from giamngheo.reports.services import target_save
from giamngheo.reviews.models import Baseline, BaselineEntry
from giamngheo.reviews.services import baseline_create

# Our models without history, each with the reason.
EXEMPT = {
    "reviews.RoundTransition": "append-only log of a round's steps: it is itself the history",
    "reviews.Outcome": "derived at approval from the approved assessments; nobody edits it",
    "households.PersonalDataAccess": "append-only log of who read a citizen ID",
    "api.ApiToken": "a credential's hash; created_at/revoked_at on the row tell its story",
    "api.DigestCredential": "a password-equivalent digest: copies must not outlive a change",
    "api.SubmissionAttachment": "files of an inbound submission, kept exactly as received",
    "jobs.Job": "a background job's own row (state, progress), written by the worker",
    "jobs.WorkerHeartbeat": "a worker's liveness beacon, rewritten every few seconds by the worker",
    "reviews.RoundSnapshot": "written once at approval and read-only afterwards: it is the record",
    "reviews.SnapshotEntry": "written once at approval and read-only afterwards: it is the record",
    "reviews.RoundSummary": "counted once from the approved snapshot and never edited: a later "
    "decision is a round with its own summary",
    "reviews.FlowSummary": "counted once from the approved outcomes and never edited, like "
    "RoundSummary",
    "reviews.DeprivationSummary": "counted once from the approved snapshot and never edited, like "
    "RoundSummary",
    "reviews.StoredDocument": "a generated file with its checksum, written once and never edited",
    "reports.FactsExport": "append-only log of who exported pseudonymous facts: it is the record",
    "households.RegistryImport": "append-only log of registry imports: it is the audit record",
    "portal.LookupAttempt": "append-only log of citizen lookups: it is the record",
    "geo.UnitsVersion": "a random token rewritten whenever units change, so processes drop what "
    "they derived from the old ones; the units and successions keep their own history",
    "reviews.FiguresVersion": "a random token rewritten whenever approved rounds, their summaries "
    "or resident counts change, so the kept figures are computed again; those keep their history",
    "notifications.Notification": "a message written once to one person by the system; only "
    "its read time changes, by that person",
}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def _our_models():
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("giamngheo.") and not issubclass(m, HistoricalChanges)
    ]


def _has_history(model) -> bool:
    return hasattr(model, "history") and hasattr(model.history, "model")


def test_every_model_a_person_edits_keeps_history():
    missing = [_label(m) for m in _our_models() if not _has_history(m) and _label(m) not in EXEMPT]
    assert not missing, (
        f"Give these models `history = HistoricalRecords()` (and a migration), or list them in "
        f"EXEMPT with the reason: {missing}"
    )


def test_every_admin_model_of_ours_keeps_history_and_the_exemptions_are_current():
    ours = {_label(m) for m in _our_models()}
    assert set(EXEMPT) <= ours, "an exempt model no longer exists"
    for model in admin.site._registry:
        if _label(model) in ours:
            assert _has_history(model) or _label(model) in EXEMPT, _label(model)
    assert not any(_has_history(apps.get_model(label)) for label in EXEMPT)


def test_user_history_never_copies_the_password(db):
    fields = {f.name for f in User.history.model._meta.fields}
    assert "password" not in fields and "last_login" not in fields
    user = UserFactory(role=Role.AUDITOR)
    user.set_password("another-secret")
    user.first_name = "An"
    user.save()
    assert user.history.count() >= 1
    assert user.history.first().first_name == "An"


@pytest.fixture
def province(db):
    return build_small_province()


def test_target_history_records_the_province_officer_and_the_decision(province):
    officer = UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])
    target = target_save(
        actor=officer,
        unit=province["A"],
        year=2025,
        measure="poor_rate_reduction",
        value=Decimal("1.5"),
        legal_basis="Nghị quyết 12/NQ-HĐND",
    )
    target_save(
        actor=officer,
        target=target,
        unit=province["A"],
        year=2025,
        measure="poor_rate_reduction",
        value=Decimal("2"),
        legal_basis="Nghị quyết 15/NQ-HĐND",
    )
    rows = list(Target.history.filter(id=target.pk).order_by("history_date"))
    assert [(r.value, r.history_user, r.history_change_reason) for r in rows] == [
        (Decimal("1.5"), officer, "Nghị quyết 12/NQ-HĐND"),
        (Decimal("2"), officer, "Nghị quyết 15/NQ-HĐND"),
    ]


def test_baseline_history_records_who_recorded_the_list(province):
    officer = UserFactory(role=Role.PROVINCE_OFFICER, unit=province["P"])
    household = HouseholdFactory(unit=province["A1"], code="31-11001-000001", area="rural")
    baseline = baseline_create(
        actor=officer,
        unit=province["A"],
        year=2024,
        decision_number="15/QĐ-UBND",
        decision_date=dt.date(2024, 12, 20),
        entries=[(household.code, "nghèo")],
    )
    record = Baseline.history.get(id=baseline.pk)
    assert (record.history_user, record.history_change_reason) == (officer, "15/QĐ-UBND")
    entry = BaselineEntry.history.get(baseline_id=baseline.pk)
    assert entry.history_user == officer and entry.poverty_class == "poor"
