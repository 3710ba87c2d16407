"""What every job ends with: one result shape, whatever the job did.

A job function returns a `JobResult` (or a dict of the same shape). `jobs.running.job_run`
checks it and stores `JobResult.as_dict()` in `Job.result`:

    {"summary": str,                       # one sentence for the person who started the job
     "errors": [{"sheet", "row", "column", "value", "message"}, ...],   # the first ERRORS_KEPT
     "error_count": int,                   # how many errors there were in all
     "file": str,                          # the name of Job.output, or ""
     ...}                                  # optional extra keys, e.g. counts

A result with errors ends the job as `succeeded_with_errors`; see `jobs.models.Job`.
"""

import numbers
from dataclasses import dataclass, field, fields
from typing import Any

ERRORS_KEPT = 5000  # errors stored with a job; `error_count` says how many there were
RESERVED = ("summary", "errors", "error_count", "file")


class JobResultInvalid(ValueError):
    """A job function returned something that is not a job result: a mistake in the code."""


@dataclass(frozen=True)
class JobError:
    """One problem a person can fix: where it is (sheet, row, column), what was there, and how."""

    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    message: str = ""  # required: what is wrong, and how to fix it

    def __post_init__(self) -> None:
        if not isinstance(self.message, str) or not self.message:
            raise JobResultInvalid(f"A job error needs a message, not {self.message!r}.")
        if self.row is not None:
            if isinstance(self.row, bool) or not isinstance(self.row, numbers.Integral):
                raise JobResultInvalid(f"A job error's row is a number or None, not {self.row!r}.")
            object.__setattr__(self, "row", int(self.row))
        object.__setattr__(self, "sheet", str(self.sheet or ""))
        object.__setattr__(self, "column", str(self.column or ""))
        object.__setattr__(self, "value", "" if self.value is None else str(self.value))

    @classmethod
    def from_value(cls, value: "JobError | dict") -> "JobError":
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise JobResultInvalid(f"A job error is a JobError or a dict, not {value!r}.")
        unknown = set(value) - {f.name for f in fields(cls)}
        if unknown:
            raise JobResultInvalid(f"A job error has unknown keys {sorted(unknown)}.")
        return cls(**value)

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class JobResult:
    summary: str = ""
    errors: list[JobError] = field(default_factory=list)
    file: str = ""
    # How many errors there were when `errors` holds only the first of them.
    error_count: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_value(cls, value: "JobResult | dict | None") -> "JobResult":
        """The job function's return value as a result; anything else is refused."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            result = value
        elif isinstance(value, dict):
            extra = {k: v for k, v in value.items() if k not in RESERVED}
            result = cls(
                summary=value.get("summary", ""),
                errors=list(value.get("errors") or []),
                file=value.get("file") or "",
                error_count=value.get("error_count"),
                extra=extra,
            )
        else:
            raise JobResultInvalid(f"A job returns a JobResult or a dict, not {value!r}.")
        if not isinstance(result.summary, str):
            raise JobResultInvalid(f"A job's summary is text, not {result.summary!r}.")
        if not isinstance(result.file, str):
            raise JobResultInvalid(f"A job's file is a name, not {result.file!r}.")
        clash = set(result.extra) & set(RESERVED)
        if clash:
            raise JobResultInvalid(f"Extra keys may not be named {sorted(clash)}.")
        result.errors = [JobError.from_value(e) for e in result.errors]
        return result

    @property
    def total_errors(self) -> int:
        return max(self.error_count or 0, len(self.errors))

    def as_dict(self) -> dict:
        return {
            **self.extra,
            "summary": self.summary,
            "errors": [e.as_dict() for e in self.errors[:ERRORS_KEPT]],
            "error_count": self.total_errors,
            "file": self.file,
        }
