"""Load test of the production server: officers and citizens on a demo province, on PostgreSQL.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/giamngheo_load \\
        python benchmarks/load.py [--users 50] [--seconds 60] [--households 1000000] [--no-build]

What it does, bounded in time and in count, on the loopback address only:

1. The database (BENCH_DATABASE_URL, or --database-url) is created if missing and, when it holds no
   household, built: `giamngheo migrate` then `giamngheo demo --households N`. The default N is the
   issue's 1,000,000 (more than 8 minutes and ~9 GB); `--households 100000` (~3 minutes) is enough
   for a quick run. `--no-build` refuses to build and uses the database as it is.
2. Benchmark accounts (`bench-01` …) are opened directly in the database with a known password:
   province officers, commune officers of different communes, a partner officer and an auditor.
   One in five is marked "must change password", as an account just reset by an administrator,
   so its virtual user goes through the forced password form after signing in.
3. `giamngheo serve` starts as a deployment runs it (DEBUG=0, a SECRET_KEY, ALLOWED_HOSTS, the
   gunicorn web processes and the job worker), on a free loopback port. Two differences from
   deploy/giamngheo.env.example, because no nginx terminates TLS here: cookies are not marked
   Secure and no X-Forwarded-Proto is trusted.
4. Locust runs in this process (no web UI): each virtual user signs in once (GET the form for
   its CSRF token, POST it; the forced password change if asked), then loops over a mix of pages
   its role may open: home, household list (a commune, later pages), household detail, name
   search, the dashboard, report form 1, and the public portal (home, statistics, postings, an
   article). Anonymous citizens read the portal only. Sign-ins are not measured: the counters
   and the server's CPU start once every user is signed in.
5. First run: `--users` users with `--think` seconds between requests for `--seconds`; second
   run: the same signed-in users with no think time (saturation) for `--sat-seconds`.

The server's CPU is read from /proc: utime + stime of every process under `giamngheo serve`
(gunicorn master and workers, job worker), and of the PostgreSQL backends serving this database
(pg_stat_activity), before and after each run — never this load generator's CPU. Errors are
responses outside 2xx/3xx, a redirect to the sign-in page, and exceptions. The RESULT line is
machine-readable; the lines after it give server CPU per request, load average and wall time.

`--profile DIR` starts the server with a cProfile middleware (benchmarks/profiling.py) that
writes one .prof file per worker into DIR, to see where the server's CPU goes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_households import ensure_database  # noqa: E402  (the one copy)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/giamngheo_load"
BENCH_PASSWORD = "Bench-load-2026-initial"  # what the accounts are reset to before each run
CHANGED_PASSWORD = "Bench-load-2026-changed"  # what the forced password change sets
TICKS = os.sysconf("SC_CLK_TCK")
GIAMNGHEO = [sys.executable, "-m", "giamngheo"]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- database -------------------------------------------------------------------------------


def household_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('households_household')").fetchone()[0]
        if exists is None:
            return 0
        return conn.execute("SELECT count(*) FROM households_household").fetchone()[0]


def django_env(url: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="giamngheo.settings")
    env.pop("DEBUG", None)
    return env


def build(url: str, households: int, no_build: bool) -> None:
    ensure_database(url)
    found = household_count(url)
    env = django_env(url)
    if found and no_build:
        print(f"database: {found} households (--no-build)", flush=True)
        return
    if no_build:
        sys.exit("The database holds no household and --no-build was given.")
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([*GIAMNGHEO, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
    if found:
        print(f"database: {found} households, migrations applied", flush=True)
        return
    print(f"building the demo province with {households} households …", flush=True)
    subprocess.run(
        [*GIAMNGHEO, "demo", "--households", str(households)],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    print(
        f"BUILD households={household_count(url)} wall_s={time.perf_counter() - started:.1f} "
        f"cpu_s={_children_cpu() - cpu:.1f} load={loadavg()}",
        flush=True,
    )


def _children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


# --- accounts and the data each virtual user reads (run in a child process with Django) ------


def prepare(users: int, seed: int) -> dict:
    """Benchmark accounts with a known password, and for each the pages it may open."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from giamngheo.accounts.models import Organisation, OrganisationKind, Role, User
    from giamngheo.accounts.scoping import Capability, has_capability
    from giamngheo.demo.province import demo_province
    from giamngheo.geo.models import AdminUnit, Level
    from giamngheo.households.models import Household
    from giamngheo.portal.models import Article

    rng = random.Random(seed)
    province = demo_province()
    communes = list(
        AdminUnit.objects.filter(level=Level.COMMUNE, parent=province, valid_to__isnull=True)
        .filter(children__households__isnull=False)
        .distinct()
        .order_by("code")
    )
    rng.shuffle(communes)
    front = Organisation.objects.filter(kind=OrganisationKind.FATHERLAND_FRONT, unit=province)
    # Roles in the proportions of a province's staff at work: mostly commune officers.
    plan = [
        (Role.PROVINCE_OFFICER, province, None),
        (Role.COMMUNE_OFFICER, None, None),
        (Role.COMMUNE_OFFICER, None, None),
        (Role.COMMUNE_OFFICER, None, None),
        (Role.PROVINCE_OFFICER, province, None),
        (Role.COMMUNE_OFFICER, None, None),
        (Role.PARTNER_OFFICER, province, front.first()),
        (Role.COMMUNE_OFFICER, None, None),
        (Role.AUDITOR, province, None),
        (Role.COMMUNE_OFFICER, None, None),
    ]
    max_pk = Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    names = list(
        Household.objects.filter(
            pk__in=rng.sample(range(1, max_pk + 1), min(max_pk, 400))
        ).values_list("head_name", flat=True)[:200]
    )
    accounts, commune_at = [], 0
    # One hash for every account: each is the production hasher's full work (about a second
    # of CPU on a loaded machine), and the sign-ins check it as they would any password.
    hashed = make_password(BENCH_PASSWORD)
    with transaction.atomic():
        for i in range(users):
            role, unit, organisation = plan[i % len(plan)]
            if role == Role.COMMUNE_OFFICER:
                unit = communes[commune_at % len(communes)]
                commune_at += 1
            user, _ = User.objects.get_or_create(username=f"bench-{i + 1:02d}", defaults={})
            user.role, user.unit, user.organisation = role, unit, organisation
            user.first_name, user.last_name = "Bench", f"{i + 1:02d}"
            user.is_active, user.is_staff, user.is_superuser = True, False, False
            user.must_change_password = i % 5 == 4
            user.password = hashed
            user.full_clean()
            user.save()
            records = has_capability(user, Capability.READ_RECORDS)
            scope = Household.objects.filter(unit__parent=unit) if unit != province else None
            if not records:
                pks = []
            elif scope is None:
                pks = list(
                    Household.objects.filter(
                        pk__in=rng.sample(range(1, max_pk + 1), min(max_pk, 600))
                    ).values_list("pk", flat=True)[:300]
                )
            else:
                pks = list(scope.values_list("pk", flat=True)[:2000])
                pks = rng.sample(pks, min(len(pks), 300))
            local_names = (
                list(scope.values_list("head_name", flat=True)[:50]) if scope is not None else []
            )
            accounts.append(
                {
                    "username": user.username,
                    "role": str(role),
                    "unit": unit.pk if unit else None,
                    "records": records,
                    "aggregates": has_capability(user, Capability.READ_AGGREGATES),
                    "households": pks,
                    "names": local_names or names,
                }
            )
    articles = list(Article.objects.published().values_list("slug", flat=True)[:20])
    return {"accounts": accounts, "articles": articles}


