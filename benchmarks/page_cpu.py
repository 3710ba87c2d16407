"""CPU of one request to each page of the load mix, in this process, on a built load database.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/giamngheo_load \\
        python benchmarks/page_cpu.py [--repeat 5] [--profile DIR] [--only dashboard,...]

Run after `benchmarks/load.py` has built the database and opened its accounts (`bench-01` is a
province officer, `bench-02` a commune officer). Each page is requested through Django's test
client with DEBUG off, as the province officer, a commune officer and an anonymous citizen, once
to warm and then `--repeat` times; the median `time.process_time` of the repeats is printed with
the number of queries of one more request. This process's CPU only (PostgreSQL's backends are not
counted). `--profile DIR` writes one cProfile file per page and user into DIR.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", default="")
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "page-cpu-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_COOKIES", "0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from giamngheo.accounts.models import User
    from giamngheo.households.models import Household
    from giamngheo.portal.models import Article

    assert not settings.DEBUG
    setup_test_environment()  # ALLOWED_HOSTS gains "testserver"; templates are rendered as served
    province = User.objects.get(username="bench-01")
    commune = User.objects.get(username="bench-02")
    article = Article.objects.published().values_list("slug", flat=True).first()
    in_commune = (
        Household.objects.filter(unit__parent=commune.unit)
        .order_by("pk")
        .values_list("pk", "head_name")
        .first()
    )
    anywhere = Household.objects.order_by("pk").values_list("pk", flat=True)[5000]
    name = " ".join(in_commune[1].split()[-2:])
    officer_pages = {
        "home": "/",
        "household list": "/households/?page=1",
        "household list p10": "/households/?page=10",
        "household search": f"/households/?q={name}",
        "dashboard": "/reports/",
        "report form 1": "/reports/forms/1/",
    }
    portal_pages = {
        "portal home": "/portal/",
        "portal statistics": "/portal/thong-ke/",
        "portal postings": "/portal/niem-yet/",
        "portal article": f"/portal/tin/{article}/",
    }
    plan = [
        ("province", province, {**officer_pages, "household detail": f"/households/{anywhere}/"}),
        (
            "commune",
            commune,
            {**officer_pages, "household detail": f"/households/{in_commune[0]}/"},
        ),
        ("anonymous", None, portal_pages),
    ]
    only = {p.strip() for p in args.only.split(",") if p.strip()}
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    print(f"load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    for who, user, pages in plan:
        client = Client()
        if user is not None:
            client.force_login(user)
        for page, path in pages.items():
            if only and page not in only:
                continue
            response = client.get(path)
            if response.status_code != 200:
                print(
                    f"{who:9} {page:20} HTTP {response.status_code} {response.get('Location', '')}"
                )
                continue
            spent = []
            for _ in range(args.repeat):
                started = time.process_time()
                client.get(path)
                spent.append(time.process_time() - started)
            queries: list[str] = []

            def count(run, sql, *rest, queries=queries):
                queries.append(sql)
                return run(sql, *rest)

            # Counted by a wrapper: Django clears `connection.queries` when a request starts.
            with connection.execute_wrapper(count):
                client.get(path)
            if args.profile:
                profile = cProfile.Profile()
                profile.enable()
                client.get(path)
                profile.disable()
                profile.dump_stats(Path(args.profile) / f"{who}-{page.replace(' ', '_')}.prof")
            print(
                f"{who:9} {page:20} {statistics.median(spent) * 1000:7.1f} ms CPU "
                f"(min {min(spent) * 1000:6.1f})  {len(queries):3d} queries  {len(response.content) // 1024} KiB"
            )
    print(f"load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
