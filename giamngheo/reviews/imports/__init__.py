"""A round's answers from a spreadsheet: the template the app generates, filled in and uploaded.

Every bad row and field is reported in one pass with the fix; nothing is saved unless everything
is valid; a re-import of the same file changes nothing (matched by household code); households
outside the actor's territory or the round are refused. Every upload runs as a background job
whose page lists each problem; households saved but not yet classifiable are listed there too.
CSV carries the households table only (member answers stay as entered).
"""

from giamngheo.reviews.imports.form_a import NO_MARKERS, import_markers
from giamngheo.reviews.imports.form_b import import_answers

# Importing the job module registers the "reviews.import_answers" job kind (see apps.py).
from giamngheo.reviews.imports.job import import_start
from giamngheo.reviews.imports.reading import (
    FALSE,
    GUIDE_SHEET,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_FACTS,
    MEMBER_COLUMNS,
    TRUE,
    AnswersInvalid,
    Problem,
    coerce,
)
from giamngheo.reviews.imports.template import template_xlsx

__all__ = [
    "FALSE",
    "GUIDE_SHEET",
    "HOUSEHOLD_COLUMNS",
    "HOUSEHOLD_FACTS",
    "MEMBER_COLUMNS",
    "NO_MARKERS",
    "TRUE",
    "AnswersInvalid",
    "Problem",
    "coerce",
    "import_answers",
    "import_markers",
    "import_start",
    "template_xlsx",
]
