"""The contract's "Bad input": an error line naming the field, never a class or a default."""

from __future__ import annotations

import polars as pl
import pytest

from giamngheo.standards import classify_batch, classify_household, classify_records
from giamngheo.standards.records import records_to_frames
from giamngheo.standards.tests.factories import child, household, member


def error_of(facts, **kw):
    out = classify_household(facts, **kw)
    assert "class" not in out, out
    return out["error"]


@pytest.mark.parametrize(
    ("over", "table", "field"),
    [
        ({"income_per_capita_month": -1}, "households", "income_per_capita_month"),
        ({"income_per_capita_month": None}, "households", "income_per_capita_month"),
        ({"income_per_capita_month": "abc"}, "households", "income_per_capita_month"),
        ({"floor_area_m2": -5.0}, "households", "floor_area_m2"),
        ({"floor_area_m2": 0.0}, "households", "floor_area_m2"),  # 0 with a dwelling
        ({"area": "suburban"}, "households", "area"),
        ({"area": None}, "households", "area"),
        ({"housing_type": "villa"}, "households", "housing_type"),
        ({"round_type": "monthly"}, "households", "round_type"),
        ({"domestic_water": "clean"}, "households", "domestic_water"),
        ({"info_devices": ["tv", "tablet"]}, "households", "info_devices"),
        ({"hygienic_latrine": "maybe"}, "households", "hygienic_latrine"),
        ({"review_date": "15/10/2025"}, "households", "review_date"),
        ({"review_date": None}, "households", "review_date"),
        ({"household_id": None}, "households", "household_id"),
        ({"members": []}, "households", "members"),
        ({"members": None}, "households", "members"),
        ({"housing_type": None}, "households", "housing_type"),  # a fact vn-2022 reads
        ({"uses_telecom": None}, "households", "uses_telecom"),
        ({"deprivations": ["no_such_indicator"], "size": 1}, "households", "deprivations"),
        ({"deprivations": ["telecom_use"], "size": 3}, "households", "size"),  # 1 member given
        ({"deprivations": ["telecom_use"], "members": None}, "households", "size"),
        ({"standard": "vn-1999"}, "households", "standard"),
    ],
)
def test_bad_household_fact_is_an_error_naming_the_field(over, table, field):
    facts = household("vn-2022")
    facts.update(over)
    err = error_of(facts)
    assert (err["table"], err["row"], err["field"]) == (table, 1, field)
    assert err["message"]


@pytest.mark.parametrize(
    ("person", "field"),
    [
        ({"sex": "x"}, "sex"),
        ({"diploma": "phd"}, "diploma"),
        ({"employment": "retired"}, "employment"),
        ({"disability": "some"}, "disability"),
        ({"relation": "cousin"}, "relation"),
        ({"date_of_birth": "2030-01-01"}, "date_of_birth"),  # after the review date
        ({"date_of_birth": "not a date"}, "date_of_birth"),
        ({"age": None}, "date_of_birth"),  # neither a birth date nor an age
        ({"age": -2}, "age"),
        ({"health_insurance": None}, "health_insurance"),  # aged 40: inside the group
        ({"employment": None}, "employment"),
        ({"sex": None}, "sex"),
    ],
)
def test_bad_member_fact_is_an_error_naming_the_member_row(person, field):
    err = error_of(household("vn-2022", [member(), member(**person)]))
    assert (err["table"], err["row"], err["field"]) == ("members", 2, field)


def test_member_fact_outside_the_target_group_may_be_absent():
    """household-facts.md: a member fact is required only inside the indicator's target group."""
    baby = child(2, health_insurance=None, in_school=None, diploma=None)
    out = classify_household(household("vn-2022", [member(), baby]))
    assert "error" not in out and out["deprived"] == []


def test_a_fact_only_another_standard_reads_may_be_absent():
    out = classify_household(household("vn-2022", [member(ill_untreated=None)], waste_treated=None))
    assert "error" not in out


def test_missing_child_nutrition_under_16_is_an_error_not_a_default():
    err = error_of(household("vn-2022", [member(), child(10, child_nutrition=None)]))
    assert err["field"] == "child_nutrition"


@pytest.mark.parametrize("std", ["vn-2022", "vn-2027"])
def test_a_fact_two_indicators_read_is_required_in_each_target_group(std):
    """in_school is read for members aged 16–30 (adult education) and 3–15 (school attendance):
    missing for a child aged 10, it is an error even though the adults' check came first."""
    err = error_of(household(std, [member(), child(10, member_id="2", in_school=None)]))
    assert (err["table"], err["row"], err["field"]) == ("members", 2, "in_school")


def test_zero_floor_area_without_a_dwelling_is_allowed():
    out = classify_household(household("vn-2022", housing_type="none", floor_area_m2=0.0))
    assert {"housing_quality", "housing_area"} <= set(out["deprived"])


def test_given_deprivations_with_size_need_no_members():
    facts = household("vn-2022", deprivations=["telecom_use"], size=3, housing_type=None)
    facts["members"] = None
    out = classify_household(facts)
    assert out["class"] == "near_poor" and out["deprived"] == ["telecom_use"]
    assert out["explanation"][1]["code"] == "deprivations_given"


