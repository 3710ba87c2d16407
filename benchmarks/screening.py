"""Benchmark of form A screening (Phiếu A) for a 900-household annual round, through the web app.

    .venv/bin/python benchmarks/screening.py [--database-url URL] [--villages 9] [--per-village 100]
        [--follow]

Two communes with the same structure (9 villages of 100 one-member households each) get the same
periodic round, listed and moved to screening. The commune officer, logged in, then screens every
household as unchanged (no marker ticked, none last year) in two ways:

  (a) village table: per village, the page with every household picked (?pick=all), then one save
      with "checked with the village head" ticked: 2 requests a village;
  (b) one household at a time: per household, form A's page, then its save: 2 requests a household.

Requests go through django.test.Client with DEBUG off, so the whole server side runs in this
process (middleware, sessions saved on every request, access checks, templates, the services and
their audit history). The form data sent is what the page's form holds, read from the HTML as a
browser would; reading it is not timed. Wall seconds (time.perf_counter) and this process's CPU
seconds (time.process_time) are summed over the requests only. On SQLite the database work is in
that CPU time; on PostgreSQL the database server's own CPU is not. `--follow` also fetches the page
each save redirects to, as a browser does. Each path ends checked: every household screened.

The default database is a fresh SQLite file in a temporary GIAMNGHEO_VAR_DIR; with
`--database-url postgresql://…` the database is created if missing and emptied first.
The last line is machine-readable (JSON).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_households import ensure_database  # noqa: E402  (the one copy)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_NAME = "giamngheo_bench_screening"
DAY = dt.date(2025, 10, 1)  # inside the periodic review's window (poverty-standards.md §0)


def setup_django(url: str | None, var_dir: Path) -> None:
    """Production-like settings (DEBUG off) on a throw-away var directory."""
    os.environ["GIAMNGHEO_VAR_DIR"] = str(var_dir)
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.pop("DATABASE_URL", None)  # SQLite in GIAMNGHEO_VAR_DIR
    os.environ["DJANGO_SETTINGS_MODULE"] = "giamngheo.settings"
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    assert not settings.DEBUG
    call_command("migrate", verbosity=0)
    if url:
        call_command("flush", interactive=False, verbosity=0)


def build(villages: int, per_village: int) -> dict[str, dict]:
    """Commune A for the village table, commune B for one household at a time."""
    from django.db import transaction

    from giamngheo.accounts.models import Role
    from giamngheo.accounts.tests.factories import UnitFactory, UserFactory, build_small_province
    from giamngheo.geo.models import Level
    from giamngheo.reviews import services
    from giamngheo.reviews.models import RoundStatus, RoundType
    from giamngheo.reviews.tests.conftest import make_household, on_day

    with transaction.atomic():
        province = build_small_province()
    setups = {}
    for path, commune in (("village", province["A"]), ("household", province["B"])):
        with transaction.atomic():
            officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=commune)
            units = []
            for i in range(villages):
                village = UnitFactory(
                    code=f"{commune.code}-V{i}",
                    name=f"Thôn {i}",
                    division_type="thôn",
                    level=Level.VILLAGE,
                    parent=commune,
                )
                units.append(village)
                for n in range(per_village):
                    make_household(village, f"31-{commune.code}-{i:02d}{n:04d}", f"Hộ {i}-{n}")
        with on_day(DAY):
            r = services.round_create(
                actor=officer, unit=commune, round_type=RoundType.PERIODIC, review_date=DAY
            )
            services.round_list_households(actor=officer, review_round=r)
            services.round_advance(actor=officer, review_round=r)
        r.refresh_from_db()
        assert r.status == RoundStatus.SCREENING, r.status
        assert r.assessments.count() == villages * per_village
        setups[path] = {"officer": officer, "round": r, "villages": units}
    return setups


class Timer:
    """Sums wall and process CPU seconds over the requests it makes."""

    def __init__(self, client, follow: bool) -> None:
        self.client, self.follow = client, follow
        self.wall = self.cpu = 0.0
        self.times: dict[str, list[float]] = {"GET": [], "POST": []}

    @property
    def requests(self) -> int:
        return sum(len(t) for t in self.times.values())

    def _timed(self, method: str, url: str, data=None):
        wall, cpu = time.perf_counter(), time.process_time()
        response = self.client.get(url) if method == "GET" else self.client.post(url, data)
        # The whole body is rendered before the client returns it (no streaming responses here).
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        self.wall += wall
        self.cpu += cpu
        self.times[method].append(wall)
        return response

    def get(self, url: str) -> str:
        response = self._timed("GET", url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content.decode()

    def post(self, url: str, data: dict) -> None:
        response = self._timed("POST", url, data)
        assert response.status_code == 302, (url, response.status_code, response.content[:2000])
        if self.follow:
            self.get(response["Location"])


def village_form(html: str) -> dict[str, list[str]]:
    """What the village table's form sends: every row shown, the rows ticked unchanged, the
    markers ticked, and the confirmation the officer ticks."""
    data: dict[str, list[str]] = {
        "shown": re.findall(r'name="shown" value="(\d+)"', html),
        "unchanged": re.findall(r'name="unchanged" value="(\d+)"[^>]*\bchecked', html),
        "confirmed": ["on"],
    }
    for pk, code in re.findall(r'name="m-(\d+)" value="([^"]+)"[^>]*\bchecked', html):
        data.setdefault(f"m-{pk}", []).append(code)
    return data


def household_form(html: str) -> dict[str, list[str]]:
    """What form A's page sends: the markers ticked (none here)."""
    return {"markers": re.findall(r'name="markers" value="([^"]+)"[^>]*\bchecked', html)}


