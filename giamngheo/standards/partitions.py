"""Classifier facts as Parquet partitions, one directory per province, and the what-if of one.

The layout ``giamngheo export_parquet`` writes and ``giamngheo simulate`` reads::

    DIR/manifest.json
    DIR/province=<code>/households.parquet   the contract's household facts (household-facts.md)
    DIR/province=<code>/members.parquet      the contract's member facts
    DIR/province=<code>/approved.parquet     the approved Form 1 figures per commune (optional)

Households carry two unit columns, ``province`` and ``commune`` (today's codes), and
``screened_out`` (stopped at form A: not poor whatever the standard, as the what-if page counts
them). ``household_id`` is a keyed pseudonym, never the registry's code.

:func:`partition_counts` is the task a Dask worker runs: it imports only this package, reads
only the columns the engine takes and counts through :func:`whatif.whatif_counts`, the same
core as the what-if page.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from giamngheo.standards.standard import Standard, load_standard
from giamngheo.standards.vocab import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from giamngheo.standards.whatif import WhatIf, combine, whatif_counts

HOUSEHOLDS = "households.parquet"
MEMBERS = "members.parquet"
APPROVED = "approved.parquet"
MANIFEST = "manifest.json"
PROVINCE = "province"
COMMUNE = "commune"
SCREENED_OUT = "screened_out"
PREFIX = "province="
_DIR = re.compile(r"^province=([A-Za-z0-9_.-]+)$")


class PartitionError(ValueError):
    """The input directory is not a facts export (what is missing, and where)."""


def partition_dir(root: Path, province: str) -> Path:
    return Path(root) / f"{PREFIX}{province}"


def partitions(root: Path | str) -> list[tuple[str, Path]]:
    """``(province code, directory)`` of every partition under ``root``, by code."""
    base = Path(root)
    if not base.is_dir():
        raise PartitionError(f"{base}: no such directory (give the directory export_parquet wrote)")
    found = []
    for path in sorted(base.iterdir()):
        match = _DIR.match(path.name)
        if match and path.is_dir():
            if not (path / HOUSEHOLDS).is_file():
                raise PartitionError(f"{path}: {HOUSEHOLDS} is missing")
            found.append((match.group(1), path))
    if not found:
        raise PartitionError(
            f"{base}: no province partition (expected directories named {PREFIX}<code>)"
        )
    return found


def _columns(path: Path, wanted: tuple[str, ...]) -> list[str]:
    names = pl.read_parquet_schema(path)
    return [c for c in wanted if c in names]


def partition_counts(path: Path | str, standard: Standard | str) -> tuple[str, WhatIf]:
    """One province's households classified under ``standard``, counted per commune and class.

    Returns the province code and the counts (``unit`` is the commune code). Households stopped
    at form A are counted not poor; a partition without households gives empty counts.
    """
    std = load_standard(standard)
    path = Path(path)
    match = _DIR.match(path.name)
    province = match.group(1) if match else path.name
    household_file = path / HOUSEHOLDS
    wanted_h = (*HOUSEHOLD_FIELDS, COMMUNE, SCREENED_OUT)
    households = pl.read_parquet(household_file, columns=_columns(household_file, wanted_h))
    if COMMUNE not in households.columns:
        raise PartitionError(f"{household_file}: the column {COMMUNE!r} is missing")
    member_file = path / MEMBERS
    members = (
        pl.read_parquet(member_file, columns=_columns(member_file, tuple(MEMBER_FIELDS)))
        if member_file.is_file()
        else None
    )
    parts: list[WhatIf] = []
    if SCREENED_OUT in households.columns and households[SCREENED_OUT].any():
        flag = households[SCREENED_OUT].fill_null(False)
        out = households.filter(flag)
        households = households.filter(~flag)
        persons = pl.DataFrame({"household_id": out["household_id"], COMMUNE: out[COMMUNE]})
        if members is not None:
            sizes = members.group_by("household_id").agg(pl.len().alias("n"))
            persons = persons.join(sizes, on="household_id", how="left")
            members = members.filter(~pl.col("household_id").is_in(out["household_id"].implode()))
        else:
            persons = persons.with_columns(pl.lit(0).alias("n"))
        screened = (
            persons.group_by(COMMUNE)
            .agg(pl.len().cast(pl.Int64).alias("households"), pl.col("n").fill_null(0).sum())
            .select(
                pl.col(COMMUNE).alias("unit"),
                pl.lit("not_poor").alias("class"),
                pl.col("households"),
                pl.col("n").cast(pl.Int64).alias("persons"),
            )
        )
        parts.append(WhatIf(std, [], screened))
    units = households[COMMUNE]
    facts = households.drop(COMMUNE, SCREENED_OUT, strict=False)
    parts.append(whatif_counts(facts, members, standard=std, unit=units))
    return province, combine(parts)
