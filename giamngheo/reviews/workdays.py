"""Working days for the procedure's deadlines: Monday to Friday, less public holidays.

Holidays are rows (`PublicHoliday`) because the lunar-calendar ones (Tết, the Hùng Kings'
commemoration) and the extra day around 2 September move every year (Labour Code 2019, Art. 112).
"""

import datetime as dt

from giamngheo.reviews.models import PublicHoliday


def _holidays(start: dt.date, end: dt.date) -> set[dt.date]:
    return set(
        PublicHoliday.objects.filter(date__range=(start, end)).values_list("date", flat=True)
    )


def is_working_day(day: dt.date, holidays: set[dt.date] | None = None) -> bool:
    if holidays is None:
        holidays = _holidays(day, day)
    return day.weekday() < 5 and day not in holidays


def period_end(start: dt.date, working_days: int) -> dt.date:
    """Last day of a period of `working_days` working days that begins on `start`.

    `start` counts when it is a working day itself: posted on a Monday, a 3-working-day
    posting covers Monday to Wednesday.
    """
    holidays = _holidays(start, start + dt.timedelta(days=working_days * 3 + 30))
    day = start
    counted = 0
    while True:
        if is_working_day(day, holidays):
            counted += 1
            if counted == working_days:
                return day
        day += dt.timedelta(days=1)


def add_working_days(start: dt.date, working_days: int) -> dt.date:
    """The day `working_days` working days after `start` (the day of receipt does not count)."""
    return period_end(start + dt.timedelta(days=1), working_days)
