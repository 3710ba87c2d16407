"""Benchmark of the household export: households (and their members) to a streamed .xlsx.

    python benchmarks/exports.py [--households 10000,200000] [--database-url URL] [--baseline]

Builds each size with `benchmarks/import_households.py`'s generator and the registry import
(PostgreSQL from BENCH_DATABASE_URL or --database-url; without either, a SQLite file in a temporary
folder), then exports the province officer's whole registry through `export_write`, the code the
page and the export job run, in a fresh process each time so that its peak RSS is the export's
own. Prints wall and CPU seconds (this process; PostgreSQL's own CPU only with `--csv`),
households per second, the workbook's size, the peak RSS and how much the export added to it.
`--baseline` also writes the same rows with openpyxl (write-only, the writer the export used
before) for a like-with-like comparison at the first size, and `--xlsxstream` the same rows through
`XlsxStream` (XlsxWriter, what the export used before the compiled writer) at every size. The last
lines are machine-readable.

`--csv` times the CSV export (`export_csv_write`: a .zip of households.csv and members.csv)
instead, after checking on the same database that one village's CSV files hold the workbook's
cells; on PostgreSQL it also prints the CPU seconds of the database backend serving the export
(`db_cpu_s`, sampled from /proc of the backends serving this process; see `BackendCPU`).

    python benchmarks/exports.py --posting-rows 100,1000,3000

times the posting list's PDF (the round's template through WeasyPrint, as a draft round prints
it live and as an approved round's document job stores it once) for lists of that many
households, and reading a stored document back with its checksum check (what an approved
round's download does).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import import_households as data  # noqa: E402  (the generator and the Django set-up)


def load(households: int, url: str) -> None:
    from django.db import connection

    from giamngheo.households.imports import read_upload, registry_import

    actor, villages = data.ensure_units_and_user()
    data.reset(keep=False) if connection.vendor == "postgresql" else _reset_sqlite()
    folder = Path(tempfile.mkdtemp(prefix="giamngheo-bench-export-"))
    frame_h, frame_m = data.generate(households, villages)
    frame_h.write_csv(folder / "households.csv")
    frame_m.write_csv(folder / "members.csv")
    tables = read_upload(
        "households.csv", folder / "households.csv", folder / "members.csv", "members.csv"
    )
    started = time.perf_counter()
    result = registry_import(
        actor=actor,
        tables=tables,
        reason="Benchmark export",
        exclusive=connection.vendor == "postgresql",
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("geo_adminunit", "households_household", "households_member"):
                cursor.execute(f"ANALYZE {table}")
    print(
        f"loaded {result.households_created:,} households, {result.members_created:,} members "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def _reset_sqlite() -> None:
    from giamngheo.households.models import Household, Member

    Member.objects.all().delete()
    Household.objects.all().delete()


def rss_mib(field: str = "VmHWM") -> float:
    """This process's peak (VmHWM) or current (VmRSS) resident memory. Not getrusage's
    ru_maxrss, which a process started by another keeps from its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


APP_NAME = f"giamngheo-bench-{os.getpid()}"


def _cpu_s(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class BackendCPU:
    """CPU seconds of the PostgreSQL backends serving this process (the export reads through a
    connection of its own besides Django's): every connection this process opens is named
    `APP_NAME` (PGAPPNAME), and a thread samples /proc of each such backend every 0.1 s, so a
    backend that ends may lose its last 0.1 s. Parallel workers are turned off for the
    session (max_parallel_workers_per_gather in PGOPTIONS), so that a backend's CPU is all its
    query's work."""

    def __init__(self, url: str) -> None:
        import threading

        import psycopg

        self._monitor = psycopg.connect(url, autocommit=True, application_name="bench-monitor")
        self._seen: dict[int, float] = {}
        self._base = self._sample()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> dict[int, float]:
        pids = self._monitor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        ).fetchall()
        for (pid,) in pids:
            cpu = _cpu_s(pid)
            if cpu is not None:
                self._seen[pid] = max(cpu, self._seen.get(pid, 0.0))
        return dict(self._seen)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self._sample()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self._sample()
        self._monitor.close()
        return sum(cpu - self._base.get(pid, 0.0) for pid, cpu in self._seen.items())


