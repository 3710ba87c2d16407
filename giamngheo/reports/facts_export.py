"""The registry's classifier facts as Parquet, one partition per province, for the national what-if.

`facts_export` writes what `giamngheo simulate` reads (layout in
`giamngheo.standards.partitions`): the same facts as the what-if page re-classifies
(`reports.selectors.whatif`: each commune's assessments of the latest approved periodic year, else
its latest round), placed on today's communes, and the approved Form 1 figures per commune beside.

Pseudonymous, not anonymous: the household table holds the contract's facts
(household-facts.md) and no name, citizen ID, address or phone; `household_id` is
HMAC-SHA256(key, registry code) truncated to 16 hex digits, stable across exports so years can
be compared. The key (`settings.PSEUDONYM_KEY`, else derived from `SECRET_KEY`) never leaves the
server: only whoever holds it and the registry can turn a pseudonym back into a household, and
the manifest names the key only by its fingerprint. Every export is logged (`FactsExport`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.errors import BadParameter
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.reports.models import FactsExport
from giamngheo.reports.selectors.common import NoApprovedRound, final_rounds
from giamngheo.reports.selectors.figures import unit_summary
from giamngheo.reports.selectors.lineage import Resolver, communes_within
from giamngheo.reports.selectors.whatif import (
    _approved_year,
    _covered,
    _Household,
    _Recorded,
    _recorded,
    _rounds_in_progress,
    require_whatif,
)
from giamngheo.reviews.facts import contract_input
from giamngheo.standards.partitions import (
    APPROVED,
    COMMUNE,
    HOUSEHOLDS,
    MANIFEST,
    MEMBERS,
    PROVINCE,
    SCREENED_OUT,
    partition_dir,
)
from giamngheo.standards.whatif import records_frames

PSEUDONYM_HEX = 16  # 64 bits: a collision among 27 M households has odds of about 1 in 50,000
APPROVED_KEYS = ("poor", "near_poor", "middle")
FORMAT = "giamngheo-facts/1"


def pseudonym_key() -> bytes:
    own = getattr(settings, "PSEUDONYM_KEY", "")
    if own:
        return own.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"giamngheo.pseudonym", hashlib.sha256).digest()


def key_fingerprint(key: bytes) -> str:
    """Names the key in manifests and the log without revealing it."""
    return hmac.new(key, b"fingerprint", hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]


def pseudonym(key: bytes, code: str) -> str:
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]


@dataclass(frozen=True)
class ProvinceFacts:
    code: str
    name: str
    households: pl.DataFrame
    members: pl.DataFrame
    approved: pl.DataFrame


def export_provinces(province: str | None = None) -> list[AdminUnit]:
    """Today's provinces, or the one whose code is given."""
    qs = AdminUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True).order_by("code")
    if province:
        qs = qs.filter(code=province)
        if not qs.exists():
            raise BadParameter(
                _("No province has the code %(code)s today; give the code of a current province.")
                % {"code": province}
            )
    return list(qs)


def _commune_codes(ids: Iterable[int]) -> dict[int, str]:
    return dict(AdminUnit.objects.filter(pk__in=set(ids)).values_list("pk", "code"))


