"""Importing a commune's registry: check everything, then write all of it or nothing."""

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, has_capability, scoped
from giamngheo.dbstats import analyze_after_commit
from giamngheo.errors import DomainError
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.households import rules
from giamngheo.households.imports import checks, writing
from giamngheo.households.imports.checks import Context, RowError
from giamngheo.households.imports.columns import COLUMNS, HOUSEHOLDS, MEMBERS
from giamngheo.households.models import Household, Member, RegistryImport
from giamngheo.households.services.common import clean_reason

TABLE_ORDER = {HOUSEHOLDS: 0, MEMBERS: 1}

log = logging.getLogger(__name__)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Log how long a step of a large import took (wall, and this process's CPU): where a
    province's load spends its minutes is otherwise guesswork."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    log.info(
        "%s in %.1f s (%.1f CPU-s here)",
        name,
        time.perf_counter() - wall,
        time.process_time() - cpu,
    )


class ImportInvalid(DomainError):
    """The file has problems; nothing was written. `errors` lists every one of them."""

    default_code = "import_invalid"

    def __init__(self, errors: list[RowError]) -> None:
        order = {t: {c.name: i for i, c in enumerate(cols)} for t, cols in COLUMNS.items()}
        self.errors = sorted(
            errors, key=lambda e: (TABLE_ORDER[e.table], e.row, order[e.table].get(e.field, 99))
        )
        super().__init__(_("%(n)s problems found; nothing was imported.") % {"n": len(errors)})


WRITTEN = ("households_created", "households_updated", "members_created", "members_updated")


@dataclass
class ImportResult:
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    members_created: int = 0
    members_updated: int = 0
    members_unchanged: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return _(
            "Households: %(hc)s new, %(hu)s changed, %(hn)s unchanged. "
            "Members: %(mc)s new, %(mu)s changed, %(mn)s unchanged."
        ) % {
            "hc": self.households_created,
            "hu": self.households_updated,
            "hn": self.households_unchanged,
            "mc": self.members_created,
            "mu": self.members_updated,
            "mn": self.members_unchanged,
        }

    def as_dict(self) -> dict:
        return asdict(self)

    def counts(self) -> dict[str, int]:
        """What was written, as the import's audit record (`RegistryImport`) keeps it."""
        return {name: getattr(self, name) for name in WRITTEN}

    def rows_written(self) -> int:
        return sum(self.counts().values())


def _chunked_codes(queryset, field: str, values: list[str], *flat: str) -> list:
    found: list = []
    for chunk in writing.chunks(values):
        found.extend(queryset.filter(writing.among(field, chunk)).order_by().values_list(*flat))
    return found


def build_context(actor: User, households: pl.DataFrame, members: pl.DataFrame | None) -> Context:
    village_codes = [c for c in households["village_code"].unique().to_list() if c]
    villages: dict[str, int] = {}
    editable = scoped(
        AdminUnit.objects.filter(level=Level.VILLAGE, code__in=village_codes),
        actor,
        Capability.EDIT_RECORDS,
        unit_field="",
    )
    # Today's village wins over a former one with the same code.
    for code, pk, valid_to in editable.values_list("code", "pk", "valid_to"):
        if code not in villages or valid_to is None:
            villages[code] = pk
    known = set(
        AdminUnit.objects.filter(level=Level.VILLAGE, code__in=village_codes).values_list(
            "code", flat=True
        )
    )
    codes = set(households["household_code"].to_list())
    if members is not None:
        codes |= set(members["household_code"].to_list())
    codes.discard("")
    ctx = Context(timezone.localdate(), villages, known, set(), set())
    if not Household.objects.exists():
        return ctx
    every = {c for (c,) in _chunked_codes(Household.objects.all(), "code", sorted(codes), "code")}
    mine = scoped(Household.objects.all(), actor, Capability.EDIT_RECORDS)
    ctx.existing_codes = {c for (c,) in _chunked_codes(mine, "code", sorted(every), "code")}
    ctx.foreign_codes = every - ctx.existing_codes
    if members is not None:
        ids = [i for i in members["citizen_id"].unique().to_list() if rules.is_citizen_id(i)]
        rows = _chunked_codes(
            # "Not empty" spelled out, so PostgreSQL uses the partial unique index on citizen IDs:
            # it cannot prove that from a list over 100 values, and scanned every member instead.
            Member.objects.exclude(citizen_id=""),
            "citizen_id",
            ids,
            "citizen_id",
            "household__code",
            "member_no",
        )
        ctx.db_citizen_ids = {cid: (code, no) for cid, code, no in rows}
    return ctx


def validate(
    actor: User, tables: dict[str, pl.DataFrame]
) -> tuple[pl.DataFrame, pl.DataFrame | None, Context]:
    """Typed tables, or ImportInvalid with every problem of the file."""
    households, members = tables[HOUSEHOLDS], tables.get(MEMBERS)
    errors: list[RowError] = []
    with phase("control characters checked"):
        for table, frame in tables.items():
            checks.check_control_characters(frame, table, errors)
    if errors:
        raise ImportInvalid(errors)
    with phase("codes and citizen IDs looked up"):
        ctx = build_context(actor, households, members)
    with phase("households checked"):
        typed_households = checks.check_households(households, ctx, errors)
    with phase("members checked"):
        typed_members = (
            checks.check_members(members, typed_households, ctx, errors)
            if members is not None
            else None
        )
        checks.check_head_names(typed_households, typed_members, errors)
    if errors:
        raise ImportInvalid(errors)
    return typed_households, typed_members, ctx


