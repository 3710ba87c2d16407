"""Time the province report and the dashboard over a million households in PostgreSQL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/giamngheo_reports_bench \
        .venv/bin/python benchmarks/reports.py [--households 1000000] [--build-only]

The fixture (one province, 100 communes of 10 villages, two approved periodic rounds with an
assessment per household, the second round's movements, each round frozen as approval freezes
it) is bulk-copied once and reused; only the reports are timed: 2025's pages cold (the first
request for them, after 2024's pages loaded templates and the session) and warm, each with wall
seconds and CPU seconds (this process plus its PostgreSQL backend, read from /proc), then the load
average. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/giamngheo_reports_bench"
PROVINCE_CODE = "B9"
COMMUNES, VILLAGES = 100, 10
INDICATORS = [
    "employment",
    "dependency_ratio",
    "nutrition",
    "health_insurance",
    "adult_education",
    "child_school_attendance",
    "housing_quality",
    "housing_area",
    "domestic_water",
    "hygienic_latrine",
    "telecom_use",
    "info_access_means",
]


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _defaults(model, overrides: dict) -> tuple[list[str], list]:
    """Every concrete column with Django's default (COPY bypasses them), then our values."""
    from django.utils import timezone

    columns, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(f.column)
        if f.column in overrides:
            values.append(overrides[f.column])
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values.append(timezone.now())
        else:
            values.append(f.get_default())
    return columns, values


def _copy(model, rows, overrides_keys: list[str]) -> None:
    """COPY rows of `model`; each row gives the values of `overrides_keys`."""
    from django.db import connection
    from psycopg.types.json import Jsonb

    columns, template = _defaults(model, {k: None for k in overrides_keys})
    index = [columns.index(k) for k in overrides_keys]
    json_cols = {
        columns.index(f.column)
        for f in model._meta.concrete_fields
        if f.get_internal_type() == "JSONField"
    }
    base = [Jsonb(v) if i in json_cols else v for i, v in enumerate(template)]
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = list(base)
            for i, v in zip(index, row, strict=True):
                values[i] = Jsonb(v) if i in json_cols else v
            copy.write_row(values)


