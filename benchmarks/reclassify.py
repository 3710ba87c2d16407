"""Benchmark of a commune's re-classification: one household at a time vs the batch path.

    python benchmarks/reclassify.py [--database-url URL] [--households 10000]

One commune's periodic round in its survey step, every household's form B complete (synthetic
households from benchmarks/classify.py: ≈3.6 members each). Every stored result is first made
stale (another engine version), so both paths write every household; then:

  (a) per household, as the answers import did: lock the row (select_for_update), classify it
      with ``classify_household``, save it (one history row each);
  (b) ``reviews.services.classification.round_reclassify``: one engine pass (classification and
      structured explanation), one ``bulk_update_with_history`` in one transaction.

Both end checked: the same stored classes, deprivations and explanations. Wall seconds and this
process's CPU seconds (time.process_time); on PostgreSQL the database server's CPU is not in it.
The default database is SQLite in a temporary directory; with `--database-url postgresql://…`
the database is created if missing and emptied first. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from classify import generate, nested  # noqa: E402
from screening import ensure_database, setup_django  # noqa: E402

DAY = dt.date(2025, 10, 1)
STORED = ("poverty_class", "deprived", "deprived_members", "explanation", "classification_error")


def build(households: int):
    """A commune, its households and a survey-step round with every form B complete."""
    from django.db import transaction

    from giamngheo.accounts.models import Role
    from giamngheo.accounts.tests.factories import UserFactory, build_small_province
    from giamngheo.households.models import Household
    from giamngheo.reviews.facts import HOUSEHOLD_SECTIONS, member_section
    from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus, RoundType

    h, m = generate(households)
    records = nested(h, m)
    with transaction.atomic():
        units = build_small_province()
        commune, village = units["A"], units["A1"]
        officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=commune)
        made = Household.objects.bulk_create(
            [
                Household(code=f"31-B-{k:07d}", unit=village, head_name=f"Hộ {k}", area=r["area"])
                for k, r in enumerate(records)
            ],
            batch_size=2000,
        )
        review_round = ReviewRound.objects.create(
            unit=commune,
            year=DAY.year,
            round_type=RoundType.PERIODIC,
            review_date=DAY,
            standard="vn-2022",
            status=RoundStatus.SURVEY,
            created_by=officer,
        )
        assessments = []
        for household, r in zip(made, records, strict=True):
            members = [
                {
                    **{k: v for k, v in p.items() if k != "household_id"},
                    "date_of_birth": p["date_of_birth"].isoformat(),
                }
                for p in r["members"]
            ]
            facts = {
                k: v
                for k, v in r.items()
                if k not in ("household_id", "review_date", "round_type", "members")
            }
            assessments.append(
                Assessment(
                    round=review_round,
                    household=household,
                    facts=facts,
                    members=members,
                    income_per_capita_month=facts["income_per_capita_month"],
                    screening={"markers": [], "count": 0},
                    sections_done=[
                        *HOUSEHOLD_SECTIONS,
                        *(member_section(p["member_id"]) for p in members),
                    ],
                )
            )
        Assessment.objects.bulk_create(assessments, batch_size=2000)
    return officer, review_round


def stale(review_round) -> None:
    review_round.assessments.update(engine_version="stale", explanation=[], poverty_class="")


def one_at_a_time(review_round) -> None:
    from django.db import transaction

    from giamngheo.reviews.models import Assessment
    from giamngheo.reviews.services.assessments import assessment_classify

    for pk in review_round.assessments.values_list("pk", flat=True):
        with transaction.atomic():
            a = (
                Assessment.objects.select_for_update()
                .select_related("household", "round")
                .get(pk=pk)
            )
            assessment_classify(a)
            a.save()


def stored(review_round) -> dict:
    return {
        row[0]: row[1:]
        for row in review_round.assessments.order_by("pk").values_list("pk", *STORED)
    }


def timed(fn, *args, **kwargs) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    fn(*args, **kwargs)
    return time.perf_counter() - t0, time.process_time() - c0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=10_000)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args(argv)
    if args.database_url:
        ensure_database(args.database_url)
    setup_django(args.database_url, Path(tempfile.mkdtemp(prefix="gn-reclassify-")))
    from django.db import connection

    from giamngheo.reviews.services.classification import round_reclassify

    officer, review_round = build(args.households)
    print(f"{args.households:,} households listed ({connection.vendor})", flush=True)
    stale(review_round)
    loop_wall, loop_cpu = timed(one_at_a_time, review_round)
    expected = stored(review_round)
    print(f"one at a time: {loop_wall:.2f} s wall, {loop_cpu:.2f} s CPU", flush=True)
    stale(review_round)
    batch_wall, batch_cpu = timed(round_reclassify, actor=officer, review_round=review_round)
    assert stored(review_round) == expected, "the batch path stored other results"
    print(f"batch path: {batch_wall:.2f} s wall, {batch_cpu:.2f} s CPU; same results", flush=True)
    print(
        f"RESULT households={args.households} database={connection.vendor} "
        f"loop_wall_s={loop_wall:.2f} loop_cpu_s={loop_cpu:.2f} batch_wall_s={batch_wall:.2f} "
        f"batch_cpu_s={batch_cpu:.2f} cpu_ratio={loop_cpu / batch_cpu:.1f} "
        f"load_avg={os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
