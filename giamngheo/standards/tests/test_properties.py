"""Property tests: one household == the batch path; legal monotonicity of the class rules."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giamngheo.standards import classify_batch, classify_household, load_standard, vocab
from giamngheo.standards.records import records_to_frames
from giamngheo.standards.tests.factories import REVIEW_DATE

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RANK = {c: i for i, c in enumerate(vocab.CLASSES)}  # worst first


@st.composite
def members(draw, review: dt.date):
    people = []
    for i in range(draw(st.integers(1, 6))):
        age = draw(st.integers(0, 90))
        person = {
            "member_id": str(i + 1),
            "sex": draw(st.sampled_from(vocab.SEX)),
            "relation": "head" if i == 0 else draw(st.sampled_from(vocab.RELATION[1:])),
            "health_insurance": draw(st.booleans()),
            "in_school": draw(st.booleans()),
            "diploma": draw(st.sampled_from(vocab.DIPLOMA)),
            "vocational_training": draw(st.booleans()),
            "employment": draw(st.sampled_from(vocab.EMPLOYMENT)),
            "working_capacity": draw(st.booleans()),
            "disability": draw(st.sampled_from(vocab.DISABILITY)),
            "social_allowance": draw(st.booleans()),
            "child_nutrition": draw(st.sampled_from(vocab.CHILD_NUTRITION)) if age < 16 else None,
            "ill_untreated": draw(st.booleans()),
        }
        if draw(st.booleans()):
            born = review - dt.timedelta(days=draw(st.integers(0, 90 * 366)))
            person["date_of_birth"] = born.isoformat()
        else:
            person["age"] = age
        people.append(person)
    return people


@st.composite
def households(draw, hid: str = "h"):
    std = draw(st.sampled_from(["vn-2016", "vn-2022", "vn-2027"]))
    review = dt.date.fromisoformat(REVIEW_DATE[std])
    housing = draw(st.sampled_from(vocab.HOUSING_TYPE))
    return {
        "household_id": hid,
        "review_date": review.isoformat(),
        "round_type": "ad_hoc",
        "standard": std,
        "area": draw(st.sampled_from(vocab.AREA)),
        "income_per_capita_month": draw(st.integers(0, 4_500_000)),
        "housing_type": housing,
        "floor_area_m2": 0.0 if housing == "none" else float(draw(st.integers(1, 120))),
        "domestic_water": draw(st.sampled_from(vocab.DOMESTIC_WATER)),
        "hygienic_latrine": draw(st.booleans()),
        "uses_telecom": draw(st.booleans()),
        "info_devices": draw(st.lists(st.sampled_from(vocab.INFO_DEVICES), max_size=3)),
        "hears_loudspeaker": draw(st.booleans()),
        "waste_treated": draw(st.booleans()),
        "members": draw(members(review)),
        "deprivations": None,
    }


def summary(out: dict) -> tuple:
    if "error" in out:
        return ("error", out["error"]["table"], out["error"]["row"], out["error"]["field"])
    return (out["standard"], out["class"], tuple(out["deprived"]), out["deprivation_count"])


@SETTINGS
@given(st.lists(households(), min_size=1, max_size=5))
def test_one_household_and_the_batch_give_the_same_answers(batch):
    for i, h in enumerate(batch):
        h["household_id"] = f"h{i}"
    single = [summary(classify_household(h)) for h in batch]
    frames = records_to_frames(batch)
    table = classify_batch(*frames, explain=True)
    rows = []
    for r in table.iter_rows(named=True):
        if r["error_field"] is not None:
            rows.append(("error", r["error_table"], r["error_row"], r["error_field"]))
        else:
            rows.append((r["standard"], r["class"], tuple(r["deprived"]), r["deprivation_count"]))
    # Error rows in a batch count the whole members table; one household counts its own.
    for a, b in zip(single, rows, strict=True):
        assert a[:2] + a[3:] == b[:2] + b[3:] if a[0] == "error" else a == b


@SETTINGS
@given(households(), st.integers(1, 2_000_000))
def test_more_income_never_gives_a_worse_class(h, extra):
    """Decree 07/2021 Art. 3(2), Decision 59/2015 Art. 2: every line is an upper bound."""
    low = classify_household(h)
    h["income_per_capita_month"] += extra
    high = classify_household(h)
    if "error" not in low:
        assert RANK[high["class"]] >= RANK[low["class"]]


@SETTINGS
@given(
    st.sampled_from(["vn-2016", "vn-2022", "vn-2027"]),
    st.sampled_from(vocab.AREA),
    st.integers(0, 4_500_000),
    st.data(),
)
def test_an_extra_deprivation_never_gives_a_better_class(std, area, income, data):
    ids = list(load_standard(std).indicator_ids)
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids) - 1))
    extra = data.draw(st.sampled_from([i for i in ids if i not in chosen]))
    facts = {
        "household_id": "h",
        "review_date": REVIEW_DATE[std],
        "round_type": "ad_hoc",
        "standard": std,
        "area": area,
        "income_per_capita_month": income,
        "size": 4,
    }
    before = classify_household({**facts, "deprivations": chosen})
    after = classify_household({**facts, "deprivations": [*chosen, extra]})
    assert after["deprivation_count"] == before["deprivation_count"] + 1
    assert RANK[after["class"]] <= RANK[before["class"]]


@SETTINGS
@given(
    households(),
    st.sampled_from(
        [("hygienic_latrine", False), ("uses_telecom", False), ("domestic_water", "unsafe")]
    ),
)
def test_a_deprived_fact_never_gives_a_better_class(h, change):
    before = classify_household(h)
    h[change[0]] = change[1]
    after = classify_household(h)
    if "error" not in before:
        assert after["deprivation_count"] >= before["deprivation_count"]
        assert RANK[after["class"]] <= RANK[before["class"]]
