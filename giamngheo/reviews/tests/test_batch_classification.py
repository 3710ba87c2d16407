"""The bulk paths store what classifying each household alone stores (Decree 07/2021 Art. 3)."""

import copy
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from giamngheo.households.models import Household
from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus
from giamngheo.reviews.services import classification
from giamngheo.reviews.services.assessments import assessment_classify
from giamngheo.reviews.services.classification import CLASSIFICATION_FIELDS
from giamngheo.standards.tests.test_explain_batch import varied
from giamngheo.standards.tests.test_properties import REVIEW_DATE

# 100 batches of up to 40 households: about two thousand varied households per run.
BATCHES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOT_FACTS = {"household_id", "review_date", "round_type", "standard", "members", "deprivations"}
STORED = [f for f in CLASSIFICATION_FIELDS if f not in ("classified_at", "updated_at")]


def _round(std: str, in_force: bool) -> ReviewRound:
    review = dt.date.fromisoformat(REVIEW_DATE[std])
    if not in_force:  # the round's date moved after it opened: its standard no longer applies
        review = review.replace(year=review.year - 12)
    return ReviewRound(
        pk=None, standard=std, review_date=review, round_type="ad_hoc", status=RoundStatus.SURVEY
    )


def _assessment(record: dict[str, Any], review_round: ReviewRound, code: str) -> Assessment:
    members = []
    for m in record["members"]:
        m = dict(m)
        m.pop("age", None)  # the forms keep a date of birth; without one the engine refuses
        members.append(m)
    return Assessment(
        round=review_round,
        household=Household(code=code, area=record.get("area") or "rural"),
        facts={k: v for k, v in record.items() if k not in NOT_FACTS},
        members=members,
    )


@st.composite
def rounds_of_assessments(draw) -> list[Assessment]:
    out = []
    for r in range(draw(st.integers(1, 3))):
        std = draw(st.sampled_from(sorted(REVIEW_DATE)))
        review_round = _round(std, in_force=draw(st.integers(0, 9)) > 0)
        for k in range(draw(st.integers(1, 15))):
            record = draw(varied(f"h{k}"))
            record.pop("deprivations", None)  # the forms never give deprivations
            out.append(_assessment(record, review_round, f"R{r}-{k}"))
    return out


@BATCHES
@given(rounds_of_assessments())
def test_the_batch_path_stores_what_classifying_each_household_alone_stores(assessments):
    alone = copy.deepcopy(assessments)
    for a in alone:
        assessment_classify(a)
    classification.assessments_classify(assessments)
    for a, b in zip(assessments, alone, strict=True):
        assert [getattr(a, f) for f in STORED] == [getattr(b, f) for f in STORED]
        assert (a.classified_at is None) == (b.classified_at is None)


def test_no_assessments_is_nothing_to_classify():
    classification.assessments_classify([])


@pytest.mark.django_db
def test_storing_no_assessments_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        classification.assessments_store([], actor=None, fields=STORED, reason="x")


# --- stored through the services (database) ---------------------------------------------------


@pytest.fixture
def classified_round(people, province, households_a):
    """A round in its survey step, every household's form B answered (poor under vn-2022)."""
    from giamngheo.reviews import services
    from giamngheo.reviews.models import RoundType
    from giamngheo.reviews.tests.conftest import POOR, on_day
    from giamngheo.reviews.tests.helpers import answer

    officer = people["commune_a_officer"]
    day = dt.date(2025, 10, 1)
    with on_day(day):
        r = services.round_create(
            actor=officer, unit=province["A"], round_type=RoundType.PERIODIC, review_date=day
        )
        services.round_list_households(actor=officer, review_round=r)
        services.round_advance(actor=officer, review_round=r)
        for a in r.assessments.all():
            services.assessment_screen(actor=officer, assessment=a, markers=[])
        services.round_advance(actor=officer, review_round=r)
        for a in r.assessments.all():
            answer(officer, a, POOR)
    return r


