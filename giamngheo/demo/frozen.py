"""Freezing the demo's approved rounds by copying what is stored, not reading it back as objects.

`snapshots_take` reads each assessment back through the ORM, decodes its JSON and encodes it again
for the insert: right for the one round a chairman approves, most of the time of a seed of a
million households. The seed already holds every member's registry name and assessed facts, so it
computes each entry's members and child counts column-wise (`stage_members`, into a temporary
table) and writes each round's entries with one INSERT … SELECT from the assessments, households,
villages and outcomes, the stored JSON copied as text. `test_frozen` checks that it stores what
`snapshots_take` stores for the same rounds.
"""

import datetime as dt
from collections.abc import Iterable

import numpy as np
import polars as pl
from django.db import connection
from django.utils import timezone

from giamngheo.households.models import Household
from giamngheo.reviews.models import Assessment, Outcome, RoundSnapshot, SnapshotEntry
from giamngheo.reviews.printed import CATEGORY_VI, CLASS_VI, ESCAPED_VI, NEW_VI
from giamngheo.reviews.services.snapshots import (
    CHILD_AGE,
    MALNOURISHED,
    SCHOOL_FROM,
    snapshot_open,
    years_before,
)
from giamngheo.reviews.services.summaries import summaries_write

STAGED = "demo_frozen_members"
STAGED_COLUMNS = (
    "household_id",
    "members",
    "member_count",
    "children",
    "children_malnourished",
    "children_uninsured",
    "children_out_of_school",
)