def by_village(timer: Timer, setup: dict, per_village: int) -> None:
    from django.urls import reverse

    r = setup["round"]
    for village in setup["villages"]:
        url = reverse("reviews:screening_village", args=[r.pk, village.pk])
        data = village_form(timer.get(url + "?pick=all"))
        expected = set(r.assessments.filter(household__unit=village).values_list("pk", flat=True))
        assert {int(pk) for pk in data["unchanged"]} == expected, village.code
        assert len(expected) == per_village
        timer.post(url, data)


def by_household(timer: Timer, setup: dict) -> None:
    from django.urls import reverse

    r = setup["round"]
    ids = list(r.assessments.order_by("household__code").values_list("pk", flat=True))
    for pk in ids:
        url = reverse("reviews:assessment_screening", args=[pk])
        data = household_form(timer.get(url))
        timer.post(url, data)


def check_screened(setup: dict, households: int) -> None:
    r = setup["round"]
    assert r.assessments.count() == households
    assert not r.assessments.filter(screening={}).exists(), "a household was left unscreened"
    assert not r.assessments.filter(screened_by=None).exists(), "a household was left unscreened"
    results = list(r.assessments.values_list("screening", flat=True))
    assert all(s == {"markers": [], "count": 0} for s in results), results[:3]


def warm_up(client, setups: dict) -> None:
    """Compile templates and resolve URLs once, untimed, for both pages."""
    from django.urls import reverse

    a, b = setups["village"], setups["household"]
    url = reverse("reviews:screening_village", args=[a["round"].pk, a["villages"][0].pk])
    assert client.get(url).status_code == 200
    client.force_login(b["officer"])
    pk = b["round"].assessments.values_list("pk", flat=True).first()
    page = client.get(reverse("reviews:assessment_screening", args=[pk]))
    assert page.status_code == 200 and 'name="markers"' in page.content.decode()
    assert client.get(reverse("reviews:assessment_detail", args=[pk])).status_code == 200


def summary(timer: Timer, households: int) -> dict:
    every = timer.times["GET"] + timer.times["POST"]
    return {
        "requests": timer.requests,
        "wall_s": round(timer.wall, 3),
        "cpu_s": round(timer.cpu, 3),
        "households_per_s": round(households / timer.wall, 1),
        "median_ms": round(statistics.median(every) * 1000, 1),
        "median_get_ms": round(statistics.median(timer.times["GET"]) * 1000, 1),
        "median_post_ms": round(statistics.median(timer.times["POST"]) * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=None,
        help=f"postgresql://…/{DEFAULT_DB_NAME} (created if missing, emptied); default SQLite",
    )
    parser.add_argument("--villages", type=int, default=9)
    parser.add_argument("--per-village", type=int, default=100)
    parser.add_argument(
        "--follow", action="store_true", help="also fetch the page each save redirects to"
    )
    args = parser.parse_args()
    households = args.villages * args.per_village

    var_dir = Path(tempfile.mkdtemp(prefix="giamngheo-bench-screening-"))
    try:
        if args.database_url:
            ensure_database(args.database_url)
        setup_django(args.database_url, var_dir)
        from django.db import connection
        from django.test import Client

        started = time.perf_counter()
        setups = build(args.villages, args.per_village)
        print(
            f"database: {connection.vendor} {connection.settings_dict['NAME']}; DEBUG off; "
            f"built 2 communes x {args.villages} villages x {args.per_village} households "
            f"in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        client.force_login(setups["village"]["officer"])
        warm_up(client, setups)

        results = {}
        client.force_login(setups["village"]["officer"])
        timer = Timer(client, args.follow)
        by_village(timer, setups["village"], args.per_village)
        check_screened(setups["village"], households)
        results["village"] = summary(timer, households)

        client.force_login(setups["household"]["officer"])
        timer = Timer(client, args.follow)
        by_household(timer, setups["household"])
        check_screened(setups["household"], households)
        results["household"] = summary(timer, households)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)

    labels = {"village": "(a) village table", "household": "(b) one household at a time"}
    print(
        f"\n{'path':<30} {'requests':>8} {'wall s':>8} {'CPU s':>8} {'households/s':>13}"
        f" {'median ms (GET / POST)':>24}"
    )
    for key, label in labels.items():
        s = results[key]
        medians = f"{s['median_get_ms']:.1f} / {s['median_post_ms']:.1f}"
        print(
            f"{label:<30} {s['requests']:>8} {s['wall_s']:>8.2f} {s['cpu_s']:>8.2f}"
            f" {s['households_per_s']:>13.1f} {medians:>24}"
        )
    a, b = results["village"], results["household"]
    ratio_wall = b["wall_s"] / a["wall_s"]
    ratio_cpu = b["cpu_s"] / a["cpu_s"]
    print(
        f"\n(b)/(a): {b['requests'] / a['requests']:.0f}x requests, {ratio_wall:.1f}x wall, "
        f"{ratio_cpu:.1f}x CPU for the same {households} households"
    )
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "households": households,
                "follow_redirects": args.follow,
                "village": a,
                "household": b,
                "ratio_wall": round(ratio_wall, 2),
                "ratio_cpu": round(ratio_cpu, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