def test_errors_do_not_stop_the_rest_of_the_batch_and_rows_count_from_one():
    good = household("vn-2022")
    bad = household("vn-2022", [member(), member(sex="x")], household_id="h2")
    third = household("vn-2022", household_id="h3", income_per_capita_month=-5)
    out = list(classify_records([good, bad, third]))
    assert out[0]["class"] == "near_poor"
    assert out[1] == {
        "household_id": "h2",
        "error": {
            "table": "members",
            "row": 3,
            "field": "sex",
            "message": "unknown sex value; expected one of male, female",
        },
    }
    assert out[2]["error"]["row"] == 3 and out[2]["error"]["field"] == "income_per_capita_month"


def test_batch_errors_are_columns_and_carry_no_class():
    frames = records_to_frames(
        [household("vn-2022"), household("vn-2022", household_id="h2", area="x")]
    )
    out = classify_batch(*frames)
    assert out["class"].to_list() == ["near_poor", None]
    assert out["error_field"].to_list() == [None, "area"]
    assert out.filter(pl.col("household_id") == "h2")["deprived_telecom_use"].to_list() == [None]


def test_members_table_in_any_order_is_joined_on_household_id():
    records = [
        household("vn-2022", [member(), child(7, health_insurance=False)], household_id=f"h{i}")
        for i in range(3)
    ]
    households, members = records_to_frames(records)
    shuffled = members.reverse()
    out = classify_batch(households, shuffled, explain=True)
    assert out["deprived"].to_list() == [["health_insurance"]] * 3
    assert out["deprived_members"].to_list() == ['{"health_insurance": ["2"]}'] * 3


def test_contract_dtypes_and_text_columns_decode_to_the_same_answers():
    """Typed columns are read from Arrow buffers, text columns parsed: the answers agree."""
    recs = [
        household(
            "vn-2022", [member(), child(i % 16, health_insurance=i % 3 == 0)], household_id=f"h{i}"
        )
        for i in range(40)
    ]
    recs[7]["members"][1]["health_insurance"] = None  # a null inside a typed column (child aged 7)
    typed = records_to_frames(recs)
    as_text = [
        f.with_columns(
            pl.col(c).cast(pl.String)
            for c, d in f.schema.items()
            if not isinstance(d, pl.List) and c != "_row"
        )
        for f in typed
    ]
    assert as_text[1]["health_insurance"].dtype == pl.String
    one, two = classify_batch(*typed), classify_batch(*as_text)
    assert one.equals(two)
    assert (
        one["deprived_health_insurance"].sum() > 0
        and one["error_field"].to_list()[7] == "health_insurance"
    )


def test_a_slice_of_typed_device_lists_decodes_its_own_rows():
    """An Arrow list array sliced inside one chunk keeps the whole child array behind it."""
    from giamngheo.standards import vocab

    devices = [["landline"], ["landline"], ["landline"], ["tv", "tv"], ["feature_phone"], None, []]
    recs = [
        household("vn-2022", info_devices=d, hears_loudspeaker=False, household_id=f"h{i}")
        for i, d in enumerate(devices)
    ]
    h, m = (f.drop("_row") for f in records_to_frames(recs))
    h = h.with_columns(pl.col("info_devices").cast(pl.List(pl.Enum(list(vocab.INFO_DEVICES)))))
    whole = classify_batch(h, m)
    assert h.slice(3, 4)["info_devices"].to_arrow().offset == 3  # a slice, not a copy
    part = classify_batch(h.slice(3, 4), m.slice(3, 4))
    cols = ["household_id", "class", "deprived_info_access_means", "error_field"]
    assert part.select(cols).equals(whole.slice(3, 4).select(cols))
    assert whole["deprived_info_access_means"].to_list() == [True] * 3 + [False, True, None, True]


def test_large_batches_split_in_parts_give_the_same_answers_and_row_numbers(monkeypatch):
    from giamngheo.standards import api

    recs = [
        household(
            "vn-2022", [member(), child(i % 16, health_insurance=i % 3 == 0)], household_id=f"h{i}"
        )
        for i in range(41)
    ]
    recs[30]["members"][1]["sex"] = "x"  # in a later part: rows must count from the whole table
    h, m = (f.drop("_row") for f in records_to_frames(recs))
    whole = classify_batch(h, m)
    monkeypatch.setattr(api, "PARALLEL_FROM", 0)
    for size in (1000, 10):  # two halves, then five parts
        monkeypatch.setattr(api, "PART_SIZE", size)
        parts = classify_batch(h, m)
        assert whole.equals(parts)
        assert (
            parts["error_row"].to_list()[30] == 62
            and parts["error_table"].to_list()[30] == "members"
        )


def test_member_rows_count_across_chunks_of_a_stream():
    recs = [
        household("vn-2022", [member(), member(age=30)], household_id=f"h{i}") for i in range(5)
    ]
    recs[4]["members"][1]["sex"] = "x"
    out = list(classify_records(recs, chunk_size=2))
    assert out[4]["error"]["row"] == 10 and out[4]["error"]["table"] == "members"
