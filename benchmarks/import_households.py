"""Benchmark of the registry import: 1 M households with ~3.5 M members into PostgreSQL.

    python benchmarks/import_households.py [--households 1000000] [--database-url URL] [--keep]
        [--shared] [--search-only] [--province CODE]

Generates seeded, plausible data (Vietnamese family, middle and given names by sex; ≈3.5 members
per household; heads born 1945–1995, spouses near the head, children 18–30 years younger; a
12-digit citizen ID for everyone aged 14 or more), writes households.csv and members.csv, and
imports them through the same service as the web page and `giamngheo import_households`
(every row checked, then COPY; as a first load it rebuilds secondary indexes and keys once at
the end, `--shared` imports as a web upload would). The import refreshes the planner's
statistics itself when it commits (`giamngheo.dbstats`); right after it, the benchmark times the
pages an officer opens first (the province's and a commune's household lists, a search) through
Django's own views, then searches without tone marks. `--keep --province 98` loads a second
province into a database that holds the first. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/giamngheo_bench"

FAMILY = (
    ["Nguyễn"] * 38
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Hoàng"] * 5
    + ["Huỳnh"] * 4
    + ["Phan"] * 4
    + ["Vũ"] * 4
    + ["Võ"] * 3
    + ["Đặng"] * 2
    + ["Bùi"] * 2
    + ["Đỗ"] * 2
    + ["Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Cao", "Lương", "Tạ"]
)
MIDDLE = {
    "male": ["Văn"] * 6 + ["Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Xuân", "Ngọc"],
    "female": ["Thị"] * 7 + ["Ngọc", "Thu", "Thanh", "Bích", "Kim", "Hồng", "Mai"],
}
GIVEN = {
    "male": [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Đức",
        "Giang",
        "Hải",
        "Hùng",
        "Huy",
        "Khánh",
        "Long",
        "Minh",
        "Nam",
        "Phong",
        "Phúc",
        "Quân",
        "Sơn",
        "Tài",
        "Thắng",
        "Thành",
        "Tiến",
        "Toàn",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
        "Hoàng Anh",
        "Văn Hậu",
    ],
    "female": [
        "An",
        "Anh",
        "Châu",
        "Dung",
        "Hà",
        "Hằng",
        "Hạnh",
        "Hoa",
        "Hồng",
        "Hương",
        "Hường",
        "Lan",
        "Linh",
        "Loan",
        "Mai",
        "My",
        "Nga",
        "Ngọc",
        "Nhung",
        "Oanh",
        "Phương",
        "Quỳnh",
        "Thảo",
        "Thu Hường",
        "Trang",
        "Uyên",
        "Vân",
        "Yến",
    ],
}
HAMLETS = ["Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Chùa", "Đình", "Mới", "Trại", "Giữa"]
COMMUNES, VILLAGES_PER_COMMUNE = 100, 10
QUERIES = ["nguyen van an", "tran thi thu huong", "Đặng Bích Yến", "le van duc so 12"]


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_units_and_user(province_code: str = "99"):
    from giamngheo.accounts.models import Role, User
    from giamngheo.geo.models import AdminUnit, Level

    province, _ = AdminUnit.objects.get_or_create(
        code=province_code,
        level=Level.PROVINCE,
        valid_from=dt.date(2025, 7, 1),
        defaults={"name": f"Tỉnh Thử Nghiệm {province_code}", "division_type": "tỉnh"},
    )
    villages = []
    for c in range(COMMUNES):
        commune, _ = AdminUnit.objects.get_or_create(
            code=f"{province_code}{c:03d}",
            level=Level.COMMUNE,
            valid_from=dt.date(2025, 7, 1),
            defaults={"name": f"Xã Thử {c}", "division_type": "xã", "parent": province},
        )
        for v in range(VILLAGES_PER_COMMUNE):
            village, _ = AdminUnit.objects.get_or_create(
                code=f"{commune.code}-{v:02d}",
                level=Level.VILLAGE,
                valid_from=dt.date(2025, 7, 1),
                defaults={"name": f"Thôn {v + 1}", "division_type": "thôn", "parent": commune},
            )
            villages.append(village.code)
    # The app's unit loaders refresh the statistics of what they write (`giamngheo.dbstats`);
    # units made one by one here get the same.
    from giamngheo.dbstats import analyze_now

    analyze_now([AdminUnit])
    user, created = User.objects.get_or_create(
        username=f"bench_province_{province_code}",
        defaults={"role": Role.PROVINCE_OFFICER, "unit": province},
    )
    return user, villages


def _pick(rng: np.random.Generator, options: list[str], n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]


def generate(
    n: int, villages: list[str], seed: int = 2025, province: str = "99"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    size = np.clip(1 + rng.poisson(2.5, n), 1, 9)
    m = int(size.sum())
    hh = np.repeat(np.arange(n), size)
    pos = np.arange(m) - np.repeat(np.cumsum(size) - size, size)  # 0 = head
    village = np.asarray(villages, dtype=object)[rng.integers(0, len(villages), n)]
    codes = (
        pl.Series(village).str.replace(r"-\d+$", "")
        + "-"
        + pl.Series(np.arange(n)).cast(pl.String).str.zfill(7)
    )
    head_year = rng.integers(1945, 1996, n)
    head_male = rng.random(n) < 0.72
    # relation: 0 head, 1 spouse, then children; a few households have a parent or grandchild.
    relation = np.where(pos == 0, "head", np.where(pos == 1, "spouse", "child")).astype(object)
    year = head_year[hh].copy()
    spouse = pos == 1
    year[spouse] += rng.integers(-5, 6, int(spouse.sum()))
    kids = pos >= 2
    year[kids] += 18 + 2 * (pos[kids] - 2) + rng.integers(0, 3, int(kids.sum()))
    parent = kids & (pos == size[hh] - 1) & (head_year[hh] >= 1975) & (rng.random(m) < 0.3)
    relation[parent] = "parent"
    year[parent] = head_year[hh][parent] - rng.integers(22, 35, int(parent.sum()))
    grand = kids & ~parent & (year > 2024) & (head_year[hh] <= 1985)
    relation[grand] = "grandchild"
    year = np.minimum(year, 2024)
    male = np.where(pos == 0, head_male[hh], np.where(spouse, ~head_male[hh], rng.random(m) < 0.5))
    sex = np.where(male, "male", "female").astype(object)
    dob = (
        pl.Series(year).cast(pl.String)
        + "-"
        + pl.Series(rng.integers(1, 13, m)).cast(pl.String).str.zfill(2)
        + "-"
        + pl.Series(rng.integers(1, 29, m)).cast(pl.String).str.zfill(2)
    )
    # Children take the father's family name; a spouse keeps their own.
    head_family, spouse_family = _pick(rng, FAMILY, n), _pick(rng, FAMILY, n)
    father_family = np.where(head_male, head_family, spouse_family)
    family = np.where(
        pos == 0, head_family[hh], np.where(spouse, spouse_family[hh], father_family[hh])
    )
    middle = np.where(male, _pick(rng, MIDDLE["male"], m), _pick(rng, MIDDLE["female"], m))
    given = np.where(male, _pick(rng, GIVEN["male"], m), _pick(rng, GIVEN["female"], m))
    names = pl.Series(family) + " " + pl.Series(middle) + " " + pl.Series(given)
    adult = year <= 2011
    gender_century = np.where(year >= 2000, np.where(male, 2, 3), np.where(male, 0, 1))
    members = pl.DataFrame(
        {
            "household_code": codes.gather(hh),
            "member_no": pos + 1,
            "full_name": names,
            "sex": pl.Series(sex, dtype=pl.String),
            "date_of_birth": dob,
            "relation": pl.Series(relation, dtype=pl.String),
            "_adult": adult,
            "_gc": gender_century,
            "_yy": year % 100,
            "health_insurance": np.where(rng.random(m) < 0.92, "1", "0"),
            "in_school": np.where((year >= 2007) & (year <= 2019), "1", "0"),
            "employment": np.where(adult & (year >= 1965), "self_employed", "not_in_labour_force"),
        }
    )
    serial = pl.int_range(pl.len()).over(["_gc", "_yy"])
    members = members.with_columns(
        pl.when(pl.col("_adult"))
        .then(
            pl.format(
                "0" + province + "{}{}{}",
                pl.col("_gc"),
                pl.col("_yy").cast(pl.String).str.zfill(2),
                serial.cast(pl.String).str.zfill(6),
            )
        )
        .otherwise(pl.lit(""))
        .alias("citizen_id")
    ).drop("_adult", "_gc", "_yy")
    households = pl.DataFrame(
        {
            "household_code": codes,
            "village_code": pl.Series(village, dtype=pl.String),
            "address": "Số "
            + pl.Series(rng.integers(1, 300, n)).cast(pl.String)
            + ", xóm "
            + pl.Series(_pick(rng, HAMLETS, n), dtype=pl.String),
            "social_protection": np.where(rng.random(n) < 0.04, "1", "0"),
            "causes": np.where(rng.random(n) < 0.05, "lack_capital;illness", ""),
        }
    )
    return households, members


def reset(keep: bool) -> None:
    from django.db import connection

    if keep:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE households_member, households_historicalmember, households_household, "
            "households_historicalhousehold, households_lifeevent, households_historicallifeevent, "
            "households_personaldataaccess CASCADE"
        )


def time_search(actor, query: str, repeat: int = 5) -> tuple[float, float, int]:
    """Median ms for the first 25 matches, and for the list page (sorted by code, counted up to
    the page's cap)."""
    from giamngheo.households.selectors import household_list
    from giamngheo.households.views import PAGE_SIZE, CappedPaginator

    first, page = [], []
    total = 0
    for _ in range(repeat):
        started = time.perf_counter()
        list(household_list(actor=actor, filters={"q": query}).order_by()[:25])
        first.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        households = household_list(actor=actor, filters={"q": query}).order_by("code")
        shown = CappedPaginator(households, PAGE_SIZE).get_page(1)
        list(shown)
        total = shown.paginator.count
        page.append((time.perf_counter() - started) * 1000)
    return statistics.median(first), statistics.median(page), total


def time_pages(actor, commune_code: str, query: str) -> dict[str, float]:
    """Milliseconds of the first request to each page an officer opens first, through the views
    (cold: the first time each is asked for after the import), then the median of 3 more."""
    from django.test import Client

    from giamngheo.accounts.models import Role, User
    from giamngheo.geo.models import AdminUnit, Level

    commune = AdminUnit.objects.get(code=commune_code, level=Level.COMMUNE)
    officer, _ = User.objects.get_or_create(
        username=f"bench_commune_{commune_code}",
        defaults={"role": Role.COMMUNE_OFFICER, "unit": commune},
    )
    pages = {
        "province_list": (actor, "/households/"),
        "province_search": (actor, "/households/?q=" + query.replace(" ", "+")),
        "commune_list": (officer, "/households/"),
        "commune_search": (officer, "/households/?q=" + query.replace(" ", "+")),
    }
    warm = Client(HTTP_HOST="127.0.0.1")
    warm.force_login(actor)
    warm.get("/")  # templates and URL patterns loaded once, so "first" is the query's own time
    out = {}
    for name, (user, url) in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        times, cpus = [], []
        for _ in range(4):
            started, cpu, db = time.perf_counter(), time.process_time(), _backend_cpu()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu + _backend_cpu() - db) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        out[name] = times[0]
        print(
            f"page {name} {url}: {times[0]:.0f} ms first ({cpus[0]:.0f} CPU-ms), "
            f"{statistics.median(times[1:]):.0f} ms then ({statistics.median(cpus[1:]):.0f} CPU-ms); "
            f"load {_load()}"
        )
    return out


