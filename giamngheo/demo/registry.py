"""The registry part of the demo: households, members and life events as plain rows."""

import datetime as dt

import numpy as np
import polars as pl
from django.db import connection
from django.utils import timezone

from giamngheo.demo.bulk import insert_rows, next_ids, reset_sequences
from giamngheo.demo.synthetic import Population
from giamngheo.households.models import Household, LifeEvent, Member
from giamngheo.households.text import search_text_series
from giamngheo.households.vocab import LifeEventKind

MEMBER_CHUNK = 200_000


def db_value(model, name: str):
    """The converter Django would apply to `model.name` on this database."""
    field = model._meta.get_field(name)
    return lambda value: field.get_db_prep_save(value, connection)


def write_registry(
    pop: Population, villages, province, left, arrived, latest: pl.DataFrame, member_ids
) -> np.ndarray:
    heads = pop.head_index
    seq = np.zeros(len(villages), dtype=int)
    codes = []
    for village_idx in pop.household_village.tolist():
        seq[village_idx] += 1
        village = villages[village_idx]
        codes.append(
            f"{province.code}-{village.parent.code}-{village.code.split('-')[-1]}-{seq[village_idx]:04d}"
        )
    hh_ids = np.array(next_ids(Household, pop.n))
    now = db_value(Household, "created_at")(timezone.now())
    causes = db_value(Household, "causes")([])
    head_names = pop.member_name[heads].tolist()
    village_ids = [v.pk for v in villages]
    # The same search text the registry's services keep (code, head, members), in one pass.
    names = (
        pl.DataFrame({"hh": pop.member_household, "name": pop.member_name})
        .group_by("hh", maintain_order=True)
        .agg(pl.col("name"))
    )
    search = search_text_series(
        pl.Series(codes),
        pl.DataFrame({"head": head_names, "names": names["name"]})
        .select(pl.concat_list("head", "names"))
        .to_series(),
    ).to_list()
    insert_rows(
        Household,
        [
            "id",
            "code",
            "unit",
            "address",
            "head_name",
            "area",
            "head_ethnicity",
            "phone",
            "has_merit_person",
            "social_protection",
            "no_working_capacity",
            "causes",
            "status",
            "search_text",
            "created_at",
            "updated_at",
        ],
        (
            (
                int(hh_ids[i]),
                codes[i],
                village_ids[v],
                "",
                head_names[i],
                "urban" if pop.household_area[i] else "rural",
                "06" if pop.minority[i] else "01",
                "",
                bool(pop.merit[i]),
                False,
                False,
                causes,
                "left" if left[i] else "active",
                search[i],
                now,
                now,
            )
            for i, v in enumerate(pop.household_village.tolist())
        ),
    )
    event_date = db_value(LifeEvent, "date")
    insert_rows(
        LifeEvent,
        ["household", "kind", "date", "note", "recorded_at"],
        [
            (
                int(hh_ids[i]),
                LifeEventKind.MOVED_AWAY.value,
                event_date(dt.date(2025, 6, 1)),
                "Chuyển đi nơi khác",
                now,
            )
            for i in np.flatnonzero(left)
        ]
        + [
            (
                int(hh_ids[i]),
                LifeEventKind.MOVED_IN.value,
                event_date(dt.date(2025, 3, 1)),
                "Chuyển đến từ địa phương khác",
                now,
            )
            for i in np.flatnonzero(arrived)
        ],
    )

    m = len(pop.member_household)
    birth = pop.member_birth.astype("datetime64[D]")
    years = birth.astype("datetime64[Y]").astype(int) + 1970
    adult = (np.datetime64("2025-11-15") - birth).astype(int) >= 14 * 365
    # Citizen ID: birthplace code 031, century-and-sex digit, year of birth, then six digits
    # (Circular 59/2021/TT-BCA). The six digits are a bijection of the member's rank among those
    # sharing the first six, so unique: the row number itself repeats them past a million members.
    century_sex = np.where(years >= 2000, 2, 0) + pop.member_sex
    prefix = century_sex * 100 + years % 100
    order = np.argsort(prefix, kind="stable")
    ranked = np.arange(m) - np.searchsorted(prefix[order], prefix[order])
    rank = np.empty(m, dtype=np.int64)
    rank[order] = ranked
    serial = (rank * 7919) % 1_000_000
    owner = hh_ids[pop.member_household]
    minority = pop.minority[pop.member_household]
    # The registry keeps the latest known values; each round's own values are in its assessment.
    current = latest.select(
        "in_school",
        "diploma",
        "vocational_training",
        "health_insurance",
        "disability",
        "employment",
        "working_capacity",
        "social_allowance",
        pl.col("child_nutrition").fill_null(""),
    )
    # SQLite stores dates as ISO text, PostgreSQL takes date objects (what DateField would send).
    iso_dates = connection.vendor == "sqlite"
    for lo in range(0, m, MEMBER_CHUNK):
        part = slice(lo, min(lo + MEMBER_CHUNK, m))
        # Python values for one chunk of members at a time: a million households' members
        # as Python objects at once would take gigabytes.
        ids = [
            f"031{c}{y % 100:02d}{s:06d}" if a else ""
            for c, y, s, a in zip(
                century_sex[part].tolist(),
                years[part].tolist(),
                serial[part].tolist(),
                adult[part].tolist(),
                strict=True,
            )
        ]
        births = birth[part].astype(str).tolist() if iso_dates else birth[part].tolist()
        insert_rows(
            Member,
            [
                "id",
                "household",
                "member_no",
                "full_name",
                "sex",
                "date_of_birth",
                "relation",
                "citizen_id",
                "ethnicity",
                "in_school",
                "diploma",
                "vocational_training",
                "health_insurance",
                "disability",
                "employment",
                "working_capacity",
                "social_allowance",
                "child_nutrition",
                "is_merit_person",
            ],
            (
                (
                    member_id,
                    household,
                    number,
                    name,
                    "female" if sex else "male",
                    born,
                    relation,
                    citizen_id,
                    "06" if minor else "01",
                    *facts,
                    False,
                )
                for member_id, household, number, name, sex, born, relation, citizen_id, minor, facts in zip(
                    member_ids[part].tolist(),
                    owner[part].tolist(),
                    pop.member_no[part].tolist(),
                    pop.member_name[part].tolist(),
                    pop.member_sex[part].tolist(),
                    births,
                    pop.member_relation[part].tolist(),
                    ids,
                    minority[part].tolist(),
                    current.slice(part.start, part.stop - part.start).iter_rows(),
                    strict=True,
                )
            ),
        )
    reset_sequences(Household, Member, LifeEvent)
    return hh_ids