def staging_reset() -> None:
    """An empty staging table for one year's rounds (temporary: it lives with the connection)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGED} ("
            "household_id integer PRIMARY KEY, members text NOT NULL, member_count integer NOT NULL, "
            "children integer NOT NULL, children_malnourished integer NOT NULL, "
            "children_uninsured integer NOT NULL, children_out_of_school integer NOT NULL)"
        )
        cursor.execute(f"DELETE FROM {STAGED}")


def stage_members(
    facts: pl.DataFrame,
    *,
    names: np.ndarray,
    registry_sex: np.ndarray,
    registry_relation: np.ndarray,
    registry_birth: np.ndarray,
    minority: np.ndarray,
    household_ids: np.ndarray,
    assessed: np.ndarray,
    review_date: dt.date,
) -> int:
    """Stage the entries' members for one chunk of households, as `snapshots_take` prints them.

    `facts` are the members' assessed facts (rows in household order); the registry columns are
    the same members as the registry holds them (name, sex 0/1, relation, birth date, the
    household's minority flag), `household_ids` the chunk's registry ids and `assessed` which of
    them were assessed. Sex and birth year come from the facts, the registry's when the facts
    left them empty, as in `snapshots._members`; the counts are `snapshots.child_counts`'.
    """
    child_from = years_before(review_date, CHILD_AGE)
    school_until = years_before(review_date, SCHOOL_FROM)
    born = pl.col("date_of_birth")
    fact_year = born.cast(pl.String).str.slice(0, 4)
    registry_year = (
        pl.Series(registry_birth.astype("datetime64[D]")).cast(pl.String).str.slice(0, 4)
    )
    frame = facts.select(
        pl.col("household_id"),
        pl.lit(pl.Series(names)).alias("name"),
        pl.when(pl.col("relation").is_null() | (pl.col("relation") == ""))
        .then(pl.lit(pl.Series(registry_relation)))
        .otherwise(pl.col("relation"))
        .alias("relation"),
        pl.when(pl.col("sex").is_null() | (pl.col("sex") == ""))
        .then(pl.lit(pl.Series(np.where(registry_sex == 1, "female", "male"))))
        .otherwise(pl.col("sex"))
        .alias("sex"),
        pl.when(fact_year.is_null() | (fact_year == ""))
        .then(pl.lit(registry_year))
        .otherwise(fact_year)
        .fill_null("")
        .alias("born"),
        pl.lit(pl.Series(np.where(minority, "06", "01"))).alias("ethnicity"),
        (born > child_from).fill_null(False).alias("child"),
        pl.col("child_nutrition").is_in(sorted(MALNOURISHED)).fill_null(False).alias("stunted"),
        (pl.col("health_insurance") == False).fill_null(False).alias("uninsured"),  # noqa: E712
        ((born <= school_until) & (pl.col("in_school") == False))  # noqa: E712
        .fill_null(False)
        .alias("out"),
    )
    per_household = (
        frame.with_columns(
            pl.struct("name", "relation", "sex", "born", "ethnicity")
            .struct.json_encode()
            .alias("m")
        )
        .group_by("household_id", maintain_order=True)
        .agg(
            pl.format("[{}]", pl.col("m").str.join(",")).alias("members"),
            pl.len().alias("member_count"),
            pl.col("child").sum().alias("children"),
            (pl.col("child") & pl.col("stunted")).sum().alias("children_malnourished"),
            (pl.col("child") & pl.col("uninsured")).sum().alias("children_uninsured"),
            (pl.col("child") & pl.col("out")).sum().alias("children_out_of_school"),
        )
    )
    if per_household.height != len(household_ids):
        raise ValueError("Every household of the chunk needs its members, in household order.")
    rows = (
        per_household.drop("household_id")
        .with_columns(pl.Series("household_id", household_ids))
        .filter(pl.Series(assessed))
    )
    columns = ", ".join(STAGED_COLUMNS)
    marks = ", ".join(["%s"] * len(STAGED_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {STAGED} ({columns}) VALUES ({marks})",
            rows.select(STAGED_COLUMNS).iter_rows(),
        )
    return rows.height


def _case(column: str, labels: dict[str, str], otherwise: str, params: list) -> str:
    """CASE column WHEN value THEN label … ELSE otherwise END, values and labels as parameters."""
    whens = []
    for value, label in labels.items():
        whens.append("WHEN %s THEN %s")
        params.extend([str(value), label])
    return f"CASE {column} {' '.join(whens)} ELSE {otherwise} END"


def _entry_sql(params: list) -> str:
    """One round's entries from the stored rows; `params` receives the printed labels, in the
    order of their placeholders between the snapshot's id (first) and the round's (last)."""
    quote = connection.ops.quote_name
    empty = "'[]'"

    def listed(column: str) -> str:
        """A JSON list column as `snapshots_take` stores it (`value or []`), copied as stored."""
        return f"COALESCE(NULLIF({column}, 'null'), {empty})"

    klass = "COALESCE(a.poverty_class, '')"
    flow = "COALESCE(o.flow, '')"
    # `printed.category_vi`: a listed class's movement, "new" when it is none of the listed ones.
    categories = []
    for value, by_flow in CATEGORY_VI.items():
        params.append(str(value))
        inner_params: list = []
        inner = _case(flow, by_flow, "%s", inner_params)
        params.extend([*inner_params, NEW_VI[value]])
        categories.append(f"WHEN %s THEN {inner}")
    category = f"CASE {klass} {' '.join(categories)} ELSE '' END"
    class_params: list = []
    class_printed = _case(klass, CLASS_VI, "''", class_params)
    escape_params: list = []
    escape_printed = _case(flow, ESCAPED_VI, "''", escape_params)
    params[:] = [*class_params, *params, *escape_params]
    members = "t.members"
    select = {
        "snapshot_id": "%s",
        "assessment_id": "a.id",
        "household_id": "a.household_id",
        "household_code": "h.code",
        "head_name": "h.head_name",
        "village_id": "h.unit_id",
        "village": "v.name",
        "address": "h.address",
        "area": "h.area",
        "head_ethnicity": "h.head_ethnicity",
        "has_merit_person": "h.has_merit_person",
        "social_protection": "h.social_protection",
        "no_working_capacity": "h.no_working_capacity",
        "causes": listed("h.causes"),
        "members": f"COALESCE({members}, {empty})",
        "member_count": "COALESCE(t.member_count, 0)",
        "poverty_class": klass,
        "start_class": "COALESCE(o.start_class, '')",
        "flow": flow,
        "class_printed": class_printed,
        "category_printed": category,
        "escape_printed": escape_printed,
        "deprived": listed("a.deprived"),
        "deprivation_count": "COALESCE(a.deprivation_count, 0)",
        "explanation": listed("a.explanation"),
        "children": "COALESCE(t.children, 0)",
        "children_malnourished": "COALESCE(t.children_malnourished, 0)",
        "children_uninsured": "COALESCE(t.children_uninsured, 0)",
        "children_out_of_school": "COALESCE(t.children_out_of_school, 0)",
    }
    fields = {f.attname: f.column for f in SnapshotEntry._meta.concrete_fields if not f.primary_key}
    if set(fields) != set(select):
        missing = sorted(set(fields) ^ set(select))
        raise RuntimeError(f"The seed's snapshot copy does not cover SnapshotEntry: {missing}")
    columns = ", ".join(quote(fields[name]) for name in select)
    household = quote(Household._meta.db_table)
    village = quote(Household._meta.get_field("unit").related_model._meta.db_table)
    return (
        f"INSERT INTO {quote(SnapshotEntry._meta.db_table)} ({columns}) "
        f"SELECT {', '.join(select.values())} "
        f"FROM {quote(Assessment._meta.db_table)} a "
        f"JOIN {household} h ON h.id = a.household_id "
        f"JOIN {village} v ON v.id = h.unit_id "
        f"LEFT JOIN {quote(Outcome._meta.db_table)} o "
        "ON o.round_id = a.round_id AND o.household_id = a.household_id "
        f"LEFT JOIN {STAGED} t ON t.household_id = a.household_id "
        "WHERE a.round_id = %s ORDER BY a.id"
    )


def snapshots_copy(rounds: Iterable, *, taken_from: str, note: str = "") -> int:
    """`snapshots_take` for the seed: the same snapshots, entries and summaries, written in SQL.

    Runs after the year's members are staged (`stage_members`) and its outcomes computed. SQLite
    only (JSON stored as text); PostgreSQL's seed takes the generic path.
    """
    if connection.vendor != "sqlite":
        raise NotImplementedError("The seed's snapshot copy is written for SQLite.")
    rounds = list(rounds)
    now = timezone.now()
    written = 0
    params: list = []
    sql = _entry_sql(params)
    with connection.cursor() as cursor:
        for review_round in rounds:
            snapshot = snapshot_open(RoundSnapshot, review_round, taken_from, note, now)
            cursor.execute(sql, [snapshot.pk, *params, review_round.pk])
            written += cursor.rowcount
    summaries_write(rounds)
    return written