def build(n: int) -> None:
    from django.db import connection, transaction

    from giamngheo.demo.bulk import insert_rows
    from giamngheo.geo.models import AdminUnit, Level
    from giamngheo.households.models import Household, ResidentCount
    from giamngheo.households.vocab import PovertyClass as C
    from giamngheo.reviews.models import (
        Assessment,
        Flow,
        Outcome,
        ReviewRound,
        RoundSnapshot,
        RoundStatus,
    )
    from giamngheo.reviews.services.snapshots import snapshots_take

    rng = random.Random(20251122)
    with transaction.atomic():
        province = AdminUnit.objects.create(
            code=PROVINCE_CODE, name="Tỉnh Thử Nghiệm", division_type="tỉnh", level=Level.PROVINCE
        )
        villages: list[AdminUnit] = []
        rounds: dict[tuple[int, int], ReviewRound] = {}
        per_commune = n // COMMUNES
        for c in range(COMMUNES):
            kind = "phường" if c % 4 == 0 else "xã"
            commune = AdminUnit.objects.create(
                code=f"B9{c:03d}",
                name=f"{kind.capitalize()} Thử {c + 1}",
                division_type=kind,
                level=Level.COMMUNE,
                parent=province,
            )
            for v in range(VILLAGES):
                villages.append(
                    AdminUnit.objects.create(
                        code=f"B9{c:03d}-{v}",
                        name=f"Thôn {v + 1}",
                        division_type="thôn",
                        level=Level.VILLAGE,
                        parent=commune,
                    )
                )
            for year in (2024, 2025):
                ResidentCount.objects.create(
                    unit=commune,
                    year=year,
                    households=int(per_commune * 1.05),
                    persons=per_commune * 4,
                )
                rounds[(c, year)] = ReviewRound.objects.create(
                    unit=commune,
                    year=year,
                    review_date=dt.date(year, 11, 1),
                    standard="vn-2022",
                    status=RoundStatus.APPROVED,
                )
    first_pk = (Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    print(f"copying {n} households…", flush=True)
    ethnic = ["01"] * 17 + ["02", "06", "07"]

    def households():
        for i in range(n):
            village = villages[(i * len(villages)) // n]
            yield (
                f"B9-{i:07d}",
                village.pk,
                f"Hộ {i}",
                "urban" if int(village.code[2:5]) % 4 == 0 else "rural",
                rng.choice(ethnic),
                rng.random() < 0.03,
                rng.random() < 0.05,
                [],
            )

    _copy(
        Household,
        households(),
        [
            "code",
            "unit_id",
            "head_name",
            "area",
            "head_ethnicity",
            "no_working_capacity",
            "has_merit_person",
            "causes",
        ],
    )
    ids = list(
        Household.objects.filter(code__startswith="B9-").order_by("pk").values_list("pk", "unit_id")
    )
    commune_of = {v.pk: int(v.code[2:5]) for v in villages}
    members = [[{"member_id": str(m)} for m in range(1, k + 1)] for k in range(1, 7)]

    def klass(rate_poor: float) -> str:
        x = rng.random()
        if x < rate_poor:
            return C.POOR
        if x < rate_poor + 0.025:
            return C.NEAR_POOR
        if x < rate_poor + 0.075:
            return C.MIDDLE
        return C.NOT_POOR

    print(f"copying {2 * n} assessments and {n} outcomes…", flush=True)
    for year, rate in ((2024, 0.025), (2025, 0.018)):
        classes = []

        def assessments(year=year, rate=rate, classes=classes):
            for pk, unit_id in ids:
                k = klass(rate)
                classes.append(k)
                deprived = (
                    rng.sample(INDICATORS, rng.randint(1, 5)) if k in (C.POOR, C.NEAR_POOR) else []
                )
                yield (
                    rounds[(commune_of[unit_id], year)].pk,
                    pk,
                    k,
                    deprived,
                    len(deprived),
                    members[rng.randint(0, 5)],
                    "vn-2022",
                )

        _copy(
            Assessment,
            assessments(),
            [
                "round_id",
                "household_id",
                "poverty_class",
                "deprived",
                "deprivation_count",
                "members",
                "standard",
            ],
        )
        if year == 2024:
            before = classes
    flows = {
        (C.POOR, C.POOR): Flow.STAYED_POOR,
        (C.POOR, C.NEAR_POOR): Flow.ESCAPED_TO_NEAR_POOR,
        (C.NEAR_POOR, C.NEAR_POOR): Flow.STAYED_NEAR_POOR,
        (C.NEAR_POOR, C.POOR): Flow.NEAR_POOR_TO_POOR,
    }

    def outcomes():
        for (pk, unit_id), start, end in zip(ids, before, classes, strict=True):
            if start != C.POOR and start != C.NEAR_POOR and end not in (C.POOR, C.NEAR_POOR):
                continue
            flow = flows.get((start, end))
            if flow is None:
                if start == C.POOR:
                    flow = Flow.ESCAPED_ABOVE_NEAR_POOR
                elif start == C.NEAR_POOR:
                    flow = Flow.ESCAPED_NEAR_POVERTY
                else:
                    flow = Flow.NEW_POOR if end == C.POOR else Flow.NEW_NEAR_POOR
            yield (rounds[(commune_of[unit_id], 2025)].pk, pk, start, end, flow)

    _copy(Outcome, outcomes(), ["round_id", "household_id", "start_class", "end_class", "flow"])
    # Approval freezes each round; the reports of approved years read those entries.
    print(f"freezing {len(rounds)} approved rounds…", flush=True)
    snapshots_take(
        sorted(rounds.values(), key=lambda r: r.pk),
        taken_from=RoundSnapshot.Source.SEEDED,
        insert=insert_rows,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    del first_pk


def _backend_cpu() -> float:
    """CPU seconds of this process's PostgreSQL backend so far (the server runs on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process plus its database backend) of one call."""
    wall, cpu, db = time.perf_counter(), time.process_time(), _backend_cpu()
    fn()
    db_after = _backend_cpu()
    return time.perf_counter() - wall, time.process_time() - cpu + db_after - db


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _parts(user, province) -> dict[str, tuple[float, float]]:
    """The dashboard's reads one by one (each a fresh report): where its time goes."""
    from giamngheo.reports.selectors import breakdowns, flows
    from giamngheo.reports.selectors.figures import trend, unit_summary

    reads = {
        "part_form1_full": lambda: unit_summary(actor=user, unit=province, year=2025),
        "part_form1_counts": lambda: unit_summary(
            actor=user, unit=province, year=2025, counts_only=True
        ),
        "part_trend_counts": lambda: trend(actor=user, unit=province, counts_only=True),
        "part_flows": lambda: flows.unit_flows(actor=user, unit=province, year=2025, persons=False),
        "part_deprivations": lambda: breakdowns.deprivations(
            actor=user, unit=province, year=2025, klass="poor"
        ),
        "part_plain_groups": lambda: breakdowns.plain_groups(actor=user, unit=province, year=2025),
    }
    return {name: timed(read) for name, read in reads.items()}


def run(n: int, build_only: bool, parts: bool = False) -> None:
    from django.test import Client
    from django.urls import reverse

    from giamngheo.accounts.models import Role, User
    from giamngheo.geo.models import AdminUnit, Level
    from giamngheo.households.models import Household

    existing = Household.objects.filter(code__startswith="B9-").count()
    if existing != n:
        if existing:
            sys.exit(f"the bench database holds {existing} households, not {n}: drop it first")
        start = time.perf_counter()
        build(n)
        print(f"built in {time.perf_counter() - start:.1f} s", flush=True)
    if build_only:
        return
    province = AdminUnit.objects.get(code=PROVINCE_CODE, level=Level.PROVINCE)
    user, _ = User.objects.get_or_create(
        username="bench-province", defaults={"role": Role.PROVINCE_OFFICER, "unit": province}
    )
    client = Client()
    client.force_login(user)
    report_url = reverse("reports:form", args=["1"]) + f"?unit={province.pk}&year=2025"
    dashboard_url = reverse("reports:dashboard") + f"?unit={province.pk}&year=2025"

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    # Templates, URL conf and the session load on 2024's pages, outside the timing; then 2025's
    # pages cold (first read of that year's rows by this process) and warm (the same again).
    get(report_url.replace("year=2025", "year=2024"))
    get(dashboard_url.replace("year=2025", "year=2024"))
    figures = {}
    for name, url in (("province_report", report_url), ("dashboard", dashboard_url)):
        figures[f"{name}_cold"] = timed(lambda url=url: get(url))
        figures[f"{name}_warm"] = timed(lambda url=url: get(url))
    if parts:
        figures.update(_parts(user, province))
    for name, (wall, cpu) in figures.items():
        print(f"{name}: wall {wall:.3f} s, CPU {cpu:.3f} s (client + database backend)")
    print(f"load average: {load()}")
    result = " ".join(f"{k}_s={w:.3f} {k}_cpu_s={c:.3f}" for k, (w, c) in figures.items())
    print(f"RESULT households={n} {result} load={load().replace(' ', ',')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--parts", action="store_true", help="also time the dashboard's reads one by one"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database")
    ensure_database(url)
    setup_django(url)
    run(args.households, args.build_only, args.parts)


if __name__ == "__main__":
    main()