@pytest.mark.django_db
def test_round_reclassify_writes_only_changed_results_with_who_and_why(people, classified_round):
    officer = people["commune_a_officer"]
    stale = classified_round.assessments.order_by("pk").first()
    expected = {f: getattr(stale, f) for f in STORED}
    Assessment.objects.filter(pk=stale.pk).update(engine_version="0.0-old", explanation=[])
    histories = {a.pk: a.history.count() for a in classified_round.assessments.all()}

    done = classification.round_reclassify(actor=officer, review_round=classified_round)

    assert done == {"classified": 3, "changed": 1}
    stale.refresh_from_db()
    assert {f: getattr(stale, f) for f in STORED} == expected
    latest = stale.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        officer,
        "Round classified again",
    )
    after = {a.pk: a.history.count() for a in classified_round.assessments.all()}
    assert after == {pk: n + (pk == stale.pk) for pk, n in histories.items()}


@pytest.mark.django_db
def test_round_reclassify_is_refused_outside_the_survey_step_and_the_commune(
    people, classified_round
):
    from giamngheo.errors import DomainError

    with pytest.raises(PermissionDenied):
        classification.round_reclassify(
            actor=people["commune_b_officer"], review_round=classified_round
        )
    ReviewRound.objects.filter(pk=classified_round.pk).update(status=RoundStatus.MEETING)
    with pytest.raises(DomainError, match="after the meeting only a complaint"):
        classification.round_reclassify(
            actor=people["commune_a_officer"], review_round=classified_round
        )


@pytest.mark.django_db
def test_an_answers_import_stores_each_household_with_the_officer_and_the_file_named(
    client, people, province, households_a
):
    from giamngheo.reviews.tests import test_imports

    survey_round = test_imports.survey_round.__wrapped__(people, province, households_a)
    client.force_login(people["commune_a_officer"])
    test_imports._upload(client, survey_round, test_imports._filled_template(client, survey_round))
    for a in survey_round.assessments.all():
        latest = a.history.first()
        assert a.poverty_class == "poor"
        assert latest.history_user == people["commune_a_officer"]
        assert latest.history_change_reason == "Form B imported from answers.xlsx"


# --- a round's re-classification stored, on each database -------------------------------------

_codes = iter(range(10**9))
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's path; CI runs it in that pass."
)


@st.composite
def drawn_rounds(draw) -> list[tuple[str, bool, list[dict[str, Any]]]]:
    """Rounds (standard, in force or not) and their households' records, as plain data."""
    out = []
    for _r in range(draw(st.integers(1, 3))):
        std = draw(st.sampled_from(sorted(REVIEW_DATE)))
        records = []
        for k in range(draw(st.integers(1, 60))):
            record = draw(varied(f"h{k}"))
            record.pop("deprivations", None)  # the forms never give deprivations
            records.append(record)
        out.append((std, draw(st.integers(0, 9)) > 0, records))
    return out


def _saved(
    rounds_drawn: list[tuple[str, bool, list[dict[str, Any]]]],
    officer,
    village,
    *,
    rng_due: list[int],
) -> list[ReviewRound]:
    """The drawn rounds and assessments in the database; ``rng_due`` says which are due
    (0: form B complete, 1: a member's section missing, 2: screened out)."""
    from giamngheo.reviews.facts import HOUSEHOLD_SECTIONS, member_section

    drawn = [
        _assessment(record, review_round, "")
        for std, in_force, records in rounds_drawn
        for review_round in [_round(std, in_force)]
        for record in records
    ]
    rounds: dict[int, ReviewRound] = {}
    for a in drawn:
        r = a.round
        if id(r) not in rounds:
            r.unit, r.year, r.created_by = officer.unit, r.review_date.year, officer
            r.save()
            rounds[id(r)] = r
        a.round = r
    households = Household.objects.bulk_create(
        [
            Household(
                code=f"BS-{next(_codes)}", unit=village, head_name="Hộ", area=a.household.area
            )
            for a in drawn
        ]
    )
    for a, h, due in zip(drawn, households, rng_due[: len(drawn)], strict=True):
        a.household = h
        members = [member_section(m["member_id"]) for m in a.members if "member_id" in m]
        a.sections_done = [*HOUSEHOLD_SECTIONS, *(members[1:] if due == 1 and members else members)]
        a.screened_out = due == 2
    Assessment.objects.bulk_create(drawn)
    return list(rounds.values())


