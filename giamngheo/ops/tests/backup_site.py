"""A small installation for the backup tests, run as its own process on the database in the environment.

    python -m giamngheo.ops.tests.backup_site seed|rows|change

Models are imported inside the functions because Django is set up only in `__main__`.
`rows` prints every table's rows (ordered by primary key) as JSON, so two installations compare.
"""

import datetime as dt
import json
import os
import sys

import django


def seed() -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.files.base import ContentFile

    from giamngheo.accounts.models import Role
    from giamngheo.accounts.tests.factories import UserFactory, build_small_province
    from giamngheo.households.tests.factories import HouseholdFactory, MemberFactory
    from giamngheo.households.vocab import Relation, Sex
    from giamngheo.programs.models import CoordinationProgram
    from giamngheo.support.services import contribution_receive, disbursement_create
    from giamngheo.support.tests.factories import front_fund

    units = build_small_province()
    for village, head in (("A1", "Nguyễn Văn Ánh"), ("A2", "Lò Thị Mai"), ("B1", "Hà Văn Đức")):
        household = HouseholdFactory(unit=units[village], head_name=head)
        MemberFactory(household=household, full_name=head, member_no=1)
        MemberFactory(
            household=household,
            full_name=f"Con của {head}",
            member_no=2,
            sex=Sex.FEMALE,
            relation=Relation.CHILD,
            date_of_birth=dt.date(2012, 3, 4),
        )
    fund = front_fund(units["P"])
    officer = UserFactory(
        role=Role.PARTNER_OFFICER, unit=units["P"], organisation=fund.managing_organisation
    )
    day = dt.date(2025, 11, 3)
    contribution_receive(
        actor=officer,
        fund=fund,
        donor_name="Doanh nghiệp Sao Đỏ",
        amount=5_000_000,
        received_on=day,
    )
    disbursement_create(
        actor=officer, fund=fund, amount=1_200_000, disbursed_on=day, purpose="Sửa nhà"
    )
    program = CoordinationProgram(
        title="Chương trình phối hợp 2021–2025",
        signed_on=day,
        start_year=2021,
        end_year=2025,
        unit=units["P"],
    )
    program.signed_document.save("ký.pdf", ContentFile(b"%PDF-1.4\n% signed\n"), save=False)
    program.save()
    session = SessionStore()
    session["seen"] = True
    session.create()


def rows() -> None:
    from django.db import connection

    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith("sqlite_stat"):
                continue  # the planner's statistics, gathered again after a restore: not data
            key = connection.introspection.get_primary_key_column(cursor, table)
            order = connection.ops.quote_name(key) if key else "1"
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY {order}")
            tables[table] = [[repr(value) for value in row] for row in cursor.fetchall()]
    json.dump(tables, sys.stdout, ensure_ascii=False)


def change() -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from giamngheo.households.models import Household

    Household.objects.filter(head_name="Lò Thị Mai").update(head_name="Đã sửa sau khi sao lưu")
    default_storage.save("imports/extra.csv", ContentFile(b"a,b\n"))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    django.setup()
    {"seed": seed, "rows": rows, "change": change}[sys.argv[1]]()