def export(baseline: bool, xlsxstream: bool = False, as_csv: bool = False) -> dict:
    """Runs in its own process: the export alone, timed, with its peak memory."""
    from giamngheo.accounts.models import User
    from giamngheo.households.imports import export_csv_write
    from giamngheo.households.imports.workbook import export_write
    from giamngheo.households.selectors import household_list

    actor = User.objects.get(username="bench_province_99")  # ensure_units_and_user's default
    households = household_list(actor=actor)
    check = csv_check(households) if as_csv else {}
    url = os.environ.get("DATABASE_URL", "")
    backend = BackendCPU(url) if url.startswith("postgres") else None
    before = rss_mib("VmRSS")
    write = export_csv_write if as_csv else export_write
    with tempfile.TemporaryFile() as file:
        wall, cpu = time.perf_counter(), time.process_time()
        count, members = write(households, file)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = file.tell()
    db_cpu = backend.stop() if backend else 0.0
    out = {
        "format": "csv" if as_csv else "xlsx",
        "households": count,
        "members": members,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "hh_per_s_wall": round(count / wall),
        "hh_per_s_cpu": round(count / cpu),
        "db_cpu_s": round(db_cpu, 2),
        "hh_per_s_cpu_with_db": round(count / (cpu + db_cpu)),
        "mib": round(size / 2**20, 1),
        "peak_rss_mib": round(rss_mib()),
        "rss_added_mib": round(rss_mib() - before),
        "load": Path("/proc/loadavg").read_text().split()[0],
    }
    out.update(check)
    if baseline:
        out["openpyxl"] = openpyxl_baseline(households)
    if xlsxstream:
        out["xlsxstream"] = xlsxstream_baseline(households)
    return out


def csv_check(households) -> dict:
    """One village's export both ways on this database: the CSV files hold the workbook's cells
    (csv_text of each value, dates as ISO), so the COPY path is checked where it runs, with a
    query between chunks as the job's progress bar makes."""
    import csv
    import datetime as dt
    import io
    import zipfile

    import openpyxl

    from giamngheo.households.imports import export_csv_write, export_workbook
    from giamngheo.households.imports.csvexport import BOM, FILES
    from giamngheo.jobs.models import Job
    from giamngheo.spreadsheets import csv_text

    village = households.order_by("code").values_list("unit_id", flat=True).first()
    sample = households.filter(unit_id=village)
    # The job's progress bar writes to the database between chunks, as this does.
    heard = []
    out = io.BytesIO()
    export_csv_write(sample, out, progress=lambda rows: heard.append(Job.objects.count()))
    assert heard, "no progress reported"
    with zipfile.ZipFile(out) as archive:
        files = {
            table: list(csv.reader(io.StringIO(archive.read(name).decode()[len(BOM.decode()) :])))
            for table, name in FILES.items()
        }

    def cell(value):
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(csv_text(value))

    book = openpyxl.load_workbook(io.BytesIO(export_workbook(sample)))
    sheets = {
        sheet.title: [[cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }
    if files != sheets:
        raise SystemExit("the CSV export differs from the workbook for one village")
    return {"checked_rows": sum(len(rows) - 1 for rows in files.values())}


def xlsxstream_baseline(households) -> dict:
    """The same rows through `XlsxStream` (XlsxWriter, constant_memory), as `export_write` wrote
    them before the compiled writer: the like-with-like "before" figure in the same process."""
    from giamngheo.households.imports.columns import COLUMNS, HOUSEHOLDS, MEMBERS
    from giamngheo.households.imports.workbook import CHUNK, HOUSEHOLD_FIELDS, export_members
    from giamngheo.households.models import mask_citizen_id
    from giamngheo.spreadsheets import XlsxStream

    wall, cpu = time.perf_counter(), time.process_time()
    count = 0
    with tempfile.TemporaryFile(suffix=".xlsx") as file:
        with XlsxStream(file) as book:
            sheet = book.sheet(HOUSEHOLDS)
            sheet.append([c.name for c in COLUMNS[HOUSEHOLDS]] + ["status"])
            values = households.order_by("code").values_list(*HOUSEHOLD_FIELDS)
            for row in values.iterator(chunk_size=CHUNK):
                sheet.append((*row[:10], ";".join(row[10] or ()), row[11]))
                count += 1
            sheet = book.sheet(MEMBERS)
            names = [c.name for c in COLUMNS[MEMBERS]]
            sheet.append(names)
            fields = ["household__code" if n == "household_code" else n for n in names]
            masked = names.index("citizen_id")
            members = export_members(households).order_by("household__code", "member_no")
            for member in members.values_list(*fields).iterator(chunk_size=CHUNK):
                row = list(member)
                row[masked] = mask_citizen_id(row[masked])
                sheet.append(row)
        size = file.tell()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "hh_per_s_wall": round(count / wall),
        "hh_per_s_cpu": round(count / cpu),
        "mib": round(size / 2**20, 1),
        "load": Path("/proc/loadavg").read_text().split()[0],
    }


def openpyxl_baseline(households) -> dict:
    """The same rows written as the export did before: openpyxl write-only, cell by cell."""
    from openpyxl import Workbook

    from giamngheo.households.imports.columns import COLUMNS, HOUSEHOLDS, MEMBERS
    from giamngheo.households.imports.workbook import CHUNK, HOUSEHOLD_FIELDS, export_members
    from giamngheo.households.models import mask_citizen_id
    from giamngheo.spreadsheets import append_row

    wall, cpu = time.perf_counter(), time.process_time()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(HOUSEHOLDS)
    count = 0
    for row in households.order_by("code").values_list(*HOUSEHOLD_FIELDS).iterator(CHUNK):
        append_row(sheet, (*row[:7], *map(int, row[7:10]), ";".join(row[10] or ()), row[11]))
        count += 1
    sheet = book.create_sheet(MEMBERS)
    names = [c.name for c in COLUMNS[MEMBERS]]
    fields = ["household__code" if n == "household_code" else n for n in names]
    masked = names.index("citizen_id")
    members = export_members(households).order_by("household__code", "member_no")
    for values in members.values_list(*fields).iterator(CHUNK):
        row = [int(v) if isinstance(v, bool) else v for v in values]
        row[masked] = mask_citizen_id(row[masked])
        append_row(sheet, row)
    with tempfile.TemporaryFile(suffix=".xlsx") as file:
        book.save(file)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "hh_per_s_wall": round(count / wall),
        "hh_per_s_cpu": round(count / cpu),
    }


