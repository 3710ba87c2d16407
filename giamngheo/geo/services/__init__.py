"""Writes to the geo app: the units loader and the villages import.

A package rather than one module because the loader alone is several hundred lines; callers
import from here.
"""

from giamngheo.geo.services.units import LoadReport, UnitsLoadError, units_load
from giamngheo.geo.services.villages import (
    ImportReport,
    RowError,
    village_template,
    villages_import,
)

__all__ = [
    "ImportReport",
    "LoadReport",
    "RowError",
    "UnitsLoadError",
    "units_load",
    "village_template",
    "villages_import",
]
