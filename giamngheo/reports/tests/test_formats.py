import datetime as dt
from decimal import Decimal
from unittest import mock

from django.utils import translation

from giamngheo.reports.exports.document import vietnamese_date
from giamngheo.reports.formats import rate_change, vn_decimal, vn_number, vn_percent
from giamngheo.reports.selectors.common import percent


def test_numbers_use_the_thousands_dot_and_decimal_comma():
    assert vn_number(484997) == "484.997"
    assert vn_decimal(Decimal("1234.5")) == "1.234,50"
    assert vn_percent(Decimal("0.56")) == "0,56%"


def test_rates_round_half_up_to_two_places_as_published():
    # Long An, end of 2024: 2,692 poor of 484,997 households = 0.555 % → "0,56%".
    assert percent(2692, 484997) == Decimal("0.56")
    assert percent(5, 0) is None


def test_rate_change_is_stated_in_points():
    with translation.override("en"):
        assert rate_change(Decimal("0.65")) == "down 0,65 points"
        assert rate_change(Decimal("-0.2")) == "up 0,20 points"
        assert rate_change(Decimal("0")) == "unchanged"
    # The Vietnamese wording carries a literal percent sign after the placeholder.
    vietnamese = {"down %(points)s points": "giảm %(points)s điểm %%"}
    with mock.patch("giamngheo.reports.formats._", vietnamese.__getitem__):
        assert rate_change(Decimal("0.65")) == "giảm 0,65 điểm %"


def test_document_dates_follow_decree_30():
    assert vietnamese_date(dt.date(2017, 8, 7)) == "ngày 07 tháng 8 năm 2017"
    assert vietnamese_date(dt.date(2022, 2, 15)) == "ngày 15 tháng 02 năm 2022"
