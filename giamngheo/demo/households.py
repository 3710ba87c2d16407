"""Demo households with two approved annual reviews (2024, 2025) and a 2023 baseline.

Rows are written with bulk inserts: this is seed data, not officers' work, so it carries no
per-row history; everything an officer changes afterwards is audited as usual.
"""

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from giamngheo.accounts.models import Role, User
from giamngheo.demo.bulk import indexes_deferred, insert_rows, next_ids, page_cache
from giamngheo.demo.frozen import snapshots_copy, stage_members, staging_reset
from giamngheo.demo.registry import db_value, write_registry
from giamngheo.demo.synthetic import Population, facts_for_year, generate_population
from giamngheo.geo.models import AdminUnit, Area, Level
from giamngheo.households.models import Household, LifeEvent, Member, ResidentCount
from giamngheo.reviews.models import (
    Assessment,
    Baseline,
    BaselineEntry,
    ReviewRound,
    RoundSnapshot,
    RoundStatus,
    RoundTransition,
)
from giamngheo.reviews.services.outcomes import outcomes_compute
from giamngheo.reviews.services.snapshots import snapshots_take
from giamngheo.reviews.version import figures_changed
from giamngheo.standards import ENGINE_VERSION, classify_batch, select_standard

BASE_YEAR = 2023
ROUND_YEARS = (2024, 2025)
BATCH = 5000
# Households classified and written at a time: two of the engine's parallel parts.
CHUNK = 200_000
# SQLite's page cache during the load: the default 2 MB rereads the unique household codes' index.
SQLITE_CACHE_MB = 64
SNAPSHOT_NOTE = "Dữ liệu mô phỏng: chốt từ sổ hộ mô phỏng khi tạo dữ liệu."
CONTRACT_MEMBER_FIELDS = [
    "date_of_birth",
    "sex",
    "relation",
    "health_insurance",
    "in_school",
    "diploma",
    "vocational_training",
    "employment",
    "working_capacity",
    "disability",
    "social_allowance",
    "child_nutrition",
    "ill_untreated",
]
CONTRACT_HOUSEHOLD_FIELDS = [
    "area",
    "income_per_capita_month",
    "nlnn",
    "housing_type",
    "floor_area_m2",
    "domestic_water",
    "hygienic_latrine",
    "uses_telecom",
    "info_devices",
    "hears_loudspeaker",
]


@dataclass(frozen=True)
class SeedSummary:
    households: int
    members: int
    rounds: int
    rates: dict[int, tuple[float, float]]