def _backend_cpu() -> float:
    """CPU seconds of this process's PostgreSQL backend so far (the server runs on this machine):
    a page's queries spend most of their time there, outside this process."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report_searches(actor, queries: list[str]) -> float:
    """Prints each query's timings; returns the first query's first-25 time."""
    results = {}
    for query in queries:
        first_ms, page_ms, total = time_search(actor, query)
        results[query] = first_ms
        print(
            f"search {query!r}: {first_ms:.1f} ms first 25; "
            f"{page_ms:.1f} ms list page ({total:,} counted)"
        )
    return results[queries[0]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="do not empty the registry first")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--shared", action="store_true", help="import as a web upload would (keys checked per row)"
    )
    parser.add_argument(
        "--search-only", action="store_true", help="only time searches on what is already loaded"
    )
    parser.add_argument(
        "--province", default="99", help="two-digit code of the province to load (default 99)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="  %(message)s")

    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.db import connection

    from giamngheo.households.imports import read_upload, registry_import

    actor, villages = ensure_units_and_user(args.province)
    if args.search_only:
        time_pages(actor, f"{args.province}000", QUERIES[0])
        report_searches(actor, QUERIES)
        return 0
    reset(args.keep)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="giamngheo-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    households, members = generate(args.households, villages, province=args.province)
    households.write_csv(workdir / "households.csv")
    members.write_csv(workdir / "members.csv")
    print(
        f"generated {households.height:,} households, {members.height:,} members in {time.perf_counter() - started:.1f} s → {workdir}"
    )

    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 5 or done == total:
            last[0] = now
            print(f"  {done:,} / {total:,}  ({now - t0:.1f} s)", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM households_household")
        before = cursor.fetchone()[0]
    print(f"households already in the database: {before:,}; load {os.getloadavg()}")
    t0, cpu0, db0 = time.perf_counter(), time.process_time(), _backend_cpu()
    tables = read_upload(
        "households.csv", workdir / "households.csv", workdir / "members.csv", "members.csv"
    )
    print(f"read in {time.perf_counter() - t0:.1f} s")
    result = registry_import(
        actor=actor,
        tables=tables,
        reason="Benchmark import",
        progress=progress,
        exclusive=not args.shared,
        source="households.csv + members.csv",
    )
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    db_cpu = _backend_cpu() - db0
    rows = result.households_created + result.members_created
    print(result.summary())
    print(
        f"import: {seconds:.1f} s wall, {cpu:.1f} CPU-s in this process, {db_cpu:.1f} CPU-s in "
        f"its database backend (parallel index workers not counted), {rows / seconds:,.0f} rows/s; "
        f"load {os.getloadavg()}"
    )
    # Straight after the import, with no ANALYZE of our own: the import refreshed the statistics.
    pages = time_pages(actor, f"{args.province}000", QUERIES[0])
    code = households["household_code"][len(households) // 2]
    search_ms = report_searches(actor, [*QUERIES, code])
    print(
        f"RESULT households={result.households_created} members={result.members_created} "
        f"before={before} seconds={seconds:.1f} cpu_s={cpu:.1f} db_cpu_s={db_cpu:.1f} rows_per_s={rows / seconds:.0f} "
        f"search_ms={search_ms:.1f} "
        + " ".join(f"{name}_ms={ms:.0f}" for name, ms in pages.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