def prepare_in_child(url: str, users: int, seed: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--prepare", str(users), "--seed", str(seed)],
        env=django_env(url),
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the server and its CPU -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int, profile: str) -> subprocess.Popen:
    env = django_env(url)
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
        GIAMNGHEO_VAR_DIR=str(ROOT / "var" / "bench-load"),
    )
    if workers:
        env["WEB_WORKERS"] = str(workers)
    if profile:
        env["GIAMNGHEO_PROFILE_DIR"] = profile
        env["PYTHONPATH"] = str(ROOT / "benchmarks") + os.pathsep + env.get("PYTHONPATH", "")
    command = [*GIAMNGHEO, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if profile:
        # gunicorn with the options `serve` gives it, on the profiled application; no job worker.
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "profiling:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers or 2}",
            "--worker-class=gthread",
            "--threads=4",
            "--keep-alive=15",
        ]
        subprocess.run([*GIAMNGHEO, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit {server.returncode})")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return server
        time.sleep(0.3)
    raise RuntimeError("the server did not listen within 120 s")


def stop_server(server: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    # gunicorn and the job worker run in sessions of their own (see `serve`): whatever is left
    # of the tree recorded during the run is stopped too.
    for pid in getattr(server, "tree", []):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, utime + stime in ticks) from /proc/PID/stat, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def tree_cpu(root: int) -> dict[int, int]:
    """CPU ticks of the process and all its descendants, by pid."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _stat(int(entry))
            if found:
                stats[int(entry)] = found
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    result, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            result[pid] = stats[pid][1]
            todo.extend(children.get(pid, []))
    return result


class CpuMeter:
    """The server tree's and the database backends' CPU ticks, read at the start and end."""

    def __init__(self, server: subprocess.Popen, url: str) -> None:
        import psycopg

        self.server = server
        self.conn = psycopg.connect(url, autocommit=True)
        self.dbname = url.rsplit("/", 1)[1].split("?")[0]

    def backends(self) -> dict[int, int]:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'",
            [self.dbname],
        ).fetchall()
        out = {}
        for (pid,) in rows:
            found = _stat(pid)
            if found:
                out[pid] = found[1]
        return out

    def read(self) -> tuple[dict[int, int], dict[int, int]]:
        server = tree_cpu(self.server.pid)
        self.server.tree = list(server)  # type: ignore[attr-defined]
        return server, self.backends()

    @staticmethod
    def spent(before: dict[int, int], after: dict[int, int]) -> float:
        """Seconds of CPU between two readings; a process new since `before` counts whole."""
        ticks = sum(t - before.get(pid, 0) for pid, t in after.items())
        return ticks / TICKS

    def close(self) -> None:
        self.conn.close()


# --- the load (Locust as a library) ----------------------------------------------------------


def run_load(
    host: str,
    data: dict,
    users: int,
    think: float,
    seconds: float,
    sat_seconds: float,
    meter: CpuMeter,
    passwords: dict[str, str],
) -> dict:
    import gevent
    from locust import HttpUser, constant, task
    from locust.env import Environment
    from locust.exception import StopUser

    accounts = list(data["accounts"])
    articles = data["articles"] or []
    signed_in = {"n": 0, "failed": 0}
    rng = random.Random(7)

    def check(response, name: str) -> None:
        location = response.headers.get("Location", "")
        if response.status_code >= 400:
            response.failure(f"{name}: HTTP {response.status_code}")
        elif "/accounts/login/" in location or "/accounts/password/" in location:
            response.failure(f"{name}: sent to {location}")
        else:
            response.success()

    def page(user, path: str, name: str) -> None:
        with user.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            check(r, name)

    def portal(user) -> None:
        choice = rng.random()
        if choice < 0.35:
            page(user, "/portal/", "portal home")
        elif choice < 0.7:
            page(user, "/portal/thong-ke/", "portal statistics")
        elif choice < 0.85 or not articles:
            page(user, "/portal/niem-yet/", "portal postings")
        else:
            page(user, f"/portal/tin/{rng.choice(articles)}/", "portal article")

    class Officer(HttpUser):
        weight = 4
        wait_time = constant(think)

        def on_start(self) -> None:
            if not accounts:
                raise StopUser()
            self.account = accounts.pop(0)
            name = self.account["username"]
            self.client.get("/accounts/login/", name="sign-in form")
            token = self.client.cookies.get("csrftoken", "")
            with self.client.post(
                "/accounts/login/",
                {"username": name, "password": passwords[name], "csrfmiddlewaretoken": token},
                name="sign-in",
                allow_redirects=False,
                catch_response=True,
            ) as r:
                if r.status_code != 302:
                    r.failure(f"sign-in of {name}: HTTP {r.status_code}")
                    signed_in["failed"] += 1
                    raise StopUser()
                r.success()
                landing = r.headers.get("Location", "")
            if "/accounts/password/" in self.client.get(landing, name="landing").url:
                token = self.client.cookies.get("csrftoken", "")
                with self.client.post(
                    "/accounts/password/",
                    {
                        "old_password": passwords[name],
                        "new_password1": CHANGED_PASSWORD,
                        "new_password2": CHANGED_PASSWORD,
                        "csrfmiddlewaretoken": token,
                    },
                    name="forced password change",
                    allow_redirects=False,
                    catch_response=True,
                ) as r:
                    if r.status_code != 302:
                        r.failure(f"password change of {name}: HTTP {r.status_code}")
                        signed_in["failed"] += 1
                        raise StopUser()
                    r.success()
                passwords[name] = CHANGED_PASSWORD
            signed_in["n"] += 1

        @task(2)
        def home(self) -> None:
            page(self, "/", "home")

        @task(3)
        def household_list(self) -> None:
            if not self.account["records"]:
                return portal(self)
            number = rng.choice([1, 1, 1, 2, 3, 10])
            page(self, f"/households/?page={number}", "household list")

        @task(5)
        def household_detail(self) -> None:
            if not self.account["households"]:
                return portal(self)
            pk = rng.choice(self.account["households"])
            page(self, f"/households/{pk}/", "household detail")

        @task(2)
        def search(self) -> None:
            if not self.account["records"]:
                return portal(self)
            words = rng.choice(self.account["names"]).split()
            query = " ".join(words[-2:]) if rng.random() < 0.6 else " ".join(words)
            page(self, f"/households/?q={query}", "household search")

        @task(1)
        def dashboard(self) -> None:
            if not self.account["aggregates"]:
                return portal(self)
            page(self, "/reports/", "dashboard")

        @task(1)
        def form_1(self) -> None:
            if not self.account["aggregates"]:
                return portal(self)
            page(self, "/reports/forms/1/", "report form 1")

        @task(1)
        def public(self) -> None:
            portal(self)

    class Citizen(HttpUser):
        weight = 1
        wait_time = constant(think)

        def on_start(self) -> None:
            signed_in["n"] += 1

        @task
        def read(self) -> None:
            portal(self)

    env = Environment(user_classes=[Officer, Citizen], host=host)
    runner = env.create_local_runner()
    started = time.perf_counter()
    runner.start(users, spawn_rate=users)
    deadline = time.monotonic() + 600  # sign-ins hash passwords: slow on a loaded machine
    while signed_in["n"] + signed_in["failed"] < users and time.monotonic() < deadline:
        gevent.sleep(1)
        if int(time.perf_counter() - started) % 15 == 0:
            print(f"  signed in: {signed_in['n']}/{users}", flush=True)
    sign_in_s = time.perf_counter() - started
    print(f"  {signed_in['n']} users signed in in {sign_in_s:.1f} s; measuring {seconds:g} s")
    login_errors = env.stats.total.num_failures + signed_in["failed"]
    results = []
    for phase, wait in enumerate((think, 0.0)):
        if phase:
            # Saturation: the same signed-in users, no think time from their next request on.
            Officer.wait_time = Citizen.wait_time = constant(wait)
        env.stats.reset_all()
        before = meter.read()
        load_before = loadavg()
        t0 = time.perf_counter()
        gevent.sleep(seconds if not phase else sat_seconds)
        after = meter.read()
        wall = time.perf_counter() - t0
        total = env.stats.total
        results.append(
            {
                "requests": total.num_requests,
                "errors": total.num_failures,
                "rps": total.num_requests / wall,
                "p50": total.get_response_time_percentile(0.5),
                "p95": total.get_response_time_percentile(0.95),
                "p99": total.get_response_time_percentile(0.99),
                "wall": wall,
                "server_cpu": meter.spent(before[0], after[0]),
                "db_cpu": meter.spent(before[1], after[1]),
                "load_before": load_before,
                "load_after": loadavg(),
                "sign_in_s": sign_in_s,
                "signed_in": signed_in["n"],
                "sign_in_errors": login_errors,
                "by_name": {
                    name: (s.num_requests, s.num_failures, s.get_response_time_percentile(0.95))
                    for (name, _method), s in sorted(env.stats.entries.items())
                    if s.num_requests
                },
                "failures": [
                    f"{e.name}: {e.error} ×{e.occurrences}"
                    for e in list(env.stats.errors.values())[:8]
                ],
            }
        )
        print(f"  phase {phase + 1}: {total.num_requests} requests in {wall:.1f} s", flush=True)
    runner.quit()
    return results


def report(label: str, r: dict) -> None:
    n = max(r["requests"], 1)
    print(
        f"{label}: server CPU {r['server_cpu']:.1f} s = {1000 * r['server_cpu'] / n:.1f} ms/request; "
        f"PostgreSQL backends {r['db_cpu']:.1f} s = {1000 * r['db_cpu'] / n:.1f} ms/request; "
        f"wall {r['wall']:.1f} s; load {r['load_before']} → {r['load_after']}; "
        f"{r['signed_in']} users signed in in {r['sign_in_s']:.1f} s "
        f"({r['sign_in_errors']} sign-in errors)"
    )
    for name, (count, failures, p95) in r["by_name"].items():
        print(f"  {name:<24} {count:>6} requests  {failures:>4} errors  p95 {p95} ms")
    for line in r["failures"]:
        print(f"  error: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="measured time of each run")
    parser.add_argument("--sat-seconds", type=float, default=None, help="default: --seconds")
    parser.add_argument("--think", type=float, default=1.0, help="think time of the first run")
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--workers", type=int, default=0, help="web processes (default: serve's)")
    parser.add_argument("--profile", default="", help="a folder for the workers' cProfile data")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--prepare", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.prepare, args.seed)))
        return
    # Locust patches the standard library for gevent at import: before psycopg or sockets.
    import locust  # noqa: F401

    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("BENCH_DATABASE_URL must name a PostgreSQL database")
    if not 1 <= args.users <= 500 or not 1 <= args.seconds <= 1800:
        sys.exit("--users 1–500 and --seconds 1–1800 keep the run bounded")
    sat_seconds = args.sat_seconds if args.sat_seconds is not None else args.seconds

    # A stop from outside (Ctrl+C, SIGTERM, a timeout) still stops the server below.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    build(args.database_url, args.households, args.no_build)
    data = prepare_in_child(args.database_url, args.users, args.seed)
    households = household_count(args.database_url)
    port = free_port()
    server = start_server(args.database_url, port, args.workers, args.profile)
    meter = None
    try:
        meter = CpuMeter(server, args.database_url)
        print(f"server: giamngheo serve on 127.0.0.1:{port}, {households} households", flush=True)
        host = f"http://127.0.0.1:{port}"
        passwords = {a["username"]: BENCH_PASSWORD for a in data["accounts"]}
        first, second = run_load(
            host, data, args.users, args.think, args.seconds, sat_seconds, meter, passwords
        )
    finally:
        if meter is not None:
            meter.close()
        stop_server(server)
    print(
        f"RESULT users={args.users} think_s={args.think:g} requests={first['requests']} "
        f"rps={first['rps']:.1f} p50_ms={first['p50']:.0f} p95_ms={first['p95']:.0f} "
        f"p99_ms={first['p99']:.0f} errors={first['errors']} sat_rps={second['rps']:.1f}"
    )
    report(f"think {args.think:g} s", first)
    report(
        f"saturation (no think time; {second['requests']} requests, "
        f"p50 {second['p50']:.0f} / p95 {second['p95']:.0f} ms, {second['errors']} errors)",
        second,
    )
    print(f"households={households} database={args.database_url.rsplit('/', 1)[1]}")


if __name__ == "__main__":
    main()