def registry_import(
    *,
    actor: User,
    tables: dict[str, pl.DataFrame],
    reason: str = "",
    progress: Callable[[int, int], None] | None = None,
    exclusive: bool = False,
    source: str = "",
) -> ImportResult:
    """Check every row, then write all of it in one transaction; nothing when a row is wrong.

    Households are matched by code and members by (household code, member number), so a
    second import of the same file writes nothing. `exclusive` is for a first load of a whole
    province from the command line (see `writing.bulk_load`). `source` names the file(s) in
    the import's audit record.
    """
    if not has_capability(actor, Capability.EDIT_RECORDS):
        raise PermissionDenied(_("This is outside your unit or your role."))
    started = time.monotonic()
    report = progress or (lambda done, total: None)
    total = tables[HOUSEHOLDS].height + (tables[MEMBERS].height if MEMBERS in tables else 0)
    report(0, total)
    households, members, ctx = validate(actor, tables)
    report(total // 4, total)
    reason = clean_reason(reason, _("Imported from a file"))
    with transaction.atomic(), writing.bulk_load([Household, Member], total, exclusive=exclusive):
        event = RegistryImport.objects.create(
            user=actor, imported_at=writing.now(), reason=reason, source=source[:500]
        )
        result = _write(
            actor, households, members, ctx, event, lambda share: report(int(total * share), total)
        )
        if result.rows_written():
            RegistryImport.objects.filter(pk=event.pk).update(**result.counts())
        else:
            event.delete()  # a re-import that changed nothing is not an event
        analyze_after_commit([Household, Member], result.rows_written())
    result.seconds = round(time.monotonic() - started, 2)
    report(total, total)
    return result


def _write(
    actor: User,
    households: pl.DataFrame,
    members: pl.DataFrame | None,
    ctx: Context,
    event: RegistryImport,
    report: Callable[[float], None],
) -> ImportResult:
    result = ImportResult()
    reason = event.reason
    with phase("heads' and members' names gathered"):
        if members is not None:
            names = writing.head_names(members)
            households = households.join(
                names, on="household_code", how="left", maintain_order="left"
            ).with_columns(pl.coalesce(pl.col("_head"), pl.col("head_name")).alias("head_name"))
        else:
            households = households.with_columns(
                pl.lit(None, dtype=pl.List(pl.String)).alias("names")
            )
        is_new = ~households["household_code"].is_in(list(ctx.existing_codes))
        new = households.filter(is_new)
    ids = writing.create_households(new, new.select("household_code", "names"), event)
    result.households_created = ids.height
    report(0.5)
    touched = set()
    old = households.filter(~is_new)
    if not old.is_empty():
        changed, ids_old = _changed_households(old)
        ids = pl.concat([ids, _ids_frame(ids_old)])
        touched |= writing.update_households(changed, actor, reason)
        result.households_updated = len(changed)
        result.households_unchanged = old.height - len(changed)
    if members is not None:
        with phase("members' households found"):
            # Members of registered households that are not on the households sheet.
            missing = (
                members.select("household_code")
                .unique()
                .join(ids, on="household_code", how="anti")["household_code"]
                .sort()
                .to_list()
            )
            found: dict[str, int] = {}
            for chunk in writing.chunks(missing):
                found.update(
                    Household.objects.filter(writing.among("code", chunk)).values_list("code", "id")
                )
            ids = pl.concat([ids, _ids_frame(found)])
            members = members.join(ids, on="household_code", how="left", maintain_order="left")
            fresh = members.filter(pl.col("household_code").is_in(new["household_code"].implode()))
        result.members_created = writing.create_members(fresh, event)
        report(0.9)
        rest = members.filter(~pl.col("household_code").is_in(new["household_code"].implode()))
        if not rest.is_empty():
            created, changed, unchanged = _split_members(rest)
            result.members_created += writing.create_members(created, event)
            touched |= writing.update_members(changed, actor, reason)
            touched |= set(created["household_id"].to_list())
            result.members_updated = len(changed)
            result.members_unchanged = unchanged
    writing.resync(touched, actor, reason)
    return result


def _ids_frame(ids: dict[str, int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"household_code": list(ids), "household_id": list(ids.values())}, schema=writing.IDS_SCHEMA
    )


def _changed_households(old: pl.DataFrame) -> tuple[list[dict], dict[str, int]]:
    fields = ["unit_id", *writing.HOUSEHOLD_FIELDS]
    current = {}
    for chunk in writing.chunks(old["household_code"].to_list()):
        for row in Household.objects.filter(writing.among("code", chunk)).values(
            "id", "code", *fields
        ):
            current[row["code"]] = row
    changed = []
    for row in old.iter_rows(named=True):
        db = current[row["household_code"]]
        for name in fields:
            value = row[name]
            if name in ("area", "head_name") and not value:
                continue
            if writing._comparable(value) != db[name]:
                changed.append(row)
                break
    return changed, {code: row["id"] for code, row in current.items()}


def _split_members(rest: pl.DataFrame) -> tuple[pl.DataFrame, list[dict], int]:
    fields = writing.MEMBER_FIELDS
    current = {}
    household_ids = rest["household_id"].unique().to_list()
    for chunk in writing.chunks(household_ids):
        for row in Member.objects.filter(writing.among("household_id", chunk)).values(
            "household_id", "member_no", *fields
        ):
            current[(row["household_id"], row["member_no"])] = row
    keys = list(zip(rest["household_id"].to_list(), rest["member_no"].to_list(), strict=True))
    is_new = pl.Series([key not in current for key in keys], dtype=pl.Boolean)
    changed, unchanged = [], 0
    for row in rest.filter(~is_new).iter_rows(named=True):
        db = current[(row["household_id"], row["member_no"])]
        if any(row[name] != db[name] for name in fields):
            changed.append(row)
        else:
            unchanged += 1
    return rest.filter(is_new), changed, unchanged
