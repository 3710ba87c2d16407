"""Reading and writing the ``classify`` command's formats (contract: household-facts.md).

JSON Lines hold one household object a line with members nested; CSV and Parquet hold two
tables joined on ``household_id``; an Excel workbook holds the sheets ``households`` and
``members``. List fields are ``;``-joined in CSV and Excel.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from giamngheo.spreadsheets import ESCAPED_PATTERN, UNESCAPED_PATTERN, append_row

FORMATS = (".jsonl", ".csv", ".xlsx", ".parquet")
OUTPUT_COLUMNS = (
    "household_id",
    "standard",
    "class",
    "deprived",
    "deprivation_count",
    "deprived_members",
    "poverty_line",
    "near_poor_line",
    "middle_upper",
    "engine_version",
    "explanation",
    "explanation_text",
    "warnings",
    "warnings_text",
    "error_table",
    "error_row",
    "error_field",
    "error_message",
)
LIST_OUTPUTS = ("deprived", "explanation_text", "warnings_text")
JSON_OUTPUTS = ("deprived_members", "explanation", "warnings")


class UnreadableInput(Exception):
    """The input cannot be read at all (exit code 2), as opposed to a bad row (exit code 1)."""


def fmt(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnreadableInput(
            f"{path}: unknown format {suffix!r}; expected one of {', '.join(FORMATS)}"
        )
    return suffix


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Household objects; a line that is not a JSON object becomes an object that fails validation."""
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise UnreadableInput(str(exc)) from exc
    with fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                obj = None
            yield obj if isinstance(obj, dict) else {"household_id": None}


def read_tables(path: Path, members: Path | None) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Households and members tables from CSV, Excel or Parquet (all text for CSV and Excel)."""
    kind = fmt(path)
    try:
        if kind == ".xlsx":
            return _read_workbook(path)
        read = _read_csv if kind == ".csv" else pl.read_parquet
        households = read(path)
        people = None
        if members is not None:
            people = _read_csv(members) if fmt(members) == ".csv" else pl.read_parquet(members)
    except (OSError, pl.exceptions.PolarsError, ValueError) as exc:
        raise UnreadableInput(f"{path}: {exc}") from exc
    return households, people


def _read_csv(path: Path) -> pl.DataFrame:
    frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    return frame.with_columns(pl.col(pl.String).str.replace(ESCAPED_PATTERN, "$1"))


def _read_workbook(path: Path) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableInput(f"{path}: {exc}") from exc
    if "households" not in book.sheetnames:
        raise UnreadableInput(f"{path}: no sheet named 'households'")
    households = _sheet(book["households"])
    members = _sheet(book["members"]) if "members" in book.sheetnames else None
    return households, members


def _sheet(ws: Any) -> pl.DataFrame:
    rows = ws.iter_rows(values_only=True)
    header = [str(h) for h in next(rows, ()) if h is not None]
    data: dict[str, list[str | None]] = {h: [] for h in header}
    for row in rows:
        if row is None or all(v is None for v in row):
            continue
        for h, v in zip(header, row, strict=False):
            data[h].append(_cell(v))
    return pl.DataFrame(data, schema=dict.fromkeys(header, pl.String))


def _cell(v: Any) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class Writer:
    """Output lines in the format of ``path``; tabular formats are written on close."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = fmt(path)
        self.rows: list[dict[str, Any]] = []
        self.fh = path.open("w", encoding="utf-8") if self.kind == ".jsonl" else None

    def write(self, line: dict[str, Any]) -> None:
        if self.fh is not None:
            self.fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        else:
            self.rows.append(line)

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            return
        frame = pl.DataFrame(
            [_flat(r, self.kind) for r in self.rows], schema=_schema(self.kind), orient="row"
        )
        if self.kind == ".csv":
            text = pl.col(pl.String).str.replace(UNESCAPED_PATTERN, "'$1")
            frame.with_columns(text).write_csv(self.path)
        elif self.kind == ".parquet":
            frame.write_parquet(self.path)
        else:
            _write_workbook(frame, self.path)


def _schema(kind: str) -> dict[str, pl.DataType | type[pl.DataType]]:
    listed = pl.List(pl.String) if kind == ".parquet" else pl.String
    ints = ("deprivation_count", "poverty_line", "near_poor_line", "middle_upper", "error_row")
    return {
        c: (listed if c in LIST_OUTPUTS else pl.Int64 if c in ints else pl.String)
        for c in OUTPUT_COLUMNS
    }


def _flat(line: dict[str, Any], kind: str) -> list[Any]:
    err = line.get("error") or {}
    row = dict(line)
    row.update({f"error_{k}": v for k, v in err.items()})
    out = []
    for col in OUTPUT_COLUMNS:
        value = row.get(col)
        if col in ("warnings", "warnings_text") and not value:
            value = None  # as in the batch frame: no warning is an empty cell
        elif col in JSON_OUTPUTS and value is not None:
            value = json.dumps(value, ensure_ascii=False)
        elif col in LIST_OUTPUTS and value is not None and kind != ".parquet":
            value = ";".join(value)
        out.append(value)
    return out


def _write_workbook(frame: pl.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "results"
    append_row(ws, list(frame.columns))
    for row in frame.iter_rows():
        append_row(ws, list(row))
    book.save(path)