def _history(review_round: ReviewRound, after: int) -> dict[int, dict[str, Any]]:
    from django.forms.models import model_to_dict

    rows = Assessment.history.filter(round_id=review_round.pk, history_id__gt=after)
    out = {}
    for row in rows:
        values = model_to_dict(row, exclude=["history_id", "history_date", "classified_at"])
        values |= {
            "type": row.history_type,
            "reason": row.history_change_reason,
            "user": row.history_user_id,
            "dated_as_written": row.history_date == row.updated_at,
        }
        out[row.id] = values
    return out


def _last_history_id() -> int:
    last = Assessment.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return last or 0


def _values(review_round: ReviewRound) -> dict[int, list[Any]]:
    return {
        a.pk: [*(getattr(a, f) for f in STORED), a.classified_at is None]
        for a in review_round.assessments.all()
    }


# No shrinking: each example writes rows, and a failure shows its households anyway.
DB_BATCHES = settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.mark.django_db
@DB_BATCHES
@given(drawn=drawn_rounds(), due=st.lists(st.sampled_from([0, 0, 0, 0, 1, 2]), min_size=180))
def test_round_reclassify_stores_what_classifying_each_household_alone_stores(
    people, province, drawn, due
):
    """About two thousand varied households over the examples (up to 3 rounds of up to 60), in rounds whose standard is in
    force or not: the stored classes, deprivations, explanations and errors are those of
    ``assessment_classify``; households not due are left as they were."""
    officer = people["commune_a_officer"]
    for review_round in _saved(drawn, officer, province["A1"], rng_due=due):
        before = _values(review_round)
        expected = {}
        for a in review_round.assessments.select_related("household", "round"):
            if a.screened_out or not all(s in a.sections_done for s in _required(a)):
                expected[a.pk] = before[a.pk]
                continue
            assessment_classify(a)
            expected[a.pk] = [*(getattr(a, f) for f in STORED), a.classified_at is None]
        after = _last_history_id()
        done = classification.round_reclassify(actor=officer, review_round=review_round)
        assert _values(review_round) == expected
        written = _history(review_round, after)
        assert done["changed"] == len(written)
        assert {v["type"] for v in written.values()} <= {"~"}
        assert all(
            (v["user"], v["reason"], v["dated_as_written"])
            == (officer.pk, "Round classified again", True)
            for v in written.values()
        )


def _required(a: Assessment) -> list[str]:
    from giamngheo.reviews.services.assessments import required_sections

    return required_sections(a)


@ON_POSTGRESQL
@pytest.mark.django_db
@DB_BATCHES
@given(drawn=drawn_rounds(), due=st.lists(st.sampled_from([0, 0, 0, 0, 1, 2]), min_size=180))
def test_the_column_path_stores_and_audits_what_the_instance_path_does(
    people, province, drawn, due
):
    """PostgreSQL's COPY and ``UPDATE … FROM`` write the same rows and the same history rows
    (actor, reason, type, every field) as model instances and django-simple-history do, and
    only for the rows whose result changed (here: every other one made stale)."""
    officer = people["commune_a_officer"]
    for review_round in _saved(drawn, officer, province["A1"], rng_due=due):
        classification.round_reclassify(actor=officer, review_round=review_round)
        results, histories, counts = [], [], []
        for path in (classification._reclassify_instances, classification._reclassify_columns):
            stale = list(review_round.assessments.order_by("pk").values_list("pk", flat=True))[::2]
            Assessment.objects.filter(pk__in=stale).update(
                engine_version="stale", explanation=[{"code": "stale"}], standard="vn-2016"
            )
            after = _last_history_id()
            counts.append(path(review_round, actor=officer, reason="Engine upgraded"))
            results.append(_values(review_round))
            histories.append(_history(review_round, after))
        assert results[0] == results[1]
        assert histories[0] == histories[1]
        assert counts[0] == counts[1]
