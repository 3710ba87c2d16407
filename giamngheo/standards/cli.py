"""``giamngheo classify``: the rule engine on files, without Django settings or a database.

    giamngheo classify [--standard ID | --standard-file FILE] [--lang vi|en] [--strict]
                       INPUT [--members MEMBERS] -o OUTPUT

Exit codes (contract): 0 all classified; 1 some households have errors (their lines say
why), or ``--strict`` stopped at the first; 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from giamngheo.standards.api import classify_records, lines
from giamngheo.standards.engine import evaluate
from giamngheo.standards.fileio import UnreadableInput, Writer, fmt, read_jsonl, read_tables
from giamngheo.standards.standard import Standard, StandardError, load_standard
from giamngheo.standards.tables import build_tables
from giamngheo.standards.vocab import CLASSES

PROGRESS_FROM = 10_000  # households; smaller runs finish before a bar would help


def main(argv: list[str]) -> int:
    """Entry point; returns the exit code instead of exiting."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    try:
        standard = _standard(args)
        fmt(args.output)
        kind = fmt(args.input)
        if not args.input.is_file():
            raise UnreadableInput(f"{args.input}: no such file")
        records, total = _classify(args, kind, standard)
        writer = Writer(args.output)
    except (StandardError, UnreadableInput, OSError) as exc:
        print(f"giamngheo classify: {exc}", file=sys.stderr)
        return 2
    stats = Summary()
    with tqdm(
        total=total,
        disable=total is None or total < PROGRESS_FROM,
        file=sys.stderr,
        unit=" households",
    ) as bar:
        for line in records:
            writer.write(line)
            stats.add(line)
            bar.update(1)
            if args.strict and "error" in line:
                break
    writer.close()
    stats.print(sys.stderr)
    return 1 if stats.errors else 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="giamngheo classify", description="Classify households against a poverty standard."
    )
    p.add_argument("input", type=Path, help="households: .jsonl, .csv, .xlsx or .parquet")
    p.add_argument("--members", type=Path, help="members table (CSV or Parquet input)")
    p.add_argument(
        "-o", "--output", type=Path, required=True, help="output file; format by extension"
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--standard", help="standard id, e.g. vn-2022 (default: by review date)")
    which.add_argument(
        "--standard-file", type=Path, help="a province standard in the data-file format"
    )
    p.add_argument(
        "--lang", choices=("vi", "en"), default="vi", help="language of explanation_text"
    )
    p.add_argument(
        "--strict", action="store_true", help="stop at the first household with an error"
    )
    return p


def _standard(args: argparse.Namespace) -> Standard | None:
    if args.standard_file is not None:
        if not args.standard_file.is_file():
            raise StandardError(f"{args.standard_file}: no such file")
        return load_standard(args.standard_file)
    return load_standard(args.standard) if args.standard else None


def _classify(
    args: argparse.Namespace, kind: str, standard: Standard | None
) -> tuple[Iterator[dict[str, Any]], int | None]:
    if kind == ".jsonl":
        with args.input.open(encoding="utf-8") as fh:
            total = sum(1 for line in fh if line.strip())
        return classify_records(read_jsonl(args.input), standard=standard, lang=args.lang), total
    households, members = read_tables(args.input, args.members)
    try:
        outcome = evaluate(build_tables(households, members), standard, keep_causes=True)
    except Exception as exc:  # a table whose columns cannot be decoded at all
        raise UnreadableInput(f"{args.input}: {exc}") from exc
    return lines(outcome, args.lang), households.height


class Summary:
    """Counts for the closing summary on standard error."""

    def __init__(self) -> None:
        self.classes: Counter[str] = Counter()
        self.deprived: Counter[str] = Counter()
        self.standards: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.errors = 0

    def add(self, line: dict[str, Any]) -> None:
        if "error" in line:
            self.errors += 1
            return
        self.classes[line["class"]] += 1
        self.standards[line["standard"]] += 1
        self.deprived.update(line["deprived"])
        # One summary line per distinct warning: a whole file named under one standard out of
        # force would otherwise repeat the same sentence for every household.
        self.warnings.update(line.get("warnings_text") or ())

    def print(self, out: Any) -> None:
        done = sum(self.classes.values())
        total = done + self.errors
        used = ", ".join(sorted(self.standards)) or "-"
        print(
            f"classified {done:,} of {total:,} households ({self.errors:,} with errors); standard: {used}",
            file=out,
        )
        for name in CLASSES:
            k = self.classes[name]
            print(
                f"  {name:<10} {k:>10,}  {k / done:7.2%}" if done else f"  {name:<10} {k:>10,}",
                file=out,
            )
        for text, k in self.warnings.items():
            print(f"warning ({k:,} households): {text}", file=out)
        if self.deprived:
            print("top deprivations:", file=out)
            for name, k in self.deprived.most_common(5):
                print(f"  {name:<26} {k:>10,}  {k / done:7.2%}", file=out)
