"""Public holidays on fixed solar dates (Labour Code 2019, Art. 112(1)).

The lunar ones (Tết, the Hùng Kings' commemoration), the extra National Day and the days the
government swaps every year are announced yearly: add them in the admin.
"""

import datetime as dt

from django.db import migrations

FIXED = [
    ((1, 1), "Tết Dương lịch"),
    ((4, 30), "Ngày Chiến thắng"),
    ((5, 1), "Ngày Quốc tế lao động"),
    ((9, 2), "Quốc khánh"),
]
YEARS = range(2025, 2031)


def seed(apps, schema_editor):
    PublicHoliday = apps.get_model("reviews", "PublicHoliday")
    for year in YEARS:
        for (month, day), name in FIXED:
            PublicHoliday.objects.get_or_create(date=dt.date(year, month, day), defaults={"name": name})
    # 2025: National Day ran 1–2 September (announced by the government).
    PublicHoliday.objects.get_or_create(date=dt.date(2025, 9, 1), defaults={"name": "Quốc khánh"})


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_add_meeting_posting_and_holidays")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