def ensure_commune_chairmen(province: AdminUnit) -> dict[int, User]:
    """One chairman per commune, to approve its rounds; they sign in only after a password reset."""
    chairmen = {}
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, parent=province, valid_to__isnull=True)
    for commune in communes:
        existing = (
            User.objects.filter(role=Role.COMMUNE_CHAIRMAN, unit=commune).order_by("pk").first()
        )
        if existing is not None:
            chairmen[commune.pk] = existing
            continue
        user, created = User.objects.get_or_create(
            username=f"chutich.{commune.code}",
            defaults={
                "role": Role.COMMUNE_CHAIRMAN,
                "unit": commune,
                "last_name": f"Chủ tịch UBND {commune.name}",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        chairmen[commune.pk] = user
    return chairmen


def review_date(year: int) -> dt.date:
    return dt.date(year, 11, 15)


def seed_households(
    *, province: AdminUnit, chairmen: dict[int, User], households: int, seed: int, stdout
) -> SeedSummary | None:
    if Household.objects.filter(code__startswith=f"{province.code}-").exists():
        stdout.write("Households already present: left as they are.")
        return None
    villages = list(
        AdminUnit.objects.filter(
            level=Level.VILLAGE, parent__parent=province, valid_to__isnull=True
        )
        .select_related("parent")
        .order_by("code")
    )
    areas = np.array([1 if v.parent.area == Area.URBAN else 0 for v in villages])
    pop = generate_population(
        villages_area=areas, households=households, base_year=BASE_YEAR, seed=seed
    )
    rng = np.random.default_rng(seed + 1)
    # About 0.4 % of households move away before the 2025 review and 0.6 % arrive in 2025.
    left = rng.random(pop.n) < 0.004
    arrived = ~left & (rng.random(pop.n) < 0.006)
    # Members are classified under the registry ids they are about to get (contract member_id).
    member_ids = np.array(next_ids(Member, len(pop.member_household)))
    communes = {v.parent_id: v.parent for v in villages}
    commune_of = np.array([v.parent_id for v in villages])[pop.household_village]
    with transaction.atomic(), page_cache(SQLITE_CACHE_MB):
        # The registry keeps the latest year's member facts; each year's facts are derived
        # again when that year is classified (same seed, same facts) rather than kept.
        _, latest = facts_for_year(pop, ROUND_YEARS[-1], review_date(ROUND_YEARS[-1]))
        with indexes_deferred(Household, Member, LifeEvent):
            hh_ids = write_registry(pop, villages, province, left, arrived, latest, member_ids)
        del latest
        base = np.concatenate(
            [
                result["class"].to_numpy()
                for _, _, result in _classified(pop, BASE_YEAR, member_ids, explain=False)
            ]
        )
        _write_baseline(province, communes, commune_of, hh_ids, base, arrived)
        del base
        rounds = 0
        rates = {}
        starts = np.concatenate([[0], np.cumsum(pop.household_size)])
        # The copy in SQL is SQLite's (the embedded default); PostgreSQL takes the generic path.
        copied = connection.vendor == "sqlite"
        for year in ROUND_YEARS:
            present = ~arrived if year == ROUND_YEARS[0] else ~left
            _write_counts(communes, commune_of, present, year)
            by_commune = _write_rounds(communes, year, chairmen)
            rounds += len(by_commune)
            classes = []
            if copied:
                staging_reset()
            with indexes_deferred(Assessment):
                for part, snapshot, result in _classified(pop, year, member_ids, explain=True):
                    _write_assessments(
                        year,
                        snapshot,
                        result,
                        present[part],
                        hh_ids[part],
                        commune_of[part],
                        by_commune,
                    )
                    if copied:
                        people = slice(int(starts[part.start]), int(starts[part.stop]))
                        stage_members(
                            snapshot[1],
                            names=pop.member_name[people],
                            registry_sex=pop.member_sex[people],
                            registry_relation=pop.member_relation[people],
                            registry_birth=pop.member_birth[people],
                            minority=pop.minority[pop.member_household[people]],
                            household_ids=hh_ids[part],
                            assessed=present[part],
                            review_date=review_date(year),
                        )
                    classes.append(result["class"].to_numpy())
                    del snapshot, result
            for rnd in by_commune.values():
                outcomes_compute(rnd)
            # The registry's names and the facts are at hand: copied in SQL, not read back.
            if copied:
                snapshots_copy(
                    by_commune.values(), taken_from=RoundSnapshot.Source.SEEDED, note=SNAPSHOT_NOTE
                )
            else:
                snapshots_take(
                    by_commune.values(),
                    taken_from=RoundSnapshot.Source.SEEDED,
                    note=SNAPSHOT_NOTE,
                    insert=insert_rows,
                )
            assessed = np.concatenate(classes)[present]
            rates[year] = (
                round(100 * float(np.mean(assessed == "poor")), 2),
                round(100 * float(np.mean(assessed == "near_poor")), 2),
            )
    return SeedSummary(pop.n, len(pop.member_household), rounds, rates)


def _classified(
    pop: Population, year: int, member_ids: np.ndarray, *, explain: bool
) -> Iterator[tuple[slice, tuple[pl.DataFrame, pl.DataFrame], pl.DataFrame]]:
    """`year`'s facts and classification, CHUNK households at a time (with their members).

    A million households' explanations for a year at once would take gigabytes; a chunk's are
    written and dropped before the next is classified.
    """
    households, members = facts_for_year(pop, year, review_date(year))
    members = members.with_columns(pl.Series("member_id", member_ids).cast(pl.String))
    starts = np.concatenate([[0], np.cumsum(pop.household_size)])
    for lo in range(0, pop.n, CHUNK):
        hi = min(lo + CHUNK, pop.n)
        h = households.slice(lo, hi - lo)
        m = members.slice(int(starts[lo]), int(starts[hi] - starts[lo]))
        yield slice(lo, hi), (h, m), classify_batch(h, m, explain=explain, lang=None)


def _write_baseline(province, communes, commune_of, hh_ids, classes, arrived) -> None:
    for k, commune in enumerate(sorted(communes.values(), key=lambda c: c.code), start=1):
        baseline = Baseline.objects.create(
            unit=commune,
            year=BASE_YEAR,
            decision_number=f"{500 + k}/QĐ-UBND",
            decision_date=dt.date(BASE_YEAR, 12, 26),
            standard="vn-2022",
        )
        listed = np.flatnonzero(
            (commune_of == commune.pk) & ~arrived & np.isin(classes, ["poor", "near_poor"])
        )
        BaselineEntry.objects.bulk_create(
            [
                BaselineEntry(
                    baseline=baseline, household_id=int(hh_ids[i]), poverty_class=classes[i]
                )
                for i in listed
            ],
            batch_size=BATCH,
        )


def _write_counts(communes, commune_of, present, year) -> None:
    counts = np.bincount(
        np.searchsorted(sorted(communes), commune_of[present]), minlength=len(communes)
    )
    figures_changed()  # bulk_create sends no signal
    ResidentCount.objects.bulk_create(
        [
            ResidentCount(
                unit_id=pk, year=year, households=int(counts[i]), source="Số liệu mô phỏng (demo)"
            )
            for i, pk in enumerate(sorted(communes))
        ]
    )


def _write_rounds(communes, year, chairmen) -> dict[int, ReviewRound]:
    standard = select_standard(review_date(year), "periodic").id
    by_commune = {}
    steps = [s for s in RoundStatus.values if s != RoundStatus.REPORTED]
    for k, pk in enumerate(sorted(communes), start=1):
        approver = chairmen[pk]
        rnd = ReviewRound.objects.create(
            unit=communes[pk],
            year=year,
            round_type="periodic",
            review_date=review_date(year),
            standard=standard,
            status=RoundStatus.APPROVED,
            decision_number=f"{k}/QĐ-UBND",
            decision_date=dt.date(year, 12, 20),
            approved_by=approver,
            created_by=approver,
            step_started_at=timezone.make_aware(dt.datetime(year, 12, 20, 9)),
        )
        RoundTransition.objects.bulk_create(
            [
                RoundTransition(
                    round=rnd, from_status=a, to_status=b, actor=approver, reason="Dữ liệu mô phỏng"
                )
                for a, b in zip(steps, steps[1:], strict=False)
            ]
        )
        by_commune[pk] = rnd
    return by_commune


def _write_assessments(year, snapshot, result, present, hh_ids, commune_of, by_commune) -> None:
    households, members = snapshot
    members = members.with_columns(pl.col("date_of_birth").cast(pl.String))
    # JSON text built column-wise by Polars; one json.dumps per row would dominate the run.
    member_json = (
        members.select(
            "household_id",
            pl.struct(["member_id", *CONTRACT_MEMBER_FIELDS]).struct.json_encode().alias("m"),
        )
        .group_by("household_id", maintain_order=True)
        .agg(pl.col("m").str.join(","))
        .select(pl.format("[{}]", pl.col("m")))
        .to_series()
        .to_list()
    )
    facts_json = (
        households.with_columns(
            pl.lit("periodic").alias("round_type"),
            pl.lit(review_date(year).isoformat()).alias("review_date"),
        )
        .select(
            pl.struct(
                [*CONTRACT_HOUSEHOLD_FIELDS, "round_type", "review_date"]
            ).struct.json_encode()
        )
        .to_series()
        .to_list()
    )
    incomes = households["income_per_capita_month"].to_list()
    classes = result["class"].to_list()
    counts = result["deprivation_count"].to_list()
    deprived = result["deprived"].to_list()
    explanations = result["explanation"].to_list()  # already JSON text
    standards = result["standard"].to_list()
    as_json = db_value(Assessment, "facts")
    if connection.vendor == "sqlite":

        def stored(text: str) -> Any:
            return text
    else:

        def stored(text: str) -> Any:
            return as_json(json.loads(text))

    empty = as_json({})
    now = db_value(Assessment, "classified_at")(timezone.now())
    round_ids = {pk: rnd.pk for pk, rnd in by_commune.items()}
    insert_rows(
        Assessment,
        [
            "round",
            "household",
            "screening",
            "screened_out",
            "facts",
            "members",
            "income_per_capita_month",
            "poverty_class",
            "standard",
            "deprived",
            "deprivation_count",
            "explanation",
            "engine_version",
            "classified_at",
            "source",
            "instance_id",
            "updated_at",
        ],
        (
            (
                round_ids[int(commune_of[i])],
                int(hh_ids[i]),
                empty,
                False,
                stored(facts_json[i]),
                stored(member_json[i]),
                incomes[i],
                classes[i],
                standards[i],
                as_json(deprived[i]),
                counts[i],
                stored(explanations[i]),
                ENGINE_VERSION,
                now,
                "demo",
                "",
                now,
            )
            for i in np.flatnonzero(present).tolist()
        ),
    )