def province_facts(*, actor: User, province: AdminUnit, key: bytes) -> ProvinceFacts:
    """The province's facts as the what-if page reads them, pseudonymised, with its approved figures."""
    require_whatif(actor, province)
    resolver = Resolver()
    year = _approved_year(actor, province)
    rounds = list(final_rounds(province, year)) if year is not None else []
    communes = communes_within(province)
    covered = _covered(rounds, resolver)
    pending = _rounds_in_progress([c for c in communes if c.pk not in covered])
    all_rounds = [*rounds, *pending]
    needs_village = {r.unit_id: resolver.needs_village_detail(r.unit_id) for r in all_rounds}
    records: list[dict[str, Any]] = []
    keys: list[int] = []
    screened: list[bool] = []
    rows, by_id = _recorded(all_rounds)
    for round_id, code, area, facts, members, screened_out, village in rows:
        rnd = by_id[round_id]
        records.append(
            contract_input(_Recorded(rnd, _Household(code, area), facts or {}, members or []))
        )
        keys.append(village if needs_village[rnd.unit_id] and village else rnd.unit_id)
        screened.append(bool(screened_out))
    resolver.prefetch(set(keys))
    # A split former commune without village detail goes whole to its largest share.
    place = {
        k: max(p, key=lambda x: x.weight).commune_id if (p := resolver.resolve(k)) else None
        for k in set(keys)
    }
    codes = _commune_codes(v for v in place.values() if v is not None)
    households, members = records_frames(records)
    ids = [pseudonym(key, str(r["household_id"])) for r in records]
    by_code = dict(zip((str(r["household_id"]) for r in records), ids, strict=True))
    commune = [codes.get(c, "") if (c := place[k]) is not None else "" for k in keys]
    households = households.with_columns(
        pl.Series("household_id", ids, dtype=pl.String),
        pl.lit(province.code, dtype=pl.String).alias(PROVINCE),
        pl.Series(COMMUNE, commune, dtype=pl.String),
        pl.Series(SCREENED_OUT, screened, dtype=pl.Boolean),
    )
    # Member numbers count from 1 within the household: nothing of the registry's row ids leaves.
    members = members.with_columns(
        pl.col("household_id")
        .cast(pl.String)
        .replace_strict(by_code, default=None, return_dtype=pl.String),
    ).with_columns(
        (pl.int_range(pl.len()).over("household_id") + 1).cast(pl.String).alias("member_id")
    )
    return ProvinceFacts(
        province.code,
        province.name,
        households,
        members,
        _approved(actor, province, year, [c for c in communes if c.pk in covered], communes),
    )


def _approved(
    actor: User,
    province: AdminUnit,
    year: int | None,
    approved: list[AdminUnit],
    communes: list[AdminUnit],
) -> pl.DataFrame:
    """Form 1's approved figures per commune (`figures.unit_summary`); every commune listed.

    As on the what-if page, only a commune the year's approved rounds cover has figures to
    stand beside; the others are listed without.
    """
    by_pk: dict[int, Any] = {}
    if year is not None:
        try:
            summary = unit_summary(actor=actor, unit=province, year=year)
            by_pk = {r.unit_pk: r for r in summary.rows if r.unit_pk is not None}
        except NoApprovedRound:
            by_pk = {}

    def whole(value: Decimal | None) -> int | None:
        return None if value is None else int(value.to_integral_value())

    rows = []
    for c in communes:
        r = by_pk.get(c.pk) if c in approved else None
        row: dict[str, Any] = {
            COMMUNE: c.code,
            "commune_name": c.name,
            "year": year if r is not None else None,
            "households": whole(r.households) if r is not None else None,
            "persons": whole(r.persons) if r is not None else None,
        }
        for k in APPROVED_KEYS:
            row[k] = r.count(k) if r is not None else None
            row[f"{k}_persons"] = r.count(f"{k}_persons") if r is not None else None
        rows.append(row)
    schema = {COMMUNE: pl.String, "commune_name": pl.String, "year": pl.Int64}
    schema |= {k: pl.Int64 for k in ("households", "persons")}
    schema |= {f"{k}{s}": pl.Int64 for k in APPROVED_KEYS for s in ("", "_persons")}
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


@transaction.atomic
def facts_export(
    *, actor: User, output: Path | str, province: str | None = None, purpose: str = ""
) -> FactsExport:
    """Write each province's partition under `output` and log the export (all or nothing logged)."""
    provinces = export_provinces(province)
    for unit in provinces:
        require_whatif(actor, unit)
    key = pseudonym_key()
    root = Path(output)
    root.mkdir(parents=True, exist_ok=True)
    listed = []
    households = members = 0
    for unit in provinces:
        facts = province_facts(actor=actor, province=unit, key=key)
        out = partition_dir(root, facts.code)
        out.mkdir(exist_ok=True)
        facts.households.write_parquet(out / HOUSEHOLDS)
        facts.members.write_parquet(out / MEMBERS)
        facts.approved.write_parquet(out / APPROVED)
        listed.append(
            {
                "code": facts.code,
                "name": facts.name,
                "households": facts.households.height,
                "members": facts.members.height,
            }
        )
        households += facts.households.height
        members += facts.members.height
    manifest = {
        "format": FORMAT,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "exported_by": actor.get_username(),
        "key_id": key_fingerprint(key),
        "provinces": listed,
    }
    (root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return FactsExport.objects.create(
        user=actor,
        provinces=[p["code"] for p in listed],
        households=households,
        members=members,
        key_id=manifest["key_id"],
        destination=str(root.resolve())[:500],
        purpose=purpose[:200],
    )
