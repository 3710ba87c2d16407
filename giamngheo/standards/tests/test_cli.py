"""``giamngheo classify`` end to end on small files, every format, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook

from giamngheo.standards.cli import main
from giamngheo.standards.records import records_to_frames
from giamngheo.standards.tests.factories import child, household, member

PROVINCE = Path(__file__).parent / "fixtures" / "province-example.toml"


def records() -> list[dict]:
    good = household("vn-2022", [member(), child(8, health_insurance=False)], household_id="h1")
    bad = household("vn-2022", [member(), member(sex="unknown")], household_id="h2")
    poor = household(
        "vn-2022",
        [member()],
        household_id="h3",
        income_per_capita_month=1_700_000,
        hygienic_latrine=False,
        uses_telecom=False,
        floor_area_m2=9.0,
    )
    return [good, bad, poor]


def tables(recs: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame]:
    h, m = records_to_frames(recs)
    return h.drop("_row"), m.drop("_row")


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """CSV/Excel shape: every value text, lists ``;``-joined."""
    return frame.with_columns(
        [
            pl.col(c).cast(pl.List(pl.String)).list.join(";")
            for c, d in frame.schema.items()
            if isinstance(d, pl.List)
        ]
        + [pl.col(c).cast(pl.String) for c, d in frame.schema.items() if not isinstance(d, pl.List)]
    )


def write_jsonl(path: Path, recs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


def write_xlsx(path: Path, recs: list[dict]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, frame in zip(("households", "members"), tables(recs), strict=True):
        ws = book.create_sheet(name)
        text = as_text(frame)
        ws.append(text.columns)
        for row in text.iter_rows():
            ws.append(list(row))
    book.save(path)
    return path


def test_jsonl_in_jsonl_out_keeps_order_and_puts_errors_on_their_line(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    code = main([str(write_jsonl(tmp_path / "in.jsonl", records())), "-o", str(out)])
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert code == 1
    assert [x["household_id"] for x in lines] == ["h1", "h2", "h3"]
    assert lines[0]["class"] == "near_poor" and lines[0]["deprived_members"] == {
        "health_insurance": ["2"]
    }
    assert lines[1] == {
        "household_id": "h2",
        "error": {
            "table": "members",
            "row": 4,
            "field": "sex",
            "message": "unknown sex value; expected one of male, female",
        },
    }
    assert "class" not in lines[1]
    assert lines[0]["explanation_text"][-1].startswith("Phân loại")
    err = capsys.readouterr().err
    assert "classified 2 of 3 households (1 with errors)" in err and "top deprivations" in err


def test_all_good_households_exit_0_and_english_on_request(tmp_path):
    out = tmp_path / "out.jsonl"
    recs = [r for r in records() if r["household_id"] != "h2"]
    assert (
        main([str(write_jsonl(tmp_path / "in.jsonl", recs)), "--lang", "en", "-o", str(out)]) == 0
    )
    first = json.loads(out.read_text("utf-8").splitlines()[0])
    assert first["explanation_text"][-1].startswith("Class: near-poor")


def test_csv_households_and_members_in_csv_out(tmp_path):
    h, m = tables(records())
    as_text(h).write_csv(tmp_path / "h.csv")
    as_text(m).write_csv(tmp_path / "m.csv")
    out = tmp_path / "out.csv"
    code = main([str(tmp_path / "h.csv"), "--members", str(tmp_path / "m.csv"), "-o", str(out)])
    res = pl.read_csv(out, infer_schema=False)
    assert code == 1
    assert res["class"].to_list() == ["near_poor", None, "middle"]
    assert res["deprived"][2] == "hygienic_latrine;telecom_use"
    assert res.row(1, named=True)["error_table"] == "members" and res["error_row"][1] == "4"
    assert res["error_field"][1] == "sex"


def test_xlsx_workbook_in_and_out(tmp_path):
    out = tmp_path / "out.xlsx"
    code = main([str(write_xlsx(tmp_path / "in.xlsx", records())), "-o", str(out)])
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    header = rows[0]
    klass = [r[header.index("class")] for r in rows[1:]]
    assert code == 1 and klass == ["near_poor", None, "middle"]
    assert rows[2][header.index("error_field")] == "sex"


def test_parquet_tables_in_parquet_out_with_lists(tmp_path):
    h, m = tables(records())
    h.write_parquet(tmp_path / "h.parquet")
    m.write_parquet(tmp_path / "m.parquet")
    out = tmp_path / "out.parquet"
    code = main(
        [str(tmp_path / "h.parquet"), "--members", str(tmp_path / "m.parquet"), "-o", str(out)]
    )
    res = pl.read_parquet(out)
    assert code == 1
    assert res["deprived"].to_list()[0] == ["health_insurance"]
    assert res["class"].to_list() == ["near_poor", None, "middle"]


def test_strict_stops_at_the_first_error(tmp_path):
    out = tmp_path / "out.jsonl"
    code = main(["--strict", str(write_jsonl(tmp_path / "in.jsonl", records())), "-o", str(out)])
    lines = out.read_text("utf-8").splitlines()
    assert code == 1 and len(lines) == 2 and "error" in json.loads(lines[1])


def test_standard_file_applies_a_province_standard(tmp_path):
    out = tmp_path / "out.jsonl"
    recs = [r for r in records() if r["household_id"] == "h3"]
    assert (
        main(
            [
                "--standard-file",
                str(PROVINCE),
                str(write_jsonl(tmp_path / "in.jsonl", recs)),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    line = json.loads(out.read_text("utf-8"))
    assert line["standard"] == "hp-2024" and line["class"] == "poor"
    assert "housing_area" in line["deprived"]  # 9 m² per person: below the province's 10


@pytest.mark.parametrize(
    "argv",
    [
        ["missing.jsonl", "-o", "out.jsonl"],
        ["in.txt", "-o", "out.jsonl"],
        ["in.jsonl", "-o", "out.docx"],
        ["in.jsonl"],
        ["--standard", "vn-1999", "in.jsonl", "-o", "out.jsonl"],
        ["--standard-file", "nope.toml", "in.jsonl", "-o", "out.jsonl"],
        ["--standard", "vn-2022", "--standard-file", "x.toml", "in.jsonl", "-o", "out.jsonl"],
        ["--lang", "fr", "in.jsonl", "-o", "out.jsonl"],
        ["broken.parquet", "-o", "out.jsonl"],
    ],
)
def test_bad_usage_or_unreadable_input_exits_2(tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "in.jsonl", records())
    (tmp_path / "in.txt").write_text("x")
    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    assert main(argv) == 2


def test_invalid_json_line_is_an_error_line_not_a_crash(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(records()[0]) + "\n{not json\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main([str(path), "-o", str(out)]) == 1
    second = json.loads(out.read_text("utf-8").splitlines()[1])
    assert second["error"]["row"] == 2 and second["error"]["field"] == "household_id"
