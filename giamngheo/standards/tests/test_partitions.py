"""One province partition re-classified: the task every Dask worker runs, without Django."""

from __future__ import annotations

import polars as pl
import pytest

from giamngheo.standards.partitions import (
    HOUSEHOLDS,
    MEMBERS,
    PartitionError,
    partition_counts,
    partition_dir,
    partitions,
)
from giamngheo.standards.records import records_to_frames
from giamngheo.standards.tests.factories import child, household, member
from giamngheo.standards.whatif import whatif_counts


def write(root, code, records, communes, screened=None):
    h, m = records_to_frames(records)
    h = h.with_columns(
        pl.Series("commune", communes),
        pl.Series("screened_out", screened or [False] * len(records)),
        pl.lit("Nguyễn Văn A").alias("head_name"),
    )
    out = partition_dir(root, code)
    out.mkdir(parents=True)
    h.write_parquet(out / HOUSEHOLDS)
    m.write_parquet(out / MEMBERS)
    return h, m


RECORDS = [
    household(members=[member(), child(8)], household_id="a", income_per_capita_month=900_000),
    household(members=[member()], household_id="b", income_per_capita_month=2_000_000),
    household(members=[member(), member(member_id="2")], household_id="c"),
]


def test_a_partition_counts_as_the_whatif_core_on_its_households(tmp_path):
    h, m = write(tmp_path, "31", RECORDS, ["X", "X", "Y"])
    province, result = partition_counts(partition_dir(tmp_path, "31"), "vn-2022")
    core = whatif_counts(
        h.drop("commune", "screened_out", "head_name"), m, standard="vn-2022", unit=h["commune"]
    )
    assert province == "31"
    assert result.by_unit() == core.by_unit()


def test_a_household_stopped_at_form_a_is_not_poor_whatever_its_facts(tmp_path):
    write(tmp_path, "31", RECORDS, ["X", "X", "Y"], screened=[True, False, False])
    _province, result = partition_counts(partition_dir(tmp_path, "31"), "vn-2022")
    assert result.by_unit()["X"]["not_poor"] == (1, 2)
    assert result.total()["near_poor"] == (1, 2)  # c only; a would be near-poor on its facts


def test_a_partition_without_households_gives_empty_counts(tmp_path):
    write(tmp_path, "01", RECORDS, ["X", "X", "Y"])
    path = partition_dir(tmp_path, "01")
    pl.read_parquet(path / HOUSEHOLDS).clear().write_parquet(path / HOUSEHOLDS)
    pl.read_parquet(path / MEMBERS).clear().write_parquet(path / MEMBERS)
    _province, result = partition_counts(path, "vn-2022")
    assert result.counts.height == 0 and result.total()["poor"] == (0, 0)


def test_a_directory_without_the_household_file_names_what_is_missing(tmp_path):
    partition_dir(tmp_path, "31").mkdir()
    with pytest.raises(PartitionError, match="households.parquet is missing"):
        partitions(tmp_path)
