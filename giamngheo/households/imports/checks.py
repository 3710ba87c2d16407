"""Every check of an import file, column-wise so a million rows take seconds.

The rules and their messages are those of the entry forms (`households.rules`); each failed
check becomes one `RowError` naming the sheet, row and column, with how to fix it.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext as _

from giamngheo.households import rules
from giamngheo.households.imports.columns import (
    COLUMNS,
    DEFAULTS,
    FALSE_WORDS,
    HOUSEHOLDS,
    MEMBERS,
    SHEET_TITLES,
    TRUE_WORDS,
    Column,
    allowed_values,
    bool_labels,
    column_header,
    enum_lookup,
)
from giamngheo.households.imports.reading import ROW
from giamngheo.households.text import fold_series
from giamngheo.households.vocab import Relation
from giamngheo.validators import CONTROL_CHARACTERS


@dataclass(frozen=True)
class RowError:
    table: str
    row: int
    field: str  # the column's code; people read its header (`column`)
    value: str
    message: str

    @property
    def sheet(self) -> str:
        """The sheet's title as the template names it, in the language of the page."""
        return str(SHEET_TITLES[self.table])

    @property
    def column(self) -> str:
        """The column's header as the template writes it, in the language of the page."""
        return column_header(self.table, self.field)

    def __str__(self) -> str:
        return _("Sheet %(table)s, row %(row)s, column %(column)s: %(message)s") % {
            "table": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Context:
    """What the checks need to know about the database and the importing user."""

    today: dt.date
    villages: dict[str, int]  # village code → unit id, inside the user's territory
    known_villages: set[str]  # village codes anywhere
    existing_codes: set[str]  # household codes in the database, inside the territory
    foreign_codes: set[str]  # household codes in the database, outside it
    db_citizen_ids: dict[str, tuple[str, int]] = field(
        default_factory=dict
    )  # id → (code, member_no)


class TableCheck:
    def __init__(self, table: str, frame: pl.DataFrame, errors: list[RowError]) -> None:
        self.table = table
        self.frame = frame
        self.errors = errors

    def flag(self, mask: pl.Series, column: str, message: Callable[[str, int], str] | str) -> None:
        """One error per row where `mask` is true; `message` may depend on the value and row index."""
        mask = mask.fill_null(False)
        if not mask.any():
            return
        indices = mask.arg_true().to_list()
        rows = self.frame[ROW].gather(indices).to_list()
        values = (
            self.frame[column].gather(indices).to_list()
            if column in self.frame.columns
            else [""] * len(indices)
        )
        for index, row, value in zip(indices, rows, values, strict=True):
            text = message(value, index) if callable(message) else message
            self.errors.append(
                RowError(self.table, row, column, "" if value is None else str(value), text)
            )


def _typed(check: TableCheck, column: Column, today: dt.date) -> pl.Series:
    raw = check.frame[column.name].fill_null("")
    empty = raw == ""
    if column.required:
        check.flag(empty, column.name, _("This column is required; fill it in."))
    if column.max_length:
        check.flag(
            raw.str.len_chars() > column.max_length,
            column.name,
            _("Too long: at most %(n)s characters.") % {"n": column.max_length},
        )
    default = DEFAULTS.get(column.name)
    if column.kind in ("text", "code"):
        return raw
    if column.kind == "enum":
        lookup = enum_lookup(column)
        typed = _mapped(raw, lookup)
        check.flag(
            ~empty & typed.is_null(),
            column.name,
            lambda v, i: (
                _("'%(value)s' is not allowed; use one of: %(codes)s.")
                % {"value": v, "codes": allowed_values(column)}
            ),
        )
        return typed.fill_null(default or "")
    if column.kind == "bool":
        words = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
        typed = _mapped(raw, words, pl.Boolean)
        check.flag(
            ~empty & typed.is_null(),
            column.name,
            _("Choose %(yes)s or %(no)s (or write 1 or 0).")
            % dict(zip(("yes", "no"), bool_labels(), strict=True)),
        )
        return typed.fill_null(bool(default)).alias(column.name)
    if column.kind == "date":
        iso = raw.str.to_date("%Y-%m-%d", strict=False)
        vn = raw.str.to_date("%d/%m/%Y", strict=False)
        typed = iso.fill_null(vn)
        check.flag(
            ~empty & typed.is_null(),
            column.name,
            _("Not a valid date; write it as YYYY-MM-DD or DD/MM/YYYY (day/month/year)."),
        )
        check.flag(typed > today, column.name, str(rules.MSG_FUTURE_BIRTH))
        check.flag(typed < rules.EARLIEST_BIRTH, column.name, str(rules.MSG_TOO_OLD))
        return typed.alias(column.name)
    if column.kind == "int":
        typed = raw.cast(pl.Int64, strict=False)
        check.flag(
            ~empty & (typed.is_null() | (typed < 1) | (typed > 999)),
            column.name,
            _("Write a whole number from 1 to 999."),
        )
        return typed.alias(column.name)
    if column.kind == "citizen_id":
        ok = raw.str.contains(rules.CITIZEN_ID_REGEX)
        lost_zero = raw.str.contains(rules.CITIZEN_ID_LOST_ZERO_REGEX)
        check.flag(~empty & lost_zero, column.name, str(rules.MSG_CITIZEN_ID_LOST_ZERO))
        check.flag(~empty & ~ok & ~lost_zero, column.name, str(rules.MSG_CITIZEN_ID))
        return raw
    if column.kind == "causes":
        return _causes(check, column, raw)
    raise ValueError(column.kind)


def _mapped(
    raw: pl.Series, lookup: dict, dtype: pl.DataType | type[pl.DataType] = pl.String
) -> pl.Series:
    """Fold each distinct value once (a column of a million rows has a handful of them)."""
    distinct = raw.unique().to_list()
    folded = fold_series(pl.Series(distinct, dtype=pl.String)).to_list()
    mapping = {value: lookup.get(key) for value, key in zip(distinct, folded, strict=True)}
    return raw.replace_strict(mapping, default=None, return_dtype=dtype)


def _split(index: pl.Series, raw: pl.Series, separator: str) -> pl.DataFrame:
    """One row per non-empty part of each value, with the index of the value it came from."""
    parts = pl.DataFrame({"i": index, "part": raw.str.split(separator)}).explode("part")
    return parts.with_columns(pl.col("part").fill_null("").str.strip_chars()).filter(
        pl.col("part") != ""
    )


def _causes(check: TableCheck, column: Column, raw: pl.Series) -> pl.Series:
    lookup = enum_lookup(column)
    rank = {code: index for index, (code, _label) in enumerate(column.choices)}
    parts = _split(pl.int_range(0, len(raw), eager=True), raw, ";")
    parts = parts.with_columns(_mapped(parts["part"], lookup).alias("code"))
    # Labels hold commas ("Thiếu vốn sản xuất, kinh doanh"); a part that is no label may be
    # codes separated by commas, as older files wrote them.
    unknown = parts.filter(pl.col("code").is_null() & pl.col("part").str.contains(","))
    if not unknown.is_empty():
        again = _split(unknown["i"], unknown["part"], ",")
        again = again.with_columns(_mapped(again["part"], lookup).alias("code"))
        parts = pl.concat(
            [parts.filter(pl.col("code").is_not_null() | ~pl.col("part").str.contains(",")), again]
        )
    bad = pl.int_range(0, len(raw), eager=True).is_in(
        parts.filter(pl.col("code").is_null())["i"].implode()
    )
    check.flag(
        bad,
        column.name,
        lambda value, i: (
            _("Unknown cause in '%(value)s'; use values from: %(codes)s, separated by ';'.")
            % {"value": value, "codes": allowed_values(column)}
        ),
    )
    grouped = (
        parts.filter(pl.col("code").is_not_null())
        .unique(["i", "code"])
        .with_columns(pl.col("code").replace_strict(rank, return_dtype=pl.Int32).alias("rank"))
        .sort("i", "rank")
        .group_by("i", maintain_order=True)
        .agg(pl.col("code"))
    )
    every = pl.DataFrame({"i": pl.int_range(0, len(raw), eager=True)})
    joined = every.join(grouped, on="i", how="left", maintain_order="left")["code"]
    return joined.fill_null(pl.lit([], dtype=pl.List(pl.String))).alias(column.name)


def _type_table(check: TableCheck, table: str, today: dt.date) -> pl.DataFrame:
    columns = [_typed(check, column, today).alias(column.name) for column in COLUMNS[table]]
    return pl.DataFrame([check.frame[ROW], *columns])


def _repeats(frame: pl.DataFrame, keys: list[str], valid: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Rows whose `keys` repeat an earlier valid row's, and for each row that first row's number."""
    first = (
        frame.select([*keys, ROW])
        .with_columns(valid.alias("_valid"))
        .select(pl.when(pl.col("_valid")).then(pl.col(ROW)).min().over(keys))
        .to_series()
    )
    mask = valid & (frame[ROW] != first)
    return mask.fill_null(False), first


def check_control_characters(frame: pl.DataFrame, table: str, errors: list[RowError]) -> None:
    """Text with NUL and other control characters cannot be stored (PostgreSQL refuses NUL) and
    is never typed on purpose: each such cell is an error, before any lookup reads the file."""
    check = TableCheck(table, frame, errors)
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            check.flag(
                frame[name].str.contains(CONTROL_CHARACTERS.pattern),
                name,
                _("Contains a control character (such as NUL); retype the cell."),
            )


def check_households(frame: pl.DataFrame, ctx: Context, errors: list[RowError]) -> pl.DataFrame:
    check = TableCheck(HOUSEHOLDS, frame, errors)
    typed = _type_table(check, HOUSEHOLDS, ctx.today)
    codes = typed["household_code"]
    again, first = _repeats(typed, ["household_code"], codes != "")
    check.flag(
        again,
        "household_code",
        lambda v, i: (
            _(
                "This household code is already on row %(row)s; each household has one row and its own code."
            )
            % {"row": first[i]}
        ),
    )
    check.flag(
        codes.is_in(list(ctx.foreign_codes)),
        "household_code",
        _(
            "This household code belongs to a household outside your unit; it cannot be changed from here."
        ),
    )
    village = typed["village_code"]
    unit_id = village.replace_strict(ctx.villages, default=None, return_dtype=pl.Int64)
    known = village.is_in(list(ctx.known_villages))
    check.flag(
        (village != "") & unit_id.is_null() & known,
        "village_code",
        _("This village is outside your unit; you can import only your own commune's households."),
    )
    check.flag(
        (village != "") & unit_id.is_null() & ~known,
        "village_code",
        _("No village has this code; check the list of units."),
    )
    return typed.with_columns(unit_id.alias("unit_id"))


def check_members(
    frame: pl.DataFrame, households: pl.DataFrame, ctx: Context, errors: list[RowError]
) -> pl.DataFrame:
    check = TableCheck(MEMBERS, frame, errors)
    typed = _type_table(check, MEMBERS, ctx.today)
    check = TableCheck(MEMBERS, typed.with_columns(pl.col("date_of_birth").cast(pl.String)), errors)
    codes = typed["household_code"]
    in_file = codes.is_in(households["household_code"].implode())
    check.flag(
        (codes != "") & ~in_file & ~codes.is_in(list(ctx.existing_codes)),
        "household_code",
        _(
            "No household with this code on the households sheet; add the household or correct the code."
        ),
    )
    numbered = (codes != "") & typed["member_no"].is_not_null()
    # Grouping on integers is several times faster than on strings over millions of rows.
    keyed = typed.with_columns(
        pl.col("household_code").cast(pl.Categorical).to_physical().alias("_household"),
        pl.col("citizen_id").cast(pl.Int64, strict=False).alias("_citizen"),
    )
    again, first = _repeats(keyed, ["_household", "member_no"], numbered)
    check.flag(
        again,
        "member_no",
        lambda v, i: (
            _("Member number %(no)s of this household is already on row %(row)s.")
            % {"no": v, "row": first[i]}
        ),
    )
    _check_citizen_ids(check, keyed, ctx)
    _check_heads(check, keyed, ctx, in_file)
    return typed


def _check_citizen_ids(check: TableCheck, typed: pl.DataFrame, ctx: Context) -> None:
    ids = typed["citizen_id"]
    valid = ids.str.contains(rules.CITIZEN_ID_REGEX).fill_null(False)
    again, first = _repeats(typed, ["_citizen"], valid)
    first_code = (
        typed.select("household_code", "_citizen")
        .with_columns(valid.alias("_valid"))
        .select(pl.col("household_code").filter(pl.col("_valid")).first().over("_citizen"))
        .to_series()
    )
    codes = typed["household_code"]

    def message(value: str, i: int) -> str:
        if first_code[i] != codes[i]:
            return _(
                "This citizen ID number is also given in household %(code)s (row %(row)s); one person "
                "belongs to one household. Correct the number or remove the person from one of them."
            ) % {"code": first_code[i], "row": first[i]}
        return _("This citizen ID number is also given on row %(row)s of the same household.") % {
            "row": first[i]
        }

    check.flag(again, "citizen_id", message)
    if not ctx.db_citizen_ids:
        return
    held = {cid: f"{code}|{no}" for cid, (code, no) in ctx.db_citizen_ids.items()}
    holder = ids.replace_strict(held, default=None, return_dtype=pl.String)
    this = codes + "|" + typed["member_no"].cast(pl.String).fill_null("")
    check.flag(
        valid & holder.is_not_null() & (holder != this),
        "citizen_id",
        lambda v, i: (
            _(
                "This citizen ID number is already registered for another person (household %(code)s). "
                "One person belongs to one household: correct the number or record the move first."
            )
            % {
                "code": ctx.db_citizen_ids[v][0]
                if ctx.db_citizen_ids[v][0] in ctx.existing_codes
                else "…"
            }
        ),
    )


def _check_heads(check: TableCheck, typed: pl.DataFrame, ctx: Context, in_file: pl.Series) -> None:
    """One head for each household on the households sheet; ages that fit the relations."""
    is_head = typed["relation"] == Relation.HEAD
    per_household = typed.with_columns(is_head.alias("_head")).select(
        pl.col("_head").cast(pl.Int32).sum().over("_household").alias("heads"),
        pl.col(ROW).min().over("_household").alias("first"),
        pl.col("date_of_birth")
        .filter(pl.col("_head"))
        .first()
        .over("_household")
        .alias("head_dob"),
    )
    heads = per_household["heads"]
    check.flag(
        (heads != 1) & (typed[ROW] == per_household["first"]) & in_file,
        "relation",
        lambda v, i: (
            str(rules.MSG_ONE_HEAD) + " " + _("This household has %(n)s.") % {"n": heads[i]}
        ),
    )
    dob = typed["date_of_birth"]
    head_age = _years(dob, pl.repeat(ctx.today, len(dob), eager=True, dtype=pl.Date))
    check.flag(
        is_head & (head_age < rules.MIN_HEAD_AGE),
        "date_of_birth",
        str(rules.MSG_HEAD_TOO_YOUNG) % {"age": rules.MIN_HEAD_AGE},
    )
    head_dob = per_household["head_dob"]
    gap = pl.select(
        pl.when(dob >= head_dob).then(_years(head_dob, dob)).otherwise(-_years(dob, head_dob))
    ).to_series()
    relation = typed["relation"]
    gap_rule = rules.MIN_GENERATION_GAP
    check.flag(
        (relation == Relation.CHILD) & (gap < gap_rule),
        "date_of_birth",
        str(rules.MSG_CHILD_GAP) % {"gap": gap_rule},
    )
    check.flag(
        (relation == Relation.GRANDCHILD) & (gap < 2 * gap_rule),
        "date_of_birth",
        str(rules.MSG_GRANDCHILD_GAP) % {"gap": 2 * gap_rule},
    )
    check.flag(
        (relation == Relation.PARENT) & (-gap < gap_rule),
        "date_of_birth",
        str(rules.MSG_PARENT_GAP) % {"gap": gap_rule},
    )


def _years(earlier: pl.Series, later: pl.Series) -> pl.Series:
    """`rules.years_between` over columns."""
    before_birthday = (later.dt.month() * 100 + later.dt.day()) < (
        earlier.dt.month() * 100 + earlier.dt.day()
    )
    return (
        later.dt.year().cast(pl.Int32)
        - earlier.dt.year().cast(pl.Int32)
        - before_birthday.cast(pl.Int32)
    )


def check_head_names(
    households: pl.DataFrame, members: pl.DataFrame | None, errors: list[RowError]
) -> None:
    """A household needs a head: a member with relation head, or at least `head_name`."""
    check = TableCheck(HOUSEHOLDS, households, errors)
    with_head = (
        members.filter(pl.col("relation") == Relation.HEAD)["household_code"].implode()
        if members is not None
        else pl.Series([], dtype=pl.String).implode()
    )
    missing = (households["head_name"] == "") & ~households["household_code"].is_in(with_head)
    check.flag(
        missing, "head_name", _("Give the head's name, or list the head on the members sheet.")
    )
