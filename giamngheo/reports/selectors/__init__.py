"""Reads behind every figure, table and chart of the reports (see each module)."""

from giamngheo.reports.selectors.common import NoApprovedRound
from giamngheo.reports.selectors.figures import Row, Summary, report_years, trend, unit_summary

__all__ = ["NoApprovedRound", "Row", "Summary", "report_years", "trend", "unit_summary"]
