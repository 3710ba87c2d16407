"""Phiếu A — the quick screening form (Circular 07/2021/TT-BLĐTBXH, Annex II).

The law has 9 markers and a household with 4 or more of them stops at screening as not poor
(poverty-standards.md §0b). Each marker cites the annex that lists it. The exact wording of the
markers was not read: the labels below are in the spirit of the form and are data — replace them
(keep the codes stable, answers are stored by code) once Annex II has been checked. What is not
confirmed is listed in docs/standards.md ("What is not confirmed"), not on the form.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from giamngheo.reviews import legal

CONFIRMED = False  # the markers' wording; see the module docstring and docs/standards.md
SOURCE = "Circular 07/2021/TT-BLĐTBXH, Annex II; Circular 02/2022/TT-BLĐTBXH, Annex IV (guide)"


# Where the markers are listed; a marker another text adds would carry its own article.
MARKERS_ARTICLE = legal.SCREENING_ARTICLE


@dataclass(frozen=True)
class Marker:
    code: str
    label: object  # lazy translation
    article: str = MARKERS_ARTICLE


MARKERS: tuple[Marker, ...] = (
    Marker("salaried_member", _("A member receives a regular salary from the state budget")),
    Marker("pension", _("A member receives a pension or a monthly social-insurance allowance")),
    Marker("car", _("The household owns a car")),
    Marker("large_boat", _("The household owns a motor boat or a large fishing vessel")),
    Marker("solid_large_house", _("The household lives in a large solid house or villa")),
    Marker("air_conditioner", _("The household owns an air conditioner")),
    Marker("large_land", _("The household has a large area of production land or ponds")),
    Marker("business", _("The household runs a business regularly employing workers")),
    Marker("machinery", _("The household owns large production machinery")),
)
MARKER_CODES = tuple(m.code for m in MARKERS)
STOP_AT = legal.SCREENING_STOP_MARKERS


def count_markers(answers: dict) -> int:
    return sum(1 for code in answers.get("markers", []) if code in MARKER_CODES)


def stops_at_screening(answers: dict) -> bool:
    return count_markers(answers) >= STOP_AT


# Households exempt from form A, by the class they held before the round (e.g. households on
# the poor or near-poor list going straight to form B). Whether Circular 07/2021 exempts anyone
# was not read (poverty-standards.md §0b): none is exempt until the text is checked. Fill with
# PovertyClass values such as ("poor", "near_poor") once confirmed, and set EXEMPT_CONFIRMED.
FORM_A_EXEMPT_CLASSES: tuple[str, ...] = ()
EXEMPT_CONFIRMED = False
EXEMPT_SOURCE = (
    "Circular 07/2021/TT-BLĐTBXH, Art. 4 and Annex II (who fills form A); "
    "Decision 24/2021/QĐ-TTg, Art. 4(1)"
)


def exempt_class(previous_class: str | None) -> bool:
    """Whether a household that held `previous_class` before the round skips form A."""
    return bool(previous_class) and previous_class in FORM_A_EXEMPT_CLASSES
