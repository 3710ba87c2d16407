"""The review procedure's legal durations and windows, as data, each with its source.

Decision 24/2021/QĐ-TTg (as restated for two-level local government by Decision 967/QĐ-BNNMT,
2025) is the basis. Where a figure is not confirmed against the text it says so; change the data
here, never a number inside a service.
"""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Duration:
    value: int
    unit: str  # "working_days" (Mon–Fri, public holidays excluded) or "days"
    article: str
    confirmed: bool = True


# Results are posted at the village and the commune People's Committee for 3 working days.
POSTING = Duration(3, "working_days", "Decision 24/2021/QĐ-TTg, Art. 4(3)")
# Each complaint raised during the posting is re-checked within 7 working days of receipt…
COMPLAINT_RECHECK = Duration(7, "working_days", "Decision 24/2021/QĐ-TTg, Art. 4(3)")
# …and the re-checked results are posted again for 3 working days.
REPOSTING = Duration(3, "working_days", "Decision 24/2021/QĐ-TTg, Art. 4(3)")
# Ad-hoc (regular) reviews are decided within 15 days of their start; one procedure catalogue
# says 15 working days, so this is kept as data and flagged.
AD_HOC_DECISION = Duration(15, "days", "Decision 24/2021/QĐ-TTg, Art. 5", confirmed=False)
# Regular reviews start on the 15th of each month (Art. 3); a request received by then joins that
# month's review, a later one the next month's.
REGULAR_REVIEW_DAY = 15
REGULAR_REVIEW_ARTICLE = "Decision 24/2021/QĐ-TTg, Art. 3"

# Periodic reviews run from 1 September to 14 December each year (Art. 3, Decision 24/2021).
PERIODIC_WINDOW = ((9, 1), (12, 14))
PERIODIC_WINDOW_ARTICLE = "Decision 24/2021/QĐ-TTg, Art. 3"

# The village meeting agrees the results with at least half of the attendees; otherwise the
# review and the meeting are redone (Decision 24/2021 Art. 4(2) as restated in 2025).
MEETING_MIN_AGREEMENT = 0.5
MEETING_ARTICLE = "Decision 24/2021/QĐ-TTg, Art. 4(2)"

# Phiếu A: a household with this many markers or more stops at screening (not poor).
SCREENING_STOP_MARKERS = 4
SCREENING_ARTICLE = "Circular 07/2021/TT-BLĐTBXH, Annex II (form A)"

APPROVAL_ARTICLE = "Decision 24/2021/QĐ-TTg, Art. 4(4)"


def periodic_window(year: int) -> tuple[dt.date, dt.date]:
    (m1, d1), (m2, d2) = PERIODIC_WINDOW
    return dt.date(year, m1, d1), dt.date(year, m2, d2)


def regular_review_start(received_on: dt.date) -> dt.date:
    """The 15th on or after `received_on`: the start of the monthly review that takes it up."""
    if received_on.day <= REGULAR_REVIEW_DAY:
        return received_on.replace(day=REGULAR_REVIEW_DAY)
    year, month = divmod(received_on.month, 12)
    return dt.date(received_on.year + year, month + 1, REGULAR_REVIEW_DAY)


def regular_review_deadline(received_on: dt.date) -> dt.date:
    """Last day for the chairman's decision: 15 days from the start of that monthly review."""
    return regular_review_start(received_on) + dt.timedelta(days=AD_HOC_DECISION.value)
