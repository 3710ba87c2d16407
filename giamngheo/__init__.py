"""GiảmNghèo: sustainable poverty-reduction management for a Vietnamese province."""

__version__ = "0.1.0"