def posting(sizes: list[int]) -> None:
    import datetime as dt
    import hashlib
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    from giamngheo.reviews.documents import Row, to_pdf

    classes = ["nghèo", "cận nghèo"]
    review_round = SimpleNamespace(
        year=2025, posting_started_on=dt.date(2025, 11, 3), posting_ends_on=dt.date(2025, 11, 7)
    )
    for size in sizes:
        listed = [
            Row(n, f"Nguyễn Văn An {n}", f"Thôn {n % 12 + 1}", classes[n % 2], "Hộ nghèo cũ")
            for n in range(1, size + 1)
        ]
        escaped = [Row(n, f"Trần Thị Bích {n}", "Thôn 3", "", "Thoát nghèo") for n in range(1, 20)]
        html = render_to_string(
            "reviews/pdf/posting.html",
            {
                "round": review_round,
                "listed": listed,
                "escaped": escaped,
                "parent": "ỦY BAN NHÂN DÂN",
                "body": "XÃ THỬ",
                "place_date": "Xã Thử, ngày 03 tháng 11 năm 2025",
                "commune_name": "xã Thử",
            },
        )
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = to_pdf(html)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        digest = hashlib.sha256(pdf).hexdigest()
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            read = time.perf_counter()
            content = Path(file.name).read_bytes()
            assert hashlib.sha256(content).hexdigest() == digest
            read = time.perf_counter() - read
        load = Path("/proc/loadavg").read_text().split()[0]
        print(
            f"RESULT posting_pdf rows={size} wall_s={wall:.2f} cpu_s={cpu:.2f} "
            f"kib={len(pdf) // 1024} stored_read_ms={read * 1000:.1f} load={load}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", default="10000,200000")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument(
        "--xlsxstream", action="store_true", help="also write the same rows through XlsxStream"
    )
    parser.add_argument(
        "--csv", action="store_true", help="the CSV export (.zip) instead of the workbook"
    )
    parser.add_argument("--export-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--posting-rows", default="", help="time the posting list's PDF instead")
    args = parser.parse_args()
    url = args.database_url
    if not url:
        folder = Path(tempfile.gettempdir()) / "giamngheo-bench-export"
        folder.mkdir(exist_ok=True)
        url = f"sqlite:///{folder / 'db.sqlite3'}"
    elif url.startswith("postgres"):
        data.ensure_database(url)
    if args.export_only and url.startswith("postgres"):
        # Every connection of this process: named (see BackendCPU), no parallel workers.
        os.environ["PGAPPNAME"] = APP_NAME
        os.environ["PGOPTIONS"] = "-c max_parallel_workers_per_gather=0"
    data.setup_django(url)
    if args.posting_rows:
        posting([int(n) for n in args.posting_rows.split(",")])
        return 0
    if args.export_only:
        print(json.dumps(export(args.baseline, args.xlsxstream, args.csv)))
        return 0
    for index, size in enumerate(int(n) for n in args.households.split(",")):
        load(size, url)
        command = [sys.executable, __file__, "--export-only", "--database-url", url]
        if args.baseline and index == 0:
            command.append("--baseline")
        if args.xlsxstream:
            command.append("--xlsxstream")
        if args.csv:
            command.append("--csv")
        result = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
        baseline = result.pop("openpyxl", None)
        before = result.pop("xlsxstream", None)
        print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()), flush=True)
        if before:
            print("BEFORE xlsxstream " + " ".join(f"{k}={v}" for k, v in before.items()))
        if baseline:
            print("BASELINE openpyxl " + " ".join(f"{k}={v}" for k, v in baseline.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
