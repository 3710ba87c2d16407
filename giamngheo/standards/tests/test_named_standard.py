"""household-facts.md, field ``standard``: a named standard "wins over the selection rule".

Outside its validity dates it still classifies (how a province asks "who would be poor under
the 2027 standard today?"), and every path says so with the warning ``standard_not_in_force``.
"""

from __future__ import annotations

import json

import polars as pl
import pytest

from giamngheo.standards import classify_batch, classify_household, classify_records
from giamngheo.standards.cli import main
from giamngheo.standards.records import records_to_frames
from giamngheo.standards.tests.factories import child, household, member

# Income between the two standards' rural lines: vn-2022 (line 1.5 m, middle band to 2.25 m)
# gives "middle", vn-2027 (line 2.2 m, no band) gives "near_poor" with no deprivation.
INCOME = 2_000_000


def named_2027_in_2025(members: list[dict] | None = None, **over: object) -> dict:
    fields: dict = {
        "review_date": "2025-10-15",
        "round_type": "periodic",
        "income_per_capita_month": INCOME,
        "household_id": "named",
    }
    fields.update(over)
    return household("vn-2027", members or [member(), child(8)], **fields)


def test_household_facts_standard_named_wins_outside_its_dates_with_a_warning():
    line = classify_household(named_2027_in_2025())
    assert "error" not in line
    assert line["standard"] == "vn-2027"
    assert line["class"] == "near_poor"
    assert line["poverty_line"] == 2_200_000
    assert line["warnings"] == [
        {
            "code": "standard_not_in_force",
            # a periodic review of 2025 sets the lists for 2026 (poverty-standards.md §0)
            "params": {
                "standard": "vn-2027",
                "valid_from": "2027-01-01",
                "valid_to": "2030-12-31",
                "date": "2026-01-01",
            },
            "article": "Decree 351/2025/NĐ-CP",
        }
    ]


def test_household_facts_standard_unnamed_follows_the_selection_rule_without_warning():
    line = classify_household(named_2027_in_2025(standard=None))
    assert (line["standard"], line["class"], line["warnings"]) == ("vn-2022", "middle", [])
    assert line["warnings_text"] == []


def test_household_facts_standard_named_within_its_dates_has_no_warning():
    line = classify_household(named_2027_in_2025(review_date="2028-03-01"))
    assert (line["standard"], line["warnings"]) == ("vn-2027", [])


def test_household_facts_standard_warning_is_rendered_in_vietnamese_and_english():
    vi = classify_household(named_2027_in_2025())["warnings_text"]
    en = classify_household(named_2027_in_2025(), lang="en")["warnings_text"]
    assert len(vi) == len(en) == 1
    assert "01/01/2027" in vi[0] and "31/12/2030" in vi[0]
    assert "Chuẩn nghèo đa chiều giai đoạn 2027 - 2030" in vi[0] and "vn-2027" not in vi[0]
    assert "không có hiệu lực vào ngày 01/01/2026" in vi[0]
    assert "January 1, 2027" in en[0] and "not on January 1, 2026" in en[0]
    assert vi[0].endswith("(Nghị định số 351/2025/NĐ-CP)")
    assert en[0].endswith("(Decree 351/2025/NĐ-CP)")


def test_household_facts_standard_argument_wins_like_the_field():
    facts = named_2027_in_2025(standard=None)
    line = next(classify_records([facts], standard="vn-2027"))
    assert (line["standard"], line["class"]) == ("vn-2027", "near_poor")
    assert line["warnings"][0]["params"]["date"] == "2026-01-01"


def mixed() -> list[dict]:
    return [
        named_2027_in_2025(household_id="a"),
        named_2027_in_2025(household_id="b", standard=None),
        named_2027_in_2025(household_id="c", review_date="2028-03-01"),
        named_2027_in_2025(household_id="d", standard="vn-2022", review_date="2027-06-15"),
        named_2027_in_2025(household_id="e", members=[member(sex="unknown")]),
    ]


@pytest.mark.parametrize("explain", [False, True])
def test_household_facts_standard_batch_path_agrees_with_the_single_path(explain):
    recs = mixed()
    households, members = records_to_frames(recs)
    frame = classify_batch(
        households.drop("_row"), members.drop("_row"), explain=explain, lang="en"
    )
    singles = [classify_household(r, lang="en") for r in recs]
    assert frame["household_id"].to_list() == [s["household_id"] for s in singles]
    assert frame["standard"].to_list() == [s.get("standard") for s in singles]
    assert frame["class"].to_list() == [s.get("class") for s in singles]
    batch_warnings = [None if w is None else json.loads(w) for w in frame["warnings"].to_list()]
    assert batch_warnings == [s.get("warnings") or None for s in singles]
    assert [w and w[0]["params"]["standard"] for w in batch_warnings] == [
        "vn-2027",
        None,
        None,
        "vn-2022",
        None,
    ]
    if explain:
        assert frame["warnings_text"].to_list() == [s.get("warnings_text") or None for s in singles]


def test_household_facts_standard_batch_argument_marks_every_row_out_of_force():
    recs = [named_2027_in_2025(household_id=str(i), standard=None) for i in range(3)]
    households, members = records_to_frames(recs)
    frame = classify_batch(households, members, standard="vn-2027")
    assert frame["class"].to_list() == ["near_poor"] * 3
    codes = [json.loads(w)[0]["code"] for w in frame["warnings"].to_list()]
    assert codes == ["standard_not_in_force"] * 3


def test_giamngheo_classify_named_vn_2027_with_a_2025_review_date_prints_the_warning(
    tmp_path, capsys
):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(named_2027_in_2025()) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main([str(src), "-o", str(out), "--lang", "en"]) == 0
    line = json.loads(out.read_text("utf-8"))
    assert (line["standard"], line["class"]) == ("vn-2027", "near_poor")
    assert line["warnings"][0]["code"] == "standard_not_in_force"
    err = capsys.readouterr().err
    assert (
        "warning (1 households): Classified under Multidimensional poverty standard 2027–2030"
        in err
    )


def test_giamngheo_classify_tabular_output_carries_the_warning_columns(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    recs = [
        named_2027_in_2025(household_id="a"),
        named_2027_in_2025(household_id="b", standard=None),
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main([str(src), "-o", str(out)]) == 0
    rows = pl.read_csv(out, infer_schema=False).to_dicts()
    assert json.loads(rows[0]["warnings"])[0]["params"]["date"] == "2026-01-01"
    assert "01/01/2026" in rows[0]["warnings_text"]
    assert rows[1]["warnings"] is None and rows[1]["warnings_text"] is None
    assert "warning (1 households)" in capsys.readouterr().err
