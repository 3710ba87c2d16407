"""Benchmark of a commune's re-classification: one household at a time vs the batch path.

    python benchmarks/reclassify.py [--database-url URL] [--households 10000]
        [--paths loop,instances,columns] [--profile FILE]

One commune's periodic round in its survey step, every household's form B complete (synthetic
households from benchmarks/classify.py: ≈3.6 members each). Every stored result is first made
stale (another engine version), so both paths write every household; then:

  (a) per household, as the answers import did: lock the row (select_for_update), classify it
      with ``classify_household``, save it (one history row each);
  (b) ``instances``: ``round_reclassify``'s path for SQLite (model instances, one engine pass,
      a prepared UPDATE per row and django-simple-history's bulk history rows);
  (c) ``columns``: its path on PostgreSQL (facts read as columns, the same engine pass, COPY
      into a temporary table, one ``UPDATE … FROM`` of the changed rows and one
      ``INSERT … SELECT`` of their history rows).

Each path runs on the whole round, in one transaction, after the results were made stale again;
every path after the first is checked against the first: the same stored classes, deprivations,
explanations and history rows (actor, reason, type, every field but the dates). `--paths` picks
them (the one-at-a-time loop takes ≈ 50 s per 1,000 households on PostgreSQL: leave it out at
large N). Wall seconds, this process's CPU seconds (time.process_time) and, on PostgreSQL, the
CPU seconds of the database backend serving it (/proc/<pid>/stat of ``pg_backend_pid()``, parallel
workers off for the session so that it does all the work; PostgreSQL must run on this machine).
`--profile FILE` writes a cProfile of the last path.
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


def history(review_round, after: int) -> dict:
    """The history rows a path wrote, by assessment (the dates aside: each run has its own)."""
    from django.forms.models import model_to_dict

    from giamngheo.reviews.models import Assessment

    rows = Assessment.history.filter(round_id=review_round.pk, history_id__gt=after)
    out = {}
    for row in rows.iterator(chunk_size=5000):
        values = model_to_dict(row, exclude=["history_id", "history_date", "classified_at"])
        values.pop("updated_at", None)
        values["history_type"] = row.history_type
        values["history_change_reason"] = row.history_change_reason
        out[row.id] = values
    return out


def last_history_id() -> int:
    from django.db.models import Max

    from giamngheo.reviews.models import Assessment

    return Assessment.history.aggregate(m=Max("history_id"))["m"] or 0


def backend_cpu() -> float | None:
    """CPU seconds of the PostgreSQL backend serving Django's connection so far."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn, *args, profile: str | None = None, **kwargs) -> tuple[float, float, float | None]:
    db0 = backend_cpu()
    t0, c0 = time.perf_counter(), time.process_time()
    if profile:
        import cProfile

        with cProfile.Profile() as prof:
            fn(*args, **kwargs)
        prof.dump_stats(profile)
    else:
        fn(*args, **kwargs)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    db1 = backend_cpu()
    return wall, cpu, (db1 - db0) if db0 is not None and db1 is not None else None


def reclassify(path: str, officer, review_round) -> None:
    from django.db import transaction

    from giamngheo.reviews.services import classification

    if path == "loop":
        one_at_a_time(review_round)
        return
    # round_reclassify picks the path by vendor; the benchmark calls the other one by name too.
    if path == "instances":
        inner = classification._reclassify_instances
    else:
        inner = classification._reclassify_columns
    original = classification._reclassify_columns, classification._reclassify_instances
    classification._reclassify_columns = classification._reclassify_instances = inner
    try:
        with transaction.atomic():
            classification.round_reclassify(actor=officer, review_round=review_round)
    finally:
        classification._reclassify_columns, classification._reclassify_instances = original


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=10_000)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--paths", default="loop,instances,columns")
    ap.add_argument("--profile", default=None)
    args = ap.parse_args(argv)
    paths = args.paths.split(",")
    if args.database_url:
        ensure_database(args.database_url)
    setup_django(args.database_url, Path(tempfile.mkdtemp(prefix="gn-reclassify-")))
    from django.db import connection

    if "columns" in paths and connection.vendor != "postgresql":
        paths.remove("columns")
    t0 = time.perf_counter()
    officer, review_round = build(args.households)
    print(
        f"{args.households:,} households listed ({connection.vendor}) "
        f"in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("ANALYZE")
    expected = expected_history = None
    figures = []
    for k, path in enumerate(paths):
        stale(review_round)
        after = last_history_id()
        profile = args.profile if k == len(paths) - 1 else None
        wall, cpu, db = timed(reclassify, path, officer, review_round, profile=profile)
        load = Path("/proc/loadavg").read_text().split()[0]
        results = stored(review_round)
        written = history(review_round, after) if path != "loop" else None
        if expected is None:
            expected, same = results, "first"
        else:
            assert results == expected, f"{path} stored other results"
            same = "same results"
        if written is not None:
            if expected_history is None:
                expected_history = written
            else:
                assert written == expected_history, f"{path} wrote other history rows"
                same += ", same history"
        db_s = f", database backend {db:.2f} s CPU" if db is not None else ""
        print(f"{path}: {wall:.2f} s wall, {cpu:.2f} s CPU{db_s}; load {load}; {same}", flush=True)
        figures.append(
            f"{path}_wall_s={wall:.2f} {path}_cpu_s={cpu:.2f}"
            + (f" {path}_db_cpu_s={db:.2f}" if db is not None else "")
            + f" {path}_load={load}"
        )
    print(f"RESULT households={args.households} database={connection.vendor} " + " ".join(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
