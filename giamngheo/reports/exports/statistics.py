"""The public statistics as rows of text: the portal's CSV, one row per unit and year.

The figures are `published_summary`'s, so the file says what the statistics page says: a rate
that does not exist (no resident households recorded) is an empty cell, never 0; a rate of 0 %
is "0.00". Every cell is text, so the file holds exactly what was computed.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from giamngheo.geo.models import AdminUnit
from giamngheo.reports.selectors.common import whole_number
from giamngheo.reports.selectors.figures import Row, published_summary
from giamngheo.reports.selectors.lineage import Resolver

HEADER = [
    "nam",
    "ma_don_vi",
    "ten_don_vi",
    "tong_so_ho",
    "ho_ngheo",
    "ty_le_ho_ngheo",
    "ho_can_ngheo",
    "ty_le_ho_can_ngheo",
    "phan_bo",
]


def statistics_rows(*, unit: AdminUnit, years: list[int]) -> Iterator[list[str]]:
    """The header, then per year (oldest first) the unit's total and each commune's row."""
    yield HEADER
    resolver = Resolver()
    for year in sorted(years):
        summary = published_summary(unit=unit, year=year, resolver=resolver)
        for row in [summary.total, *summary.rows]:
            yield _cells(year, row)


def _cells(year: int, row: Row) -> list[str]:
    unit = row.unit
    assert unit is not None  # a summary's rows are units, never groupings
    return [
        str(year),
        unit.code,
        unit.name,
        _text(whole_number(row.households)),
        _text(row.count("poor")),
        _text(row.rate("poor")),
        _text(row.count("near_poor")),
        _text(row.rate("near_poor")),
        "" if row.exact else "x",
    ]


def _text(value: int | Decimal | None) -> str:
    """A figure as its cell: nothing for a figure that does not exist."""
    return "" if value is None else str(value)
